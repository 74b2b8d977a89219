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
