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


// The case: 12 samples, threads 5 → 55, the last 7 at 55. Grown, then held: the shape
// names when it stopped and the rate is the one of the part that grew.
TEST(Growth, TellsAPlateauFromGrowthStillGoing) {
  auto t = Times(12, 5);
  std::vector<double> v = {5, 15, 25, 35, 45, 55, 55, 55, 55, 55, 55, 55};
  GrowthRule threads{5, 0.20, 4, 0.7, 0.6};
  auto g = DetectGrowth(t, v, threads);
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE(g->plateau);
  EXPECT_EQ(g->plateau_samples, 7u);
  EXPECT_EQ(g->plateau_since_s, 25);
  EXPECT_EQ(g->grew_from_s, 0);
  EXPECT_EQ(g->grew_to_s, 25);
  EXPECT_NEAR(g->per_second, 2.0, 1e-9);  // 50 over 25 s, not 50 over 55 s
  EXPECT_EQ(g->first, 5);
  EXPECT_EQ(g->last, 55);

  std::vector<double> going = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60};
  auto still = DetectGrowth(t, going, threads);
  ASSERT_TRUE(still.has_value());
  EXPECT_FALSE(still->plateau);
  EXPECT_EQ(still->grew_to_s, 55);
}

TEST(Growth, RateLeavesOutAFlatStart) {
  auto t = Times(10, 2);
  std::vector<double> v = {100, 100, 101, 100, 100, 120, 140, 160, 180, 200};
  auto g = DetectGrowth(t, v, GrowthRule{});
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->plateau);
  EXPECT_EQ(g->grew_from_s, 8);
  EXPECT_NEAR(g->per_second, 10, 1e-6);
}

// The case: a 20 s watch at the default 5 s interval has five samples; RSS went
// 28.7 → 51.7 MiB, more than --rss-rise (16 MiB). Five samples are enough.
TEST(Growth, FiveSamplesOfRssGrowthAboveTheRiseAreGrowth) {
  constexpr double kMiB = 1 << 20;
  GrowthRule rss{16 * kMiB, 0.10, 4, 0.7, 0.6};
  std::vector<double> t = {0, 5, 10, 15, 20};
  std::vector<double> v = {28.7 * kMiB, 34.5 * kMiB, 40.1 * kMiB, 45.9 * kMiB, 51.7 * kMiB};
  auto g = DetectGrowth(t, v, rss);
  ASSERT_TRUE(g.has_value());
  EXPECT_NEAR(g->per_second * 60 / kMiB, 69, 1);
}

// A heap that grows under its GC sawtooth: the fit is poor, but the lowest samples of the end
// sit above the highest of the start.
TEST(Growth, GrowthUnderAGcSawtoothIsALevelShift) {
  constexpr double kMiB = 1 << 20;
  GrowthRule heap{16 * kMiB, 0.2, 4, 0.7, 0.6};
  std::vector<double> t = Times(12, 5), v;
  for (size_t i = 0; i < 12; ++i) {
    v.push_back((20 + 4.0 * double(i) + (i % 2 == 0 ? 0 : 12)) * kMiB);
  }
  // The zig-zag alone: same range, no trend.
  std::vector<double> flat;
  for (size_t i = 0; i < 12; ++i) flat.push_back((20 + (i % 2 == 0 ? 0 : 12)) * kMiB);
  EXPECT_FALSE(DetectGrowth(t, flat, heap).has_value());
  auto g = DetectGrowth(t, v, heap);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->plateau);
}

}  // namespace
}  // namespace godx::live
