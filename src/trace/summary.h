// The first view of a trace: what `godx trace` prints as its summary. Built event by event while
// the reader streams, so it never holds the events.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "trace/model.h"

namespace godx::trace {

struct StwStats {
  uint64_t count = 0;      // STW begins
  uint64_t completed = 0;  // with their end in the trace
  int64_t total_ns = 0, max_ns = 0;
};

struct TraceSummary {
  int64_t first_ns = 0, last_ns = 0;  // event times seen (CPU samples included)
  uint64_t events = 0;
  std::array<uint64_t, static_cast<size_t>(EventClass::kCount)> by_class{};
  uint64_t ms = 0, ps = 0, goroutines = 0;
  uint64_t gc_cycles = 0;       // GC begins (old: GCStart)
  uint64_t gc_in_progress = 0;  // new format: a generation started with a GC running (GCActive)
  StwStats stw;
  std::map<std::string, StwStats> stw_by_kind;     // kind string (new format), "GC" (old)
  std::map<std::string, uint64_t> block_reasons;   // reason string (new) or event name (old)
  uint64_t cpu_samples = 0;
  uint64_t tasks = 0, regions = 0, logs = 0;
  uint64_t syscalls = 0;
  bool syscall_abandoned = false;  // ProcStatus SyscallAbandoned: only Go 1.27+ writes it
};

class SummaryBuilder : public EventSink {
 public:
  void OnEvent(const Event& event) override;
  // The summary so far (counts of distinct Ms, Ps and goroutines filled in).
  TraceSummary Finish() const;

 private:
  TraceSummary s_;
  bool any_time_ = false;
  std::unordered_set<uint64_t> ms_, ps_, gs_;
  // The last M, P and G entered: most events repeat them, and a compare is cheaper than a hash.
  uint64_t last_m_ = kNone, last_p_ = kNone, last_g_ = kNone;
  // Open STWs by where they run: the M (new format) or the P (old).
  struct OpenStw {
    int64_t start_ns;
    std::string kind;
  };
  std::unordered_map<uint64_t, OpenStw> open_stw_;
};

}  // namespace godx::trace
