// Blocking profiles exactly like `go tool trace -pprof=net|sync|syscall|sched`: time goroutines
// spent in a state, summed by the stack of the event that put them there, as pprof profiles with
// the sample types contentions/count and delay/nanoseconds.
//
// New-format traces follow Go 1.22+ cmd/trace (pprof.go over internal/trace's transitions):
//   net      waiting, reason "network"
//   sync     waiting, reason containing "chan", "sync" or "select"
//   syscall  in a syscall (any)
//   sched    runnable (any), until it leaves that state
// keyed by the stack of the transition into the state (for sched: the unblocker's, the creator's,
// or the preempted goroutine's own stack; none for a generation-start status), each interval
// clipped to its goroutine's life from its first run (`go tool trace -pprof` passes every
// goroutine's [first run, end] interval): a wait before a goroutine first ran counts nothing.
//
// Old-format traces follow Go ≤1.21 cmd/trace: each blocking event linked to the event that ended
// it (GoBlockNet → its GoUnblock; GoBlockSend/Recv/Select/Sync/Cond/GC → their GoUnblock; a
// GoSysCall that blocked → its GoSysExit; GoUnblock/GoCreate → the GoStart that followed), events
// without a stack left out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pprof/model.h"
#include "trace/model.h"

namespace godx::trace {

enum class ProfileKind { kNet, kSync, kSyscall, kSched };
std::optional<ProfileKind> ParseProfileKind(std::string_view name);
std::string_view ProfileKindName(ProfileKind k);

// One record: a stack (frames leaf first) and what was summed on it.
struct ProfileRecord {
  std::vector<Frame> stack;  // views into the trace input
  int64_t count = 0, ns = 0;
};

class BlockingProfiler : public EventSink {
 public:
  explicit BlockingProfiler(ProfileKind kind) : kind_(kind) {}
  void OnGeneration(const Generation& g) override;
  void OnEvent(const Event& e) override;
  void OnEnd(int64_t sync_ns) override { end_ns_ = sync_ns; }

  // The records, by time descending.
  std::vector<ProfileRecord> Records();
  // The pprof profile (as go tool trace builds it: period trace/count 1).
  pprof::Profile Profile();

 private:
  uint32_t Intern(uint64_t stack);  // the record index of a stack of this generation
  void Add(uint32_t record, int64_t ns) {
    ++records_[record].count;
    records_[record].ns += ns;
  }
  void OnNewFormat(const Event& e);
  void OnOldFormat(const Event& e);

  ProfileKind kind_;
  bool old_format_ = false;
  const StackResolver* resolver_ = nullptr;
  std::vector<Frame> frames_;
  std::vector<ProfileRecord> records_;
  std::map<std::vector<uint64_t>, uint32_t> by_pcs_;       // stack PCs → record
  std::unordered_map<uint64_t, uint32_t> by_id_;           // this generation's stack ID → record
  struct Tracked {
    int64_t since;
    uint32_t record;
  };
  std::unordered_map<uint64_t, Tracked> tracking_;          // goroutine → interval start
  std::unordered_map<uint64_t, int64_t> first_run_;          // goroutine → first time running
  std::unordered_map<uint64_t, int64_t> ended_;              // goroutine → end time
  // Intervals of goroutines that had not run yet when they ended: they count only if the
  // goroutine never runs (its interval is then the whole trace).
  struct Deferred {
    uint64_t g;
    int64_t from, to;
    uint32_t record;
  };
  std::vector<Deferred> deferred_;
  // Old format: the event that last made each goroutine wait or runnable (Go's g.ev).
  struct Last {
    uint8_t type;
    int64_t time;
    uint32_t record;  // UINT32_MAX: no stack
  };
  std::unordered_map<uint64_t, Last> last_;
  int64_t end_ns_ = 0;
};

}  // namespace godx::trace
