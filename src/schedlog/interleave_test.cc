// Two processes' schedtrace output interleaved line by line (testdata/pastes/interleaved/, made by
// scripts/gen-paste-fixtures with `pastemake interleave`): split by their compose prefixes, each
// reads as its fixture alone; without prefixes godx refuses to compute one trace from both.
#include <gtest/gtest.h>

#include "schedlog/analyze.h"
#include "testing/testing.h"

namespace godx::schedlog {
namespace {

using godx::testing::TestData;

Result<Report> Analyze(const std::string& relative) {
  auto in = Input::Open(TestData(relative));
  EXPECT_TRUE(in.ok()) << relative;
  return AnalyzeInput(*in, {.json = true});
}

TEST(SchedInterleave, ComposePrefixesSplitTheProcesses) {
  auto r = Analyze("pastes/interleaved/sched-compose.txt");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->summary.contains("interleaved")) << r->title;
  EXPECT_EQ(r->summary["interleaved"]["by_prefix"], true);
  ASSERT_EQ(r->summary["processes"].size(), 2u);
  EXPECT_EQ(r->summary["processes"][0]["label"], "api-1");
  EXPECT_EQ(r->summary["processes"][1]["label"], "worker-1");
  const char* alone[] = {"schedlog/go1.26-schedload.log", "schedlog/go1.19-schedload.log"};
  for (size_t i = 0; i < 2; ++i) {
    auto want = Analyze(alone[i]);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(r->summary["processes"][i]["summary"], want->summary) << alone[i];
  }
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find("the SCHED clock goes back at line 29"), std::string::npos)
      << r->warnings[0];
}

TEST(SchedInterleave, UnprefixedProcessesAreRefusedWithTheEvidence) {
  // Read as one before: "26 runs of a program" and threads "5 → 75, keep growing".
  auto r = Analyze("pastes/interleaved/sched-bare.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sched-bare.txt:29: the schedtrace output of more than one "
                                      "process is interleaved"),
            std::string::npos)
      << r.status().message();
}

TEST(SchedInterleave, OneProgramsRestartsAreRunsNotProcesses) {
  std::string once = godx::testing::ReadFile(TestData("schedlog/go1.26-schedload.log"));
  auto in = Input::FromBytes("twice.log", once + once);
  ASSERT_TRUE(in.ok());
  auto r = AnalyzeInput(*in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->summary.contains("interleaved"));
}

}  // namespace
}  // namespace godx::schedlog
