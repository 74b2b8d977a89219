// The ordering of an old-format trace (Go 1.5-1.21), as Go's own parser (internal/trace of Go
// ≤1.21, order.go and parser.go) defines it. Events come in per-P batches; their order across
// Ps is recovered:
//  - go 1.5: by the global sequence number every event carries; the times must then not go
//    backwards ("events out of time order");
//  - go 1.7+: by per-goroutine sequence numbers. Each P's next event joins a frontier once the
//    state and sequence it needs hold (a GoStart its goroutine runnable at sequence N, a GoUnblock
//    it waiting, a GCStart the previous GC ...); the earliest in the frontier is taken. No
//    candidate at all: "no consistent ordering". The result must be in time order; a GoSysExit
//    then takes the real exit time it carries, and events are stably re-sorted by time.
// Then Go's consistency pass (postProcessTrace) checks goroutine and P states along the order.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace godx::trace::internal {

inline constexpr int64_t kV1FakeP = 1000000, kV1TimerP = 1000001, kV1NetpollP = 1000002,
                          kV1SyscallP = 1000003, kV1GcP = 1000004, kV1ProfileP = 1000005;

// One old-format event, as the ordering needs it (the rest is decoded again from `offset`).
struct V1Rec {
  uint64_t offset = 0;
  int64_t ts = 0;     // ticks; from V1Order::Next, nanoseconds since the first event
  int64_t seq = 0;    // go 1.5: the global sequence number
  uint64_t g = 0;     // the goroutine the event is about, as Go's parser assigns it
  int64_t p = 0;      // the batch's P (Ps ≥ 1000000 are the runtime's pseudo-Ps)
  uint64_t args[3] = {};  // arguments after the timestamp (and 1.5's sequence), stack excluded
  uint8_t type = 0;
  bool sys_blocked = false;  // a GoSysCall whose goroutine's next event is GoSysBlock
};

// A syscall exit at its real exit time; `pos` is where the merge put it.
struct V1Moved {
  size_t pos = 0;
  V1Rec rec;
};

// Each P's events in file order (the CPU samples' pseudo-P included), decoded again on every
// pass: the ordering keeps no copy of them, only which stream each next event came from.
class V1Streams {
 public:
  virtual ~V1Streams() = default;
  virtual size_t size() const = 0;                 // the number of streams
  virtual size_t Count(size_t stream) const = 0;   // events in one stream
  virtual void Rewind() = 0;                       // every stream back to its first event
  virtual bool Next(size_t stream, V1Rec* out) = 0;  // false: the input changed under us
};

// The ordered events, replayed from the streams. For Go 1.7+ this is one stream index per event
// (2 bytes) plus the syscall exits, which move when they take their real exit time; Go 1.5's
// sequence-number order, and orders that broke where their events were not in time order, are
// kept as records.
class V1Order {
 public:
  void Rewind();
  bool Next(V1Rec* out);  // the next event in order; false at the end
  bool empty() const;

 private:
  friend Status OrderV1(int, V1Streams&, uint64_t, const std::unordered_set<uint64_t>&,
                        const std::string&, V1Order*, std::string*);
  V1Streams* streams_ = nullptr;
  bool flat_mode_ = false;
  std::vector<V1Rec> flat_;
  std::vector<uint16_t> order_;
  std::vector<V1Moved> exits_;      // by (ts, pos); empty when no exit moved
  bool move_exits_ = false;
  std::vector<size_t> blocked_;     // positions (in the final order) of GoSysCalls that blocked
  size_t limit_ = ~size_t{0};       // events handed out at most
  bool convert_ = false;
  int64_t min_ts_ = 0;
  double ns_per_tick_ = 0;
  // Replay state.
  size_t emitted_ = 0, next_main_ = 0, next_exit_ = 0, main_pos_ = 0, next_blocked_ = 0;
  bool main_valid_ = false;
  V1Rec main_;
};

// Orders `streams` into `out`. `frequency`: ticks per second; `timer_goroutines`: the timer
// goroutines (EvTimerGoroutine), whose unblocks come from no running goroutine. Errors name the
// offset of an event and what was expected; `name` is the file name for messages. `cut`
// (non-null for a trace cut short): instead of failing, keep what was ordered and checked before
// the break and append a note to *cut.
Status OrderV1(int version, V1Streams& streams, uint64_t frequency,
               const std::unordered_set<uint64_t>& timer_goroutines, const std::string& name,
               V1Order* out, std::string* cut = nullptr);

}  // namespace godx::trace::internal
