// Small statistics shared by the analyses.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace godx {

struct Distribution {
  size_t n = 0;
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0, sum = 0;
};

// Nearest-rank percentiles (the value of an actual sample, as a user would find it in the log).
// Samples are floats: half the memory of doubles for the millions of samples of a long log, and
// 32 bits is what the selection works on. Samples must not be NaN; they are not reordered.
Distribution Summarize(std::span<const float> samples);
// Nearest-rank percentiles at each q of `qs` (each in 0..1), in the order given. NaN when empty.
std::vector<double> Percentiles(std::span<const float> samples, std::span<const double> qs);
double Percentile(std::span<const float> samples, double q);

// Least-squares line y = intercept + slope * x, with the coefficient of determination r2
// (0 when y does not vary).
struct LinearFit {
  double slope = 0, intercept = 0, r2 = 0;
};
LinearFit FitLine(const std::vector<double>& x, const std::vector<double>& y);

// The same fit, one point at a time, without holding the points. Sums are taken relative to the
// first point so that large x (seconds since start) keep their precision.
class LineFitter {
 public:
  void Add(double x, double y) {
    if (n_ == 0) {
      x0_ = x;
      y0_ = y;
    }
    double dx = x - x0_, dy = y - y0_;
    ++n_;
    sx_ += dx;
    sy_ += dy;
    sxx_ += dx * dx;
    sxy_ += dx * dy;
    syy_ += dy * dy;
  }
  LinearFit Fit() const;
  size_t n() const { return n_; }

 private:
  size_t n_ = 0;
  double x0_ = 0, y0_ = 0, sx_ = 0, sy_ = 0, sxx_ = 0, sxy_ = 0, syy_ = 0;
};

}  // namespace godx
