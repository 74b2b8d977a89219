#include "core/stats.h"

#include <algorithm>
#include <cmath>

namespace godx {

namespace {

template <typename T>
Distribution SummarizeImpl(std::span<T> v) {
  Distribution d;
  d.n = v.size();
  if (v.empty()) return d;
  // Selection, not a full sort: linear time on the millions of cycles of a long log. Ranks are
  // taken in increasing order so each selection only looks right of the previous one.
  auto begin = v.begin();
  auto rank = [&](double q) {
    size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    auto it = v.begin() + static_cast<long>(std::clamp<size_t>(k, 1, v.size()) - 1);
    std::nth_element(begin, it, v.end());
    begin = it;
    return *it;
  };
  d.min = *std::min_element(v.begin(), v.end());
  d.max = *std::max_element(v.begin(), v.end());
  d.p50 = rank(0.50);
  d.p90 = rank(0.90);
  d.p99 = rank(0.99);
  for (double x : v) d.sum += x;
  d.mean = d.sum / static_cast<double>(v.size());
  return d;
}

template <typename T>
double PercentileImpl(std::span<T> v, double q) {
  if (v.empty()) return NAN;
  size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  auto it = v.begin() + static_cast<long>(std::clamp<size_t>(k, 1, v.size()) - 1);
  std::nth_element(v.begin(), it, v.end());
  return *it;
}

}  // namespace

double Percentile(std::span<float> v, double q) { return PercentileImpl(v, q); }
double Percentile(std::span<double> v, double q) { return PercentileImpl(v, q); }

Distribution Summarize(std::span<double> v) { return SummarizeImpl(v); }
Distribution Summarize(std::span<float> v) { return SummarizeImpl(v); }

LinearFit FitLine(const std::vector<double>& x, const std::vector<double>& y) {
  LineFitter fitter;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) fitter.Add(x[i], y[i]);
  return fitter.Fit();
}

LinearFit LineFitter::Fit() const {
  LinearFit f;
  if (n_ < 2) return f;
  double n = static_cast<double>(n_);
  double sxx = sxx_ - sx_ * sx_ / n;  // centred sums
  double sxy = sxy_ - sx_ * sy_ / n;
  double syy = syy_ - sy_ * sy_ / n;
  if (sxx <= 0) return f;
  f.slope = sxy / sxx;
  double mx = x0_ + sx_ / n, my = y0_ + sy_ / n;
  f.intercept = my - f.slope * mx;
  f.r2 = syy <= 0 ? 0 : std::min(1.0, (sxy * sxy) / (sxx * syy));
  return f;
}

}  // namespace godx
