#include "core/stats.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(Summarize, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // 1..100, unsorted
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
  EXPECT_EQ(Summarize(std::vector<double>{}).n, 0u);
  Distribution d = Summarize(std::vector<double>{7});
  EXPECT_EQ(d.p50, 7);
  EXPECT_EQ(d.p99, 7);
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
