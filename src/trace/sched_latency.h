// Scheduler latency: how long goroutines waited runnable before they ran (each runnable → running
// transition whose start is in the trace), and the stretches in which goroutines were runnable
// while Ps sat idle — the scheduler had room it did not use (GOMAXPROCS too low cannot be the
// cause then; a starved or locked-up P handoff, or wakeup latency, can). Memory: a log-bucketed
// histogram of waits and per-goroutine/P state, not per event.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "trace/model.h"

namespace godx::trace {

// Runnable with idle Ps counts only in stretches at least this long: shorter ones are the normal
// time a P takes to wake up for new work.
inline constexpr int64_t kIdleWhileRunnableMinNs = 100'000;

struct SchedLatency {
  uint64_t waits = 0;  // runnable → running transitions measured
  int64_t total_ns = 0;
  int64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;  // percentiles within 1.6%
  uint64_t max_goroutine = 0;
  std::string max_goroutine_name;
  int64_t max_at_ns = 0;  // when the longest wait ended
  uint64_t gomaxprocs_at_max = 0;  // GOMAXPROCS then (0: the trace did not say)
  uint64_t ps = 0;        // the highest GOMAXPROCS (or Ps seen, when the trace does not say)
  // Stretches (≥ kIdleWhileRunnableMinNs) with runnable goroutines and idle Ps.
  uint64_t idle_stretches = 0;
  int64_t idle_while_runnable_ns = 0;
  double mean_idle_ps = 0;  // idle Ps, averaged over those stretches
  uint64_t max_idle_ps = 0;
  int64_t span_ns = 0;      // first to last event
};

class SchedLatencyAnalyzer : public EventSink {
 public:
  void OnGeneration(const Generation& g) override { resolver_ = g.resolver; }
  void OnEvent(const Event& e) override;
  SchedLatency Finish() const;

 private:
  static size_t Bucket(int64_t ns);
  static int64_t BucketValue(size_t b);
  void Advance(int64_t t);
  void CountIdle();

  const StackResolver* resolver_ = nullptr;
  std::array<uint64_t, 64 * 64> hist_{};
  SchedLatency s_;
  bool any_ = false;
  int64_t first_ = 0, last_ = 0;
  std::unordered_map<uint64_t, int64_t> runnable_since_;  // goroutine → when it became runnable
  std::unordered_set<uint64_t> runnable_;                  // every runnable goroutine
  std::unordered_map<uint64_t, ProcState> procs_;
  uint64_t idle_ = 0;
  uint64_t gomaxprocs_ = 0;  // from ProcsChange (0: not seen)
  int64_t stretch_start_ = -1;
  double stretch_idle_area_ = 0;  // idle Ps × ns within the current stretch
  uint64_t stretch_max_idle_ = 0;
  double idle_area_ = 0;          // over counted stretches
};

}  // namespace godx::trace
