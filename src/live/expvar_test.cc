#include "live/expvar.h"

#include <gtest/gtest.h>

#include "live/duration.h"
#include "live/goroutine_profile.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

// Values read by hand from testdata/live/go1.19/expvar/goodserver.json (a real /debug/vars).
TEST(Expvar, ParsesRealDebugVars) {
  auto v = ParseExpvars(ReadFile(TestData("live/go1.19/expvar/goodserver.json")), "vars");
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_TRUE(v->memstats.present);
  EXPECT_EQ(v->memstats.heap_alloc, 2455352);
  EXPECT_EQ(v->memstats.sys, 14398728);
  EXPECT_EQ(v->memstats.heap_released, 761856);
  EXPECT_EQ(GoResidentBound(v->memstats), 14398728 - 761856);
  ASSERT_EQ(v->cmdline.size(), 3u);
  EXPECT_EQ(v->cmdline[1], "-life");
}

TEST(Expvar, NonJsonIsAnError) {
  auto v = ParseExpvars("<html>404</html>", "vars.json");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("vars.json"), std::string::npos);
  EXPECT_NE(v.status().message().find("<html>"), std::string::npos);
}

TEST(Expvar, WithoutMemstatsIsNotPresent) {
  auto v = ParseExpvars("{\"cmdline\": [\"x\"], \"memstats\": 3}", "v");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->memstats.present);
  EXPECT_EQ(GoResidentBound(v->memstats), -1);
}

TEST(GoroutineTotal, ReadsFirstLineOfRealDebug1) {
  auto n = GoroutineTotal(ReadFile(TestData("live/go1.19/goroutine/goodserver.debug1.txt")));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 13u);  // "goroutine profile: total 13"
  EXPECT_FALSE(GoroutineTotal("goroutine 1 [running]:\n").has_value());
  EXPECT_FALSE(GoroutineTotal("goroutine profile: total x\n").has_value());
  EXPECT_FALSE(GoroutineTotal("").has_value());
}

TEST(StackDiff, DefaultSaysNothingUntilAReaderIsInstalled) {
  EXPECT_FALSE(HasStackDiff());
  EXPECT_TRUE(GetStackDiff()("a", "b").empty());
  SetStackDiff([](std::string_view, std::string_view) {
    return std::vector<StackGrowth>{{"main.f", 1, 9}};
  });
  EXPECT_TRUE(HasStackDiff());
  EXPECT_EQ(GetStackDiff()("a", "b").size(), 1u);
  SetStackDiff(nullptr);
  EXPECT_FALSE(HasStackDiff());
}

TEST(Duration, ParsesGoStyleDurations) {
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("10s"), 10);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("500ms"), 0.5);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("1m30s"), 90);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("2h"), 7200);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("1.5s"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("3"), 3);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("0"), 0);
  for (const char* bad : {"", "s", "10x", "1..2s", "-1s", "3 s", "10s5"}) {
    EXPECT_FALSE(ParseDurationSeconds(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace godx::live
