// Per-P utilisation over time: the share of each P's time spent running goroutines (Go code, not
// syscalls), in time buckets, and the Ps left idle. A goroutine's run starts and ends on the same
// M (new format) or P (old), so runs are paired there without a global order and their time is
// added straight into fixed-width buckets: memory is bounded by buckets, not by events.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "trace/model.h"

namespace godx::trace {

struct UtilisationResult {
  int64_t start_ns = 0, bucket_ns = 0;  // bucket i covers [start + i*bucket, start + (i+1)*bucket)
  uint64_t gomaxprocs = 0;              // the highest seen
  // busy[p][i]: nanoseconds P p ran goroutines in bucket i.
  std::vector<std::vector<int64_t>> busy;
  std::vector<int64_t> total_busy_ns;  // per P, over the trace
  int64_t span_ns = 0;                 // first to last run
  size_t buckets() const { return busy.empty() ? 0 : busy[0].size(); }
};

class UtilisationAnalyzer : public EventSink {
 public:
  explicit UtilisationAnalyzer(bool new_format) : new_format_(new_format) {}
  void OnEvent(const Event& e) override;
  // `buckets` display buckets over [first, last] (from the fine ones kept while reading).
  UtilisationResult Finish(size_t buckets = 20);

 private:
  void AddRun(uint64_t p, int64_t start, int64_t end);
  void Coarsen();

  bool new_format_;
  struct Run {
    uint64_t g, p;
    int64_t start;
  };
  std::unordered_map<uint64_t, Run> open_;  // by M (new format) or P (old)
  // Fine buckets: absolute index floor(t / res_) - base_, per P.
  int64_t res_ = 10000;  // 10 µs, made wider as the trace grows
  int64_t base_ = 0;
  bool any_ = false;
  int64_t first_ = 0, last_ = 0;
  std::vector<std::vector<int64_t>> fine_;
  uint64_t gomaxprocs_ = 0;
};

}  // namespace godx::trace
