#include "trace/analyze.h"

#include <string>

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::trace {
namespace {

using godx::testing::GodxEnvelope;
using godx::testing::RunGodx;
using godx::testing::TestData;

TEST(TraceAnalyze, ReportStatesReleaseAndCounts) {
  for (const std::string rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    auto input = Input::Open(TestData("trace/go" + rel + "-full.trace"));
    ASSERT_TRUE(input.ok());
    auto report = AnalyzeInput(*input);
    ASSERT_TRUE(report.ok()) << report.status().message();
    EXPECT_EQ(report->kind, "trace");
    godx::testing::ExpectReleaseWithin(report->extra["go_release"], rel);
    EXPECT_EQ(report->summary["user_tasks"], 200);
    EXPECT_TRUE(report->summary["cut"].is_null());
    EXPECT_GT(report->summary["duration_ns"].get<int64_t>(), 0);
  }
}

// The header version is the format, not the release: "go 1.11" is Go 1.11-1.18, "go 1.26" is 1.26
// and later, narrowed to 1.27+ by the ProcStatus only Go 1.27 writes.
TEST(TraceAnalyze, ReleaseFollowsTheHeaderVersion) {
  TraceInfo info;
  TraceSummary s;
  info.header_minor = 11;
  GoRelease r = ReleaseOf(info, s);
  EXPECT_EQ(r.min_minor, 11);
  EXPECT_EQ(r.max_minor, 18);
  info.header_minor = 26;
  r = ReleaseOf(info, s);
  EXPECT_EQ(r.min_minor, 26);
  EXPECT_EQ(r.max_minor, GoRelease::kNoUpperBound);
  s.syscall_abandoned = true;
  EXPECT_EQ(ReleaseOf(info, s).min_minor, 27);
}

TEST(TraceCli, SummaryAsJsonEnvelope) {
  Json env = GodxEnvelope("trace --json testdata/trace/go1.27-full.trace", "trace");
  ASSERT_FALSE(env.empty());
  EXPECT_EQ(env["summary"]["user_regions"], 600);
  EXPECT_EQ(env["summary"]["format_version"], "1.26");
}

TEST(TraceCli, AnalyzeRecognisesTracesByContent) {
  Json env = GodxEnvelope("analyze --json testdata/trace/go1.19-full.trace", "trace");
  ASSERT_FALSE(env.empty());
  EXPECT_EQ(env["summary"]["user_logs"], 200);
}

TEST(TraceCli, CutTraceSaysWhatWasCut) {
  auto r = RunGodx("trace testdata/trace/go1.19-panic.trace");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("16-byte header"), std::string::npos) << r.out;
}

TEST(TraceCli, CorruptTraceIsOneLineAndExit2) {
  std::string bytes = godx::testing::ReadFile(TestData("trace/go1.26-full.trace"));
  bytes[16] = '\x09';  // where the first batch must start
  auto r = RunGodx("trace -", bytes);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("offset 16 (0x10): expected a batch"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

}  // namespace
}  // namespace godx::trace
