// Two processes' gctrace output interleaved line by line (testdata/pastes/interleaved/, made by
// scripts/gen-paste-fixtures with `pastemake interleave` from the fixtures named below): godx says
// that the input holds two processes, and each reads as its fixture read alone.
#include <gtest/gtest.h>

#include "gclog/analyze.h"
#include "testing/testing.h"

namespace godx::gclog {
namespace {

using godx::testing::TestData;

Report Analyze(const std::string& relative) {
  auto in = Input::Open(TestData(relative));
  EXPECT_TRUE(in.ok()) << relative;
  auto r = AnalyzeInput(*in, {.json = true});
  EXPECT_TRUE(r.ok()) << relative << ": " << (r.ok() ? "" : r.status().message());
  return r.ok() ? std::move(*r) : Report{};
}

// Each process's summary, the process's own figures, against its fixture read alone.
void ExpectProcesses(const Report& merged, const std::vector<std::string>& alone, bool by_prefix) {
  ASSERT_TRUE(merged.summary.contains("interleaved")) << merged.title;
  EXPECT_EQ(merged.summary["interleaved"]["processes"], alone.size());
  EXPECT_EQ(merged.summary["interleaved"]["by_prefix"], by_prefix);
  ASSERT_EQ(merged.summary["processes"].size(), alone.size());
  ASSERT_FALSE(merged.warnings.empty());
  EXPECT_NE(merged.warnings[0].find("2 processes' output interleaved (cycle numbers go back at line"),
            std::string::npos)
      << merged.warnings[0];
  for (size_t i = 0; i < alone.size(); ++i) {
    Json want = Analyze(alone[i]).summary;
    Json got = merged.summary["processes"][i]["summary"];
    if (!by_prefix && got["skipped_lines"] != want["skipped_lines"]) {
      // Unprefixed program output can be either process's: left out, and said so.
      EXPECT_GT(merged.summary["interleaved"]["unassigned_lines"], 0u);
      for (const char* k : {"lines", "skipped_lines"}) {
        got.erase(k);
        want.erase(k);
      }
    }
    EXPECT_EQ(got, want) << alone[i];
  }
}

TEST(GcInterleave, BareTracesAreToldApartByTheirCycleNumbers) {
  // Read as one trace before: 34 cycles, no warning.
  Report r = Analyze("pastes/interleaved/gc-bare.txt");
  ExpectProcesses(r, {"gclog/go1.26-gcsteady.log", "gclog/go1.19-gcsteady.log"}, false);
  EXPECT_EQ(r.summary["interleaved"]["unassigned_lines"], 0u);
}

TEST(GcInterleave, ProgramOutputBetweenUnprefixedTracesIsLeftOutAndSaid) {
  // go1.26-gcsteady's first record comes first: it is process 1.
  Report r = Analyze("pastes/interleaved/gc-leak-bare.txt");
  ExpectProcesses(r, {"gclog/go1.26-gcsteady.log", "gclog/go1.27-gcleak.log"}, false);
  EXPECT_EQ(r.summary["interleaved"]["unassigned_lines"], 13u);  // "request N served" lines
}

TEST(GcInterleave, ComposePrefixesNameTheProcesses) {
  // The scavenger lines follow their process's prefix too.
  Report r = Analyze("pastes/interleaved/gc-compose.txt");
  ExpectProcesses(r, {"gclog/go1.26-gcsteady.log", "gclog/go1.19-gcscav.log"}, true);
  EXPECT_EQ(r.summary["processes"][0]["label"], "api-1");
  EXPECT_EQ(r.summary["processes"][1]["label"], "db-1");
  // Every finding and fact names its process.
  for (const Finding& f : r.findings) EXPECT_EQ(f.title[0], '[') << f.title;
}

TEST(GcInterleave, OneProgramsRestartsAreRunsNotProcesses) {
  // The same trace twice, one after the other: a log a restarted program appended to.
  std::string once = godx::testing::ReadFile(TestData("gclog/go1.26-gcsteady.log"));
  auto in = Input::FromBytes("twice.log", once + once);
  ASSERT_TRUE(in.ok());
  auto r = AnalyzeInput(*in);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->summary.contains("interleaved"));
  EXPECT_EQ(r->summary["cycles"], 34u);
}

}  // namespace
}  // namespace godx::gclog
