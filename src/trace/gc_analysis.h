// GC and stop-the-world view of an execution trace: each GC cycle and each stop-the-world with
// its kind and duration, heap in use and the heap goal over time, and the mutator utilisation
// function the MMU curve is computed from (mmu.h), as Go's internal/trace defines it.
//
// Cycles, pauses and heap samples are paired per M (new format) or P (old), where both ends of a
// pair are written, so they need no global order. The utilisation function needs one: a P counts
// as doing GC work while a goroutine that is in a mark assist or is a background mark worker runs
// on it, and those goroutines move between Ms. Events that arrive in time order are replayed at
// once; from the first that does not, the rest of its generation is kept (about 24 bytes an
// event), sorted by time and replayed; the old format, which has no generations, is then replayed
// in slices of kOldFormatSlice events.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "trace/mmu.h"
#include "trace/model.h"

namespace godx::trace {

struct GcCycle {
  int64_t start_ns = 0;
  int64_t end_ns = -1;            // -1: still running when the trace ends
  bool began_before_trace = false;  // a generation started with this cycle running (GCActive)
};

struct StwPause {
  int64_t start_ns = 0;
  int64_t duration_ns = -1;  // -1: no end in the trace
  std::string kind;          // "GC mark termination", "read mem stats" ...
  bool gc = false;           // a GC stop (upstream: the kind names GC); only these lower the MMU
};

struct HeapSample {
  int64_t time_ns = 0;
  uint64_t bytes = 0;
};

struct GcResult {
  std::vector<GcCycle> cycles;
  std::vector<StwPause> pauses;       // by start time
  std::vector<HeapSample> heap_live;  // HeapAlloc: bytes of live heap plus unswept, by time
  std::vector<HeapSample> heap_goal;
  // Mutator utilisation with upstream's flags STW|Background|Assist|Sweep (what `go tool trace`
  // shows by default) and with STW|Background only (assists and sweeping left to the mutator).
  std::vector<UtilPoint> util;
  std::vector<UtilPoint> util_without_assist_sweep;
  int64_t assist_ns = 0;  // goroutine time in mark assists while running (summed over Ps)
  uint64_t gomaxprocs = 0;
};

class GcAnalyzer : public EventSink {
 public:
  // The trace header's minor version: old-format stop-the-world kinds are numbers whose meaning
  // changed in Go 1.21.
  explicit GcAnalyzer(int header_minor) : header_minor_(header_minor) {}
  void OnGeneration(const Generation& g) override;
  void OnEvent(const Event& e) override;
  GcResult Finish();

  static constexpr size_t kOldFormatSlice = size_t{1} << 22;

 private:
  enum Op : uint8_t {
    kProcs, kStwBegin, kStwEnd, kGcBegin, kGcEnd, kGcActive, kSweepBegin, kSweepEnd,
    kSweepActive, kAssistBegin, kAssistEnd, kAssistActive, kGoStart, kGoLeave, kBgLabel,
  };
  struct Rec {
    int64_t time_ns;
    uint64_t arg;  // goroutine, or GOMAXPROCS for kProcs
    uint32_t p;
    uint8_t op;
    bool flag;     // kStwBegin/kStwEnd: a GC stop; kGoStart: labelled a background mark worker
  };
  void Push(const Event& e, Op op, uint64_t arg, bool flag = false);
  // Push for an event about P `p` rather than the P the event ran on.
  void PushRec(Rec rec);
  void Replay(size_t n);  // the first n records of buf_, sorted by time
  void Apply(const Rec& r);
  void SetUtil(int64_t t);
  void AdjustGc(uint32_t p, int delta, bool both);
  void LeaveP(uint64_t g, int64_t t);
  std::string OldStwKind(uint64_t code) const;

  int header_minor_;
  GcResult r_;
  std::vector<Rec> buf_;
  bool first_generation_ = true;
  uint64_t generations_ = 0;
  std::unordered_map<uint64_t, size_t> open_stw_;  // by M (new) or P (old): index in pauses
  // Replay state (upstream's MutatorUtilizationV2).
  int stw_ = 0;
  std::vector<int> gc_all_, gc_bg_;  // per P: GC work under each flag set
  int busy_all_ = 0, busy_bg_ = 0;   // Ps with gc > 0
  std::unordered_set<uint64_t> in_assist_, bg_mark_;
  // Goroutines whose run is counted as GC work: their P, and whether only under "all".
  struct Counted {
    uint32_t p;
    bool assist_only;
    int64_t since;
  };
  std::unordered_map<uint64_t, Counted> counted_;
  std::unordered_map<uint64_t, uint32_t> running_;  // goroutine → P
  int64_t last_time_ = 0;
  int64_t replayed_until_ = INT64_MIN;  // the latest record replayed
  bool any_ = false;
  int64_t open_cycle_ = -1;  // index in cycles
};

}  // namespace godx::trace
