// The ordering of a new-format trace (Go 1.22+), as upstream defines it (internal/trace's
// order.go and reader.go, mirrored in golang.org/x/exp/trace): each M's events are in its own
// batches, and the events of one generation are merged across Ms by replaying the scheduler.
// Goroutine, P and M states are tracked across generations (re-established at each generation's
// start by GoStatus/ProcStatus); an event advances only when the states and sequence numbers it
// needs hold (a GoStart needs its goroutine runnable at the previous sequence, a ProcSteal a P in a
// syscall, a GCEnd the next GC sequence ...). When the earliest event cannot advance, the others
// are tried in time order; when none can, the trace is inconsistent.
//
// Each advanced event is queued with the scheduling context it happened in (the M's P and
// goroutine before it) and the transition it implies. Some wire events stand for several:
// GoSwitch is an unblock, a block and a start; GoDestroySyscall with a P also steals that P.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trace/model.h"

namespace godx::trace::internal {

// One event as read from its batch, before ordering.
struct RawEvent {
  uint64_t offset = 0;  // of its type byte in the file
  int64_t time = 0;     // nanoseconds, converted as upstream converts (see v2_reader.cc)
  uint8_t type = 0;     // wire type
  uint64_t args[5] = {};
};

// An ordered event with its context and transition.
struct OrderedEvent {
  RawEvent ev;
  uint64_t m = kNone, p = kNone, g = kNone;
  Transition transition;
  // Strings the ordering recovered for events whose own arguments lack them: the STW kind of an
  // STWEnd, the name of the task a UserTaskEnd ends.
  std::string_view recovered;
};

class Ordering {
 public:
  enum class Outcome { kAdvanced, kNotYet, kError };
  // Upstream's Advance: tries to advance `ev`, the next event of M `m` in generation `gen`
  // (generations must not decrease across calls). kNotYet: the event must wait for others (`why`
  // says what it waits for); kError: the trace is inconsistent (`why` says what was expected).
  // `strings` is the generation's string table.
  Outcome Advance(const RawEvent& ev, uint64_t m, uint64_t gen,
                  const std::unordered_map<uint64_t, std::string_view>& strings, std::string* why);
  // The next ordered event, if any.
  bool Next(OrderedEvent* out);

 private:
  struct Seq {
    uint64_t gen = 0, seq = 0;
    bool Succeeds(const Seq& b) const { return gen == b.gen && seq == b.seq + 1; }
  };
  struct Range {
    uint8_t begin_type;      // the Begin wire type of the range
    std::string_view desc;   // STW kind
    bool operator==(const Range&) const = default;
  };
  struct Region {
    uint64_t task;
    std::string_view name;
    bool operator==(const Region&) const = default;
  };
  struct GState {
    uint8_t status = 0;  // wire GoStatus
    Seq seq;
    std::vector<Region> regions;
    std::vector<Range> ranges;
  };
  struct PState {
    uint8_t status = 0;  // wire ProcStatus
    Seq seq;
    std::vector<Range> ranges;
  };
  struct MState {
    uint64_t g = kNone, p = kNone;
  };
  struct Ctx {
    uint64_t m = kNone, p = kNone, g = kNone;
  };
  enum class Need : uint8_t { kMustNot, kMay, kMust };
  struct Reqs {
    Need m, p, g;
  };
  struct Task {
    std::string_view name;
    uint64_t parent;
  };
  enum class Gc : uint8_t { kUndetermined, kNotRunning, kRunning };

  // A handler's verdict; on kAdvanced `next` is the M's new context.
  struct Step {
    Outcome outcome;
    Ctx next;
  };

  Step Dispatch(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  static std::optional<std::string> Validate(const Ctx& c, Reqs r);
  void Push(const RawEvent& ev, const Ctx& c, Transition t = {}, std::string_view rec = {});
  void PushSynthetic(uint8_t type, int64_t time, uint64_t offset, const Ctx& c, Transition t,
                     uint64_t arg0 = 0, uint64_t arg1 = 0);
  static Transition GoTransition(uint64_t g, GoState from, GoState to, uint64_t stack = 0);
  static Transition ProcTransition(uint64_t p, ProcState from, ProcState to);

  // The handlers, one per group of wire types (upstream's advance* functions).
  Step ProcStatus(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step ProcStart(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step ProcStop(const RawEvent& ev, Ctx cur, std::string* why);
  Step ProcSteal(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoStatus(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoCreate(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoStopExec(const RawEvent& ev, Ctx cur, std::string* why);
  Step GoStart(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoUnblock(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoSwitch(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoSyscallBegin(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoSyscallEnd(const RawEvent& ev, Ctx cur, std::string* why);
  Step GoSyscallEndBlocked(const RawEvent& ev, Ctx cur, std::string* why);
  Step GoCreateSyscall(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoDestroySyscall(const RawEvent& ev, Ctx cur, std::string* why);
  Step UserTaskBegin(const RawEvent& ev, Ctx cur, std::string* why);
  Step UserTaskEnd(const RawEvent& ev, Ctx cur, std::string* why);
  Step UserRegion(const RawEvent& ev, Ctx cur, std::string* why);
  Step GcActive(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GcBegin(const RawEvent& ev, Ctx cur, std::string* why);
  Step GcEnd(const RawEvent& ev, Ctx cur, std::string* why);
  Step SweepBegin(const RawEvent& ev, Ctx cur, std::string* why);
  Step SweepActive(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step SweepEnd(const RawEvent& ev, Ctx cur, std::string* why);
  Step GoRangeBegin(const RawEvent& ev, Ctx cur, std::string* why);
  Step GoRangeActive(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why);
  Step GoRangeEnd(const RawEvent& ev, Ctx cur, std::string* why);
  Step Simple(const RawEvent& ev, Ctx cur, Reqs reqs, std::string* why);

  std::unordered_map<uint64_t, GState> gs_;
  std::unordered_map<uint64_t, PState> ps_;
  std::unordered_map<uint64_t, MState> ms_;
  uint64_t last_m_ = kNone;
  MState* last_ms_ = nullptr;  // ms_'s entry for last_m_
  std::unordered_map<uint64_t, Task> tasks_;
  uint64_t gc_seq_ = 0;
  Gc gc_ = Gc::kUndetermined;
  uint64_t initial_gen_ = 0;
  const std::unordered_map<uint64_t, std::string_view>* strings_ = nullptr;
  std::deque<OrderedEvent> queue_;
};

}  // namespace godx::trace::internal
