// Two processes' goroutine dumps interleaved line by line behind docker compose prefixes
// (testdata/pastes/interleaved/, made by scripts/gen-paste-fixtures with `pastemake interleave`):
// godx reads each process apart, and each reads as its fixture alone; `godx analyze` and
// `godx stacks` agree.
#include <gtest/gtest.h>

#include "stacks/analyze.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

using godx::testing::TestData;

Report Analyze(const std::string& relative) {
  auto in = Input::Open(TestData(relative));
  EXPECT_TRUE(in.ok()) << relative;
  auto r = AnalyzeInput(*in);
  EXPECT_TRUE(r.ok()) << relative;
  return r.ok() ? std::move(*r) : Report{};
}

void ExpectProcesses(const std::string& paste, const std::vector<std::string>& labels,
                     const std::vector<std::string>& alone) {
  Report r = Analyze(paste);
  ASSERT_TRUE(r.summary.contains("interleaved")) << r.title;  // before: one dump of both
  EXPECT_EQ(r.summary["interleaved"]["by_prefix"], true);
  ASSERT_EQ(r.summary["processes"].size(), alone.size());
  for (size_t i = 0; i < alone.size(); ++i) {
    EXPECT_EQ(r.summary["processes"][i]["label"], labels[i]);
    EXPECT_EQ(r.summary["processes"][i]["summary"], Analyze(alone[i]).summary) << alone[i];
  }
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("processes' output interleaved (the lines of"), std::string::npos);
  // `godx stacks` reads the file by path: the same processes.
  auto in = Input::Open(TestData(paste));
  ASSERT_TRUE(in.ok());
  auto d = ReadDump(*in);
  ASSERT_TRUE(d.ok());
  Report at = AnalyzeDumpAt(*d, TestData(paste));
  EXPECT_EQ(at.summary["processes"], r.summary["processes"]);
}

TEST(StacksInterleave, TwoComposeServicesDumpsAreReadApart) {
  // Read as one before: 92 goroutines in 2 stacks, the SIGQUIT lost.
  ExpectProcesses("pastes/interleaved/stacks-compose.txt", {"worker-1", "api-1"},
                  {"stacks/go1.19-leak-1.debug2.txt", "stacks/go1.26-sigquit.txt"});
}

TEST(StacksInterleave, APanicAndADeadlockAreEachTheirOwnCrash) {
  ExpectProcesses("pastes/interleaved/stacks-compose-panic.txt", {"api-1", "db-1"},
                  {"stacks/go1.26-panic-all.txt", "stacks/go1.27-deadlock.txt"});
}

TEST(StacksInterleave, OneServicesDumpBehindItsPrefixIsOneProcess) {
  auto in = Input::Open(TestData("pastes/compose-panic-all.txt"));
  ASSERT_TRUE(in.ok());
  auto r = AnalyzeInput(*in);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->summary.contains("interleaved"));
}

}  // namespace
}  // namespace godx::stacks
