#include "core/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace godx {
namespace {

TEST(Summarize, NearestRankPercentiles) {
  std::vector<float> v;
  for (int i = 100; i >= 1; --i) v.push_back(float(i));  // 1..100, unsorted
  Distribution d = Summarize(v);
  EXPECT_EQ(d.n, 100u);
  EXPECT_EQ(d.min, 1);
  EXPECT_EQ(d.p50, 50);
  EXPECT_EQ(d.p90, 90);
  EXPECT_EQ(d.p99, 99);
  EXPECT_EQ(d.max, 100);
  EXPECT_DOUBLE_EQ(d.mean, 50.5);
  EXPECT_DOUBLE_EQ(d.sum, 5050);
}

TEST(Summarize, SingleAndEmpty) {
  EXPECT_EQ(Summarize(std::vector<float>{}).n, 0u);
  Distribution d = Summarize(std::vector<float>{7});
  EXPECT_EQ(d.p50, 7);
  EXPECT_EQ(d.p99, 7);
}

// The radix selection used on large inputs must pick exactly what sorting picks, on values of
// every sign and magnitude, with many repeats (pauses repeat: the runtime prints two digits).
TEST(Percentiles, LargeInputsAgreeWithSorting) {
  uint64_t seed = 7;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 32);
  };
  for (size_t n : {size_t{5000}, size_t{100000}, size_t{1} << 20}) {
    std::vector<float> v(n);
    for (float& x : v) {
      switch (next() % 4) {
        case 0: x = float(next() % 100) / 1000; break;             // "0.073": few distinct values
        case 1: x = std::bit_cast<float>(next() & 0x7f7fffffu); break;  // any positive float
        case 2: x = -float(next() % 1000) / 7; break;              // negatives (headroom can be)
        default: x = float(next() % 3); break;                     // ties, and zeros
      }
    }
    if (n == 5000) v[17] = -0.0f;
    std::vector<float> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const double qs[] = {0.99, 0.0, 0.10, 0.5, 0.5, 0.9, 1.0, 0.999};
    std::vector<double> got = Percentiles(v, qs);
    for (size_t i = 0; i < std::size(qs); ++i) {
      size_t k = std::clamp<size_t>(size_t(std::ceil(qs[i] * double(n))), 1, n) - 1;
      EXPECT_EQ(got[i], sorted[k]) << "n=" << n << " q=" << qs[i];
    }
    Distribution d = Summarize(v);
    EXPECT_EQ(d.min, sorted.front());
    EXPECT_EQ(d.max, sorted.back());
    EXPECT_EQ(d.p90, sorted[size_t(std::ceil(0.9 * double(n))) - 1]);
  }
  EXPECT_TRUE(std::isnan(Percentile(std::vector<float>{}, 0.5)));
}

TEST(FitLine, ExactLineHasR2One) {
  LinearFit f = FitLine({0, 1, 2, 3}, {1, 3, 5, 7});
  EXPECT_DOUBLE_EQ(f.slope, 2);
  EXPECT_DOUBLE_EQ(f.intercept, 1);
  EXPECT_DOUBLE_EQ(f.r2, 1);
}

TEST(FitLine, LargeOffsetsKeepTheirPrecision) {
  LineFitter f;
  for (int i = 0; i < 1000; ++i) f.Add(1e6 + i, 5e8 + 3.0 * i);
  LinearFit fit = f.Fit();
  EXPECT_NEAR(fit.slope, 3, 1e-9);
  EXPECT_NEAR(fit.r2, 1, 1e-9);
}

TEST(FitLine, FlatDataHasNoSlope) {
  LinearFit f = FitLine({0, 1, 2}, {5, 5, 5});
  EXPECT_EQ(f.slope, 0);
  EXPECT_EQ(f.r2, 0);
}

}  // namespace
}  // namespace godx
