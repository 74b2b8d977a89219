// Small statistics shared by the analyses.
#pragma once

#include <cstddef>
#include <vector>

namespace godx {

struct Distribution {
  size_t n = 0;
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0, sum = 0;
};

// Nearest-rank percentiles (the value of an actual sample, as a user would find it in the log).
// Takes the samples by value: it sorts them.
Distribution Summarize(std::vector<double> samples);

// Least-squares line y = intercept + slope * x, with the coefficient of determination r2
// (0 when y does not vary).
struct LinearFit {
  double slope = 0, intercept = 0, r2 = 0;
};
LinearFit FitLine(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace godx
