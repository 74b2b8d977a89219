#include "stacks/filter.h"

#include <gtest/gtest.h>

#include "stacks/reader.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

Dump Fixture() {
  Input in = godx::testing::InputFromString(
      "leak", godx::testing::ReadFile(godx::testing::TestData("stacks/go1.19-leak-2.debug2.txt")));
  return std::move(ReadDump(in)).value();
}

TEST(StacksFilter, FocusKeepsMatchingBuckets) {
  Dump d = Fixture();
  ASSERT_TRUE(FilterDump(&d, {"main\\.handle$", ""}).ok());
  ASSERT_EQ(d.buckets.size(), 1u);
  EXPECT_EQ(d.goroutines, 120u);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("16 of 136 goroutines left out"), std::string::npos)
      << d.warnings[0];
}

TEST(StacksFilter, IgnoreMatchesStatesAndCreators) {
  Dump d = Fixture();
  ASSERT_TRUE(FilterDump(&d, {"", "^semacquire$|main\\.serve"}).ok());
  EXPECT_EQ(d.goroutines, 4u);  // 3 tickers in select and the goroutine writing the profile
}

Dump Go127Sigquit() {
  Input in = godx::testing::InputFromString(
      "sigquit", godx::testing::ReadFile(godx::testing::TestData("stacks/go1.27-sigquit.txt")));
  return std::move(ReadDump(in)).value();
}

// go1.27-sigquit.txt: four lockers share one stack, each labelled {role: locker, worker: N}.
TEST(StacksFilter, FocusOnALabelKeepsOnlyThoseGoroutines) {
  Dump d = Go127Sigquit();
  ASSERT_EQ(d.goroutines, 16u);
  ASSERT_TRUE(FilterDump(&d, {"^worker=(1|3)$", ""}).ok());
  EXPECT_EQ(d.goroutines, 2u);
  ASSERT_EQ(d.buckets.size(), 1u);
  EXPECT_EQ(d.buckets[0].count, 2u);
  EXPECT_EQ(d.buckets[0].labels.size(), 2u);
  EXPECT_EQ(d.buckets[0].labeled, 2u);
  ASSERT_EQ(d.buckets[0].states.size(), 1u);
  EXPECT_EQ(d.buckets[0].states[0].second, 2u);
  EXPECT_EQ(d.labeled, 2u);
  Dump all = Go127Sigquit();
  ASSERT_TRUE(FilterDump(&all, {"role=locker", ""}).ok());
  EXPECT_EQ(all.goroutines, 4u);
}

TEST(StacksFilter, IgnoreALabelDropsThoseGoroutines) {
  Dump d = Go127Sigquit();
  ASSERT_TRUE(FilterDump(&d, {"", "^worker=0$"}).ok());
  EXPECT_EQ(d.goroutines, 15u);
  EXPECT_EQ(d.labeled, 3u);
  // A stack match still takes the whole bucket, labels or not.
  Dump e = Go127Sigquit();
  ASSERT_TRUE(FilterDump(&e, {"main\\.locker", ""}).ok());
  EXPECT_EQ(e.goroutines, 4u);
}

TEST(StacksFilter, BadPatternNamesTheFlag) {
  Dump d = Fixture();
  Status s = FilterDump(&d, {"(unclosed", ""});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("--focus '(unclosed': invalid regular expression", 0), 0u)
      << s.message();
  EXPECT_EQ(d.goroutines, 136u) << "a failed filter leaves the dump alone";
}

}  // namespace
}  // namespace godx::stacks
