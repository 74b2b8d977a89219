// User annotations of an execution trace (runtime/trace.NewTask, WithRegion/StartRegion, Log):
// per task type and region type how many there were and how long they took (p50, p99, max), and
// logs by category. Tasks pair by ID wherever their ends were written; regions pair per goroutine
// (last in, first out, by name), which needs their events in time order: they are few, so each
// generation's are kept and sorted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/model.h"

namespace godx::trace {

struct LatencyStats {
  uint64_t count = 0;     // with both ends in the trace
  uint64_t unended = 0;   // begun, no end in the trace
  int64_t p50_ns = 0, p99_ns = 0, max_ns = 0, total_ns = 0;
};

struct LogCategory {
  uint64_t count = 0;
  std::string example;  // the first message
};

struct AnnotationResult {
  std::map<std::string, LatencyStats> tasks;    // by task type (NewTask's name)
  std::map<std::string, LatencyStats> regions;  // by region type
  std::map<std::string, LogCategory> logs;      // by category ("" when none)
  uint64_t task_count = 0, region_count = 0, log_count = 0;  // begins (as the summary counts)
};

// The nearest-rank quantile q (0..1) of `v`, which it sorts.
int64_t Quantile(std::vector<int64_t>& v, double q);

class AnnotationAnalyzer : public EventSink {
 public:
  void OnGeneration(const Generation&) override { PairRegions(); }
  void OnEvent(const Event& e) override;
  AnnotationResult Finish();

 private:
  void PairRegions();

  struct Task {
    std::string name;
    int64_t begin_ns = 0, end_ns = 0;
    bool begun = false, ended = false;
  };
  std::unordered_map<uint64_t, Task> tasks_;
  struct RegionEvent {
    int64_t time_ns;
    uint64_t g;
    bool begin;
    std::string_view name;  // into the input, which outlives the reading
  };
  std::vector<RegionEvent> region_events_;
  struct Open {
    std::string_view name;
    int64_t begin_ns;
  };
  std::unordered_map<uint64_t, std::vector<Open>> open_regions_;  // by goroutine
  std::map<std::string, std::vector<int64_t>, std::less<>> region_ns_;
  AnnotationResult r_;
};

}  // namespace godx::trace
