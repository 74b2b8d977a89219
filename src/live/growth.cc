#include "live/growth.h"

#include <algorithm>
#include <cmath>

#include "core/stats.h"

namespace godx::live {

namespace {
// Samples in a row that must hold a level for it to count as a plateau.
constexpr size_t kMinPlateauSamples = 3;
}  // namespace

std::optional<Growth> DetectGrowth(const std::vector<double>& t, const std::vector<double>& v,
                                   const GrowthRule& rule, size_t window) {
  size_t n = std::min(t.size(), v.size());
  size_t begin = window > 0 && n > window ? n - window : 0;
  if (n - begin < rule.min_samples || n - begin < 2) return std::nullopt;
  std::vector<double> x(t.begin() + long(begin), t.begin() + long(n));
  std::vector<double> y(v.begin() + long(begin), v.begin() + long(n));
  const size_t m = y.size();
  double first = y.front(), last = y.back();
  double rise = last - first;
  if (rise < rule.min_rise || rise < rule.min_rise_share * first) return std::nullopt;

  // A band that counts as "the same level": a fifth of the least rise reported, or 2% of the
  // value, whichever is larger (one thread more or less is not a new level).
  auto same_level = [&](double a, double b) {
    double tol = std::max(rule.min_rise * 0.2, 0.02 * std::fabs(b));
    return std::fabs(a - b) <= tol;
  };
  // Plateau: the trailing samples that stay at the last level.
  size_t plateau_start = m - 1;
  while (plateau_start > 0 && same_level(y[plateau_start - 1], last)) --plateau_start;
  // Flat start: the leading samples that stay at the first level.
  size_t grow_start = 0;
  while (grow_start + 1 < plateau_start && same_level(y[grow_start + 1], first)) ++grow_start;
  bool plateau = m - plateau_start >= kMinPlateauSamples;
  size_t grow_end = plateau ? plateau_start : m - 1;
  if (grow_end <= grow_start) return std::nullopt;

  std::vector<double> gx(x.begin() + long(grow_start), x.begin() + long(grow_end) + 1);
  std::vector<double> gy(y.begin() + long(grow_start), y.begin() + long(grow_end) + 1);
  double slope = 0, r2 = 1;
  if (gy.size() >= 3) {
    LinearFit fit = FitLine(gx, gy);
    slope = fit.slope;
    r2 = fit.r2;
  } else {
    double dt = gx.back() - gx.front();
    slope = dt > 0 ? (gy.back() - gy.front()) / dt : 0;
  }
  if (slope <= 0) return std::nullopt;
  size_t rising = 0;
  for (size_t i = 1; i < gy.size(); ++i) rising += gy[i] >= gy[i - 1];
  bool steady = r2 >= rule.min_r2 &&
                double(rising) >= rule.min_rising_steps * double(gy.size() - 1);
  // A level shift: with six samples or more, the lowest of the last third above the highest of
  // the first third. A GC sawtooth swings through its whole range in every third; growth larger
  // than the swing does not.
  bool shifted = false;
  if (m >= 6) {
    size_t third = m / 3;
    double lo_end = *std::min_element(y.end() - long(third), y.end());
    double hi_start = *std::max_element(y.begin(), y.begin() + long(third));
    shifted = lo_end > hi_start && lo_end - hi_start >= 0.5 * rule.min_rise;
  }
  if (!steady && !shifted && !plateau) return std::nullopt;
  // A plateau still needs the rise to be one: its growing part must not go down more than up.
  if (plateau && !steady && !shifted &&
      double(rising) < rule.min_rising_steps * double(gy.size() - 1)) {
    return std::nullopt;
  }

  Growth g;
  g.first = first;
  g.last = last;
  g.per_second = slope;
  g.r2 = r2;
  g.seconds = x.back() - x.front();
  g.samples = m;
  g.end_s = x.back();
  g.grew_from_s = gx.front();
  g.grew_to_s = gx.back();
  g.grew_samples = gy.size();
  g.plateau = plateau;
  if (plateau) {
    g.plateau_since_s = x[plateau_start];
    g.plateau_samples = m - plateau_start;
  }
  return g;
}

}  // namespace godx::live
