// Sustained growth in a time series (goroutines, threads, RSS, heap), told apart from noise such
// as the heap's GC sawtooth, and its shape: still growing at the end, or grown and then held at a
// level (a plateau). The series must rise by more than an absolute and a relative floor, and the
// part that grew must either rise along a line that explains most of its variance in most steps,
// or move to a level whose lowest samples sit above the highest of the start (a level shift that
// a sawtooth cannot fake).
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
  // The rate over the part that grew (a fitted slope when it has three samples or more), not
  // diluted by a flat start or a plateau.
  double per_second = 0;
  double r2 = 0;         // of the fit over the part that grew (1 for two samples)
  double seconds = 0;    // the whole span looked at
  double end_s = 0;      // the time of the last sample
  size_t samples = 0;    // samples looked at
  // The part that grew: from the last sample of a flat start to the first sample of the plateau.
  double grew_from_s = 0, grew_to_s = 0;  // times, as given in `t`
  size_t grew_samples = 0;
  // Grown and then held: the last `plateau_samples` samples stay within a small band of `last`
  // since `plateau_since_s`. When false the series is still growing at its last sample.
  bool plateau = false;
  double plateau_since_s = 0;
  size_t plateau_samples = 0;
};

// `t` in seconds, `v` the values, same length; samples whose value is unknown are left out by the
// caller. Looks at the last `window` samples (0: all).
std::optional<Growth> DetectGrowth(const std::vector<double>& t, const std::vector<double>& v,
                                   const GrowthRule& rule, size_t window = 0);

}  // namespace godx::live
