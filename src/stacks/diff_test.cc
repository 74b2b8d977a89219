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
  // the same stack with a caller's line moved, matched (not appeared + vanished).
  size_t appeared = 0, vanished = 0, same = 0, moved = 0;
  for (size_t i = 1; i < diff.entries.size(); ++i) {
    const DiffEntry& e = diff.entries[i];
    appeared += e.change == Change::kAppeared;
    vanished += e.change == Change::kVanished;
    same += e.change == Change::kSame;
    if (e.callers_moved) {
      ++moved;
      EXPECT_EQ(e.before, 1u);
      EXPECT_EQ(e.after, 1u);
    }
  }
  EXPECT_EQ(appeared, 0u);
  EXPECT_EQ(vanished, 0u);
  EXPECT_EQ(same, 3u);
  EXPECT_EQ(moved, 1u);
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

TEST(StacksDiff, MovedCallersMatchAndDebug1SaysNoEmptyStateInEveryRelease) {
  for (const char* rel : {"go1.19", "go1.26", "go1.27"}) {
    for (const char* form : {"debug1", "debug2"}) {
      SCOPED_TRACE(std::string(rel) + " " + form);
      Dump a = ReadFixture(std::string(rel) + "-leak-1." + form + ".txt");
      Dump b = ReadFixture(std::string(rel) + "-leak-2." + form + ".txt");
      DumpDiff diff = DiffDumps(a, b);
      for (const DiffEntry& e : diff.entries) {
        EXPECT_NE(e.change, Change::kAppeared);
        EXPECT_NE(e.change, Change::kVanished);
      }
      Report r = AnalyzeDiff(a, b, diff);
      ASSERT_EQ(r.findings.size(), 1u);
      for (const std::string& ev : r.findings[0].evidence)
        EXPECT_EQ(ev.find("state []"), std::string::npos) << ev;
      EXPECT_EQ(r.findings[0].evidence[0],
                "60 → 120 goroutines (+60, ×2.00) on this stack between the two dumps");
    }
  }
}

// +46 on a stack of 100 (×1.46) is a clear growth: a finding, with its numbers.
TEST(StacksDiff, GrowthBelowDoublingIsStillAFinding) {
  Dump a = ReadFixture("go1.26-leak-1.debug2.txt");
  Dump b = ReadFixture("go1.26-leak-2.debug2.txt");
  DumpDiff diff = DiffDumps(a, b);
  ASSERT_FALSE(diff.entries.empty());
  ASSERT_EQ(diff.entries[0].change, Change::kGrew);
  diff.entries[0].before = 100;
  diff.entries[0].after = 146;
  Report r = AnalyzeDiff(a, b, diff);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "leak-confirmed");
  EXPECT_EQ(r.findings[0].evidence[0],
            "100 → 146 goroutines (+46, ×1.46) on this stack between the two dumps");
}


}  // namespace
}  // namespace godx::stacks
