#include "live/growth.h"

#include <gtest/gtest.h>

#include <cmath>

namespace godx::live {
namespace {

std::vector<double> Times(size_t n, double step) {
  std::vector<double> t;
  for (size_t i = 0; i < n; ++i) t.push_back(double(i) * step);
  return t;
}

TEST(Growth, DetectsSteadyGrowthWithItsRate) {
  auto t = Times(10, 5);
  std::vector<double> v;
  for (double x : t) v.push_back(100 + 2 * x);  // 2 per second
  auto g = DetectGrowth(t, v, GrowthRule{});
  ASSERT_TRUE(g.has_value());
  EXPECT_NEAR(g->per_second, 2.0, 1e-9);
  EXPECT_EQ(g->first, 100);
  EXPECT_EQ(g->last, 190);
  EXPECT_NEAR(g->r2, 1.0, 1e-9);
  EXPECT_EQ(g->seconds, 45);
}

TEST(Growth, IgnoresFlatNoise) {
  auto t = Times(30, 1);
  std::vector<double> v;
  for (size_t i = 0; i < t.size(); ++i) v.push_back(100 + ((i * 7) % 5));
  EXPECT_FALSE(DetectGrowth(t, v, GrowthRule{}).has_value());
}

TEST(Growth, IgnoresGcSawtooth) {
  // A heap that climbs to its goal and drops back at each GC: no sustained growth.
  auto t = Times(40, 1);
  std::vector<double> v;
  for (size_t i = 0; i < t.size(); ++i) v.push_back(100.0 * (1 << 20) + double(i % 8) * (8 << 20));
  GrowthRule heap{16.0 * (1 << 20), 0.2, 6, 0.7, 0.6};
  EXPECT_FALSE(DetectGrowth(t, v, heap).has_value());
}

TEST(Growth, NeedsEnoughSamplesAndEnoughRise) {
  GrowthRule rule;
  EXPECT_FALSE(DetectGrowth({0, 1, 2}, {10, 50, 90}, rule).has_value());  // 3 < 4 samples
  // Rises along a line, but by less than min_rise.
  EXPECT_FALSE(DetectGrowth({0, 1, 2, 3, 4}, {100, 101, 102, 103, 104}, rule).has_value());
  // Rises by more than min_rise but by less than 10% of a large base.
  EXPECT_FALSE(DetectGrowth({0, 1, 2, 3, 4}, {1000, 1010, 1020, 1030, 1040}, rule).has_value());
  EXPECT_TRUE(DetectGrowth({0, 1, 2, 3, 4}, {100, 110, 120, 130, 140}, rule).has_value());
}

TEST(Growth, WindowLooksAtTheRecentSamples) {
  // Flat for a long time, then growing: the recent window sees it, the whole series might not.
  std::vector<double> t = Times(60, 1), v;
  for (size_t i = 0; i < 60; ++i) v.push_back(i < 50 ? 100 : 100 + 10.0 * double(i - 49));
  auto recent = DetectGrowth(t, v, GrowthRule{}, 8);
  ASSERT_TRUE(recent.has_value());
  EXPECT_NEAR(recent->per_second, 10, 1e-6);
}

TEST(Growth, MismatchedOrEmptySeriesIsNotGrowth) {
  EXPECT_FALSE(DetectGrowth({}, {}, GrowthRule{}).has_value());
  EXPECT_FALSE(DetectGrowth({0, 1, 2, 3, 4}, {1, 2}, GrowthRule{}).has_value());
}

}  // namespace
}  // namespace godx::live
