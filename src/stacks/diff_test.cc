// godx stacks diff over two real dumps of the leaking server (testdata/gen/stackleak): the
// leaked bucket goes from 60 to 120 goroutines between them, everything else stays.
#include "stacks/diff.h"

#include <gtest/gtest.h>

#include "stacks/test_fixtures.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

TEST(StacksDiff, FindsTheGrowingBucket) {
  Dump a = ReadFixture("go1.19-leak-1.debug2.txt");
  Dump b = ReadFixture("go1.19-leak-2.debug2.txt");
  DumpDiff diff = DiffDumps(a, b);
  EXPECT_EQ(diff.before_total, 76u);
  EXPECT_EQ(diff.after_total, 136u);
  ASSERT_FALSE(diff.entries.empty());
  const DiffEntry& top = diff.entries[0];
  EXPECT_EQ(top.change, Change::kGrew);
  EXPECT_EQ(top.before, 60u);
  EXPECT_EQ(top.after, 120u);
  EXPECT_EQ(top.delta(), 60);
  // The goroutine writing the profile stands at another line of main.main in the second dump:
  // one stack vanished, one appeared. Every other stack is unchanged.
  size_t appeared = 0, vanished = 0, same = 0;
  for (size_t i = 1; i < diff.entries.size(); ++i) {
    const DiffEntry& e = diff.entries[i];
    appeared += e.change == Change::kAppeared;
    vanished += e.change == Change::kVanished;
    same += e.change == Change::kSame;
    if (e.change != Change::kSame) {
      EXPECT_EQ(e.before + e.after, 1u);
    }
  }
  EXPECT_EQ(appeared, 1u);
  EXPECT_EQ(vanished, 1u);
  EXPECT_EQ(same, 2u);
  Report r = AnalyzeDiff(a, b, diff);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "leak-confirmed");
  EXPECT_NE(r.findings[0].title.find("60 goroutines more blocked in chan receive at main.handle"),
            std::string::npos)
      << r.findings[0].title;
  EXPECT_EQ(r.summary["grew"], 1);
  EXPECT_EQ(r.summary["delta"], 60);
}

TEST(StacksDiff, TwoDebug1Profiles) {
  Dump a = ReadFixture("go1.19-leak-1.debug1.txt");
  Dump b = ReadFixture("go1.19-leak-2.debug1.txt");
  DumpDiff diff = DiffDumps(a, b);
  ASSERT_FALSE(diff.entries.empty());
  EXPECT_EQ(diff.entries[0].delta(), 60);
}

TEST(StacksDiff, Debug1AgainstDebug2LeavesOutWhatDebug1Hides) {
  Dump a = ReadFixture("go1.19-leak-1.debug1.txt");
  Dump b = ReadFixture("go1.19-leak-2.debug2.txt");
  DumpDiff diff = DiffDumps(a, b);
  ASSERT_FALSE(diff.entries.empty());
  EXPECT_EQ(diff.entries[0].change, Change::kGrew);
  EXPECT_EQ(diff.entries[0].before, 60u);
  EXPECT_EQ(diff.entries[0].after, 120u);
}

TEST(StacksDiff, AppearedAndVanished) {
  auto read = [](const std::string& text) {
    Input in = godx::testing::InputFromString("x", text);
    return std::move(ReadDump(in)).value();
  };
  Dump a = read("goroutine 1 [select]:\nmain.old()\n\t/a.go:1\n");
  Dump b = read("goroutine 2 [select]:\nmain.new()\n\t/a.go:2\n");
  DumpDiff diff = DiffDumps(a, b);
  ASSERT_EQ(diff.entries.size(), 2u);
  int appeared = 0, vanished = 0;
  for (const auto& e : diff.entries) {
    appeared += e.change == Change::kAppeared;
    vanished += e.change == Change::kVanished;
  }
  EXPECT_EQ(appeared, 1);
  EXPECT_EQ(vanished, 1);
}

}  // namespace
}  // namespace godx::stacks
