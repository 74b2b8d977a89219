// The runtime's own goroutine leak verdict (/debug/pprof/goroutineleak, Go 1.26 with
// GOEXPERIMENT=goroutineleakprofile, Go 1.27+) held against godx's growth heuristic (a stack
// whose goroutine count grows during the capture). The runtime's verdict is proof that a
// goroutine can never run again (the GC found nothing reachable that could wake it); growth is
// a symptom that also fits a queue that drains later. Where the two meet, the leak is confirmed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/report.h"
#include "live/goroutine_profile.h"

namespace godx::live {

// One stack seen growing, leaked, or both. Counts are goroutines; -1 when that snapshot is
// missing.
struct LeakSite {
  std::string site;  // "main.leakyWorker at main.go:24"
  int64_t before = -1, after = -1;
  int64_t leaked = 0;
  // "confirmed": grew and the runtime marks it leaked; "reachable": grew, not marked leaked (still
  // reachable: a queue, a pool, work in progress); "leaked": marked leaked, not seen growing (a
  // small or past leak).
  std::string verdict;
};

struct LeakComparison {
  bool offered = false;         // the bundle holds the runtime's leak profile
  std::string note;             // why it is absent, when it is
  uint64_t leaked = 0;          // the leak profile's total
  bool growth_known = false;    // both goroutine snapshots were there, far enough apart
  std::vector<LeakSite> sites;  // confirmed first, then reachable, then leaked; larger first
};

// Least growth of one stack during the capture counted as growing.
inline constexpr int64_t kBucketGrowthMin = 10;

// `start` and `end` are the goroutine profiles (debug=1) taken `span_s` apart; `leaked` the
// goroutineleak profile (debug=1) taken after `end`. Any may be null.
LeakComparison CompareLeaks(const CountProfile* start, const CountProfile* end,
                            const CountProfile* leaked, double span_s);

// Adds the comparison to a doctor report: summary["goroutine_leak"], a fact, a table and the
// findings goroutine-leak-confirmed, goroutine-leak-runtime and goroutine-growth-reachable.
void AddLeakVerdict(const LeakComparison& c, Report* r);

}  // namespace godx::live
