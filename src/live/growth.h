// Sustained growth in a time series (goroutines, threads, RSS, heap), told apart from noise such
// as the heap's GC sawtooth: the series must rise along a line that explains most of its variance,
// rise in most steps, and rise by more than an absolute and a relative floor.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace godx::live {

struct GrowthRule {
  double min_rise = 10;         // last − first, in the series' unit
  double min_rise_share = 0.1;  // (last − first) / first
  size_t min_samples = 4;
  double min_r2 = 0.7;
  double min_rising_steps = 0.6;  // share of steps that do not go down
};

struct Growth {
  double first = 0, last = 0;
  double per_second = 0;  // the fitted slope
  double r2 = 0;
  double seconds = 0;  // the span the growth was seen over
  size_t samples = 0;
};

// `t` in seconds, `v` the values, same length; samples whose value is unknown are left out by the
// caller. Looks at the last `window` samples (0: all).
std::optional<Growth> DetectGrowth(const std::vector<double>& t, const std::vector<double>& v,
                                   const GrowthRule& rule, size_t window = 0);

}  // namespace godx::live
