#include "live/growth.h"

#include "core/stats.h"

namespace godx::live {

std::optional<Growth> DetectGrowth(const std::vector<double>& t, const std::vector<double>& v,
                                   const GrowthRule& rule, size_t window) {
  size_t n = std::min(t.size(), v.size());
  size_t begin = window > 0 && n > window ? n - window : 0;
  if (n - begin < rule.min_samples || n - begin < 2) return std::nullopt;
  std::vector<double> x(t.begin() + long(begin), t.begin() + long(n));
  std::vector<double> y(v.begin() + long(begin), v.begin() + long(n));
  double first = y.front(), last = y.back();
  double rise = last - first;
  if (rise < rule.min_rise || rise < rule.min_rise_share * first) return std::nullopt;
  size_t rising = 0;
  for (size_t i = 1; i < y.size(); ++i) rising += y[i] >= y[i - 1];
  if (double(rising) < rule.min_rising_steps * double(y.size() - 1)) return std::nullopt;
  LinearFit fit = FitLine(x, y);
  if (fit.slope <= 0 || fit.r2 < rule.min_r2) return std::nullopt;
  Growth g;
  g.first = first;
  g.last = last;
  g.per_second = fit.slope;
  g.r2 = fit.r2;
  g.seconds = x.back() - x.front();
  g.samples = y.size();
  return g;
}

}  // namespace godx::live
