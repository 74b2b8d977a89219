#include "core/units.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(Units, Durations) {
  EXPECT_EQ(FormatDuration(0), "0");
  EXPECT_EQ(FormatDuration(850e-9), "850 ns");
  EXPECT_EQ(FormatDuration(12e-6), "12.0 µs");
  EXPECT_EQ(FormatDuration(0.0034), "3.40 ms");
  EXPECT_EQ(FormatDuration(0.45), "450 ms");
  EXPECT_EQ(FormatDuration(1.25), "1.25 s");
  EXPECT_EQ(FormatDuration(243), "4m03s");
  EXPECT_EQ(FormatDuration(7500), "2h05m");
  EXPECT_EQ(FormatDuration(-0.002), "-2.00 ms");
  EXPECT_EQ(FormatMs(45), "45.0 ms");
}

TEST(Units, Bytes) {
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536), "1.50 KiB");
  EXPECT_EQ(FormatBytes(12.0 * 1024 * 1024), "12.0 MiB");
  EXPECT_EQ(FormatBytes(3.25 * 1024 * 1024 * 1024), "3.25 GiB");
}

TEST(Units, CountsPercentsRates) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(3000), "3,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatPercent(0.452), "45.2%");
  EXPECT_EQ(FormatRate(40, "goroutines"), "40.0 goroutines/s");
  EXPECT_EQ(FormatRate(0.5), "30.0/min");
}

}  // namespace
}  // namespace godx
