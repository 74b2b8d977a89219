#include "gclog/analyze.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "gclog/reader.h"
#include "gclog/regex_reading.h"
#include "testing/testing.h"

namespace godx::gclog {
namespace {

using godx::testing::CutChattyJson;
using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

Report Analyze(const std::string& path) {
  auto in = InputFromString(path, ReadFile(path));
  auto t = ReadGcTrace(in, {.keep_cycles = true});
  EXPECT_TRUE(t.ok()) << t.status().message();
  AnalyzeOptions o;
  o.json = true;
  return AnalyzeGcTrace(*t, path, o);
}

bool Has(const Report& r, const std::string& id) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const Finding& f) { return f.id == id; });
}

void ExpectAgreesWithRegex(const std::string& path) {
  Report r = Analyze(path);
  RegexReading ind = ReadGcLogWithRegex(ReadFile(path));
  ASSERT_GT(ind.cycles, 0u);
  EXPECT_EQ(r.summary["cycles"].get<size_t>(), ind.cycles) << path;
  EXPECT_EQ(r.summary["forced_cycles"].get<size_t>(), ind.forced) << path;
  std::sort(ind.pauses.begin(), ind.pauses.end());
  EXPECT_NEAR(r.summary["pause_ms"]["max"].get<double>(), ind.pauses.back(), 1e-4) << path;
  size_t k50 = (ind.pauses.size() + 1) / 2;  // nearest rank
  EXPECT_NEAR(r.summary["pause_ms"]["p50"].get<double>(), ind.pauses[k50 - 1], 1e-4) << path;
}

TEST(GcTraceAnalysis, LeakingProgramIsFlaggedWithItsSlope) {
  Report r = Analyze(TestData("gclog/go1.19-gcleak.log"));
  ASSERT_TRUE(Has(r, "gc-live-heap-growth"));
  EXPECT_GT(r.summary["live_heap_mb"]["slope_mb_per_min"].get<double>(), 100);
  EXPECT_GT(r.summary["live_heap_mb"]["r2"].get<double>(), 0.9);
  EXPECT_GE(r.summary["forced_cycles"].get<int>(), 1);  // the program calls runtime.GC()
  EXPECT_EQ(r.summary["format"], "Go 1.18+");
}

TEST(GcTraceAnalysis, EstimatesGogcFromTheHeapGoal) {
  // gcleak runs with the default GOGC=100; MiB rounding makes the estimate approximate.
  Report r = Analyze(TestData("gclog/go1.19-gcleak.log"));
  ASSERT_TRUE(r.summary["gogc_estimate"].is_number());
  EXPECT_NEAR(r.summary["gogc_estimate"].get<double>(), 100, 15);
  EXPECT_FALSE(Has(r, "gc-memory-limit"));
}

TEST(GcTraceAnalysis, LeakUnderAMemoryLimitIsThrashing) {
  // The same program with GOMEMLIMIT=24MiB: the leak outgrows the limit and the goal is pinned
  // to the live heap.
  Report r = Analyze(TestData("gclog/go1.19-gcleak-memlimit.log"));
  ASSERT_TRUE(Has(r, "gc-memory-limit"));
  EXPECT_LT(r.summary["late_headroom_pct"].get<double>(), 15);
  EXPECT_TRUE(r.summary["gogc_estimate"].is_null());  // no steady pacing to judge GOGC from
  EXPECT_FALSE(Has(r, "gc-frequent-small-heap"));      // the limit is the cause, not GOGC
  EXPECT_TRUE(Has(r, "gc-live-heap-growth"));
}

TEST(GcTraceAnalysis, SteadyProgramRaisesNoWarning) {
  Report r = Analyze(TestData("gclog/go1.19-gcsteady.log"));
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.severity, Severity::kInfo) << f.id << ": " << f.title;
  }
}

TEST(GcTraceAnalysis, FixturesAgreeWithAnIndependentReading) {
  ExpectAgreesWithRegex(TestData("gclog/go1.19-gcleak.log"));
  ExpectAgreesWithRegex(TestData("gclog/go1.19-gcsteady.log"));
}

// testdata/gen/chatty writes JSON lines while the runtime prints gctrace in pieces: records come
// out shredded over many lines. An independent reconstruction (CutChattyJson) must give the
// records godx rejoined.
TEST(GcTraceAnalysis, ShreddedRecordsOfABusyServiceAreRejoined) {
  std::string path = TestData("gclog/go1.19-chatty-shredded.log");
  Report r = Analyze(path);
  RegexReading ind = ReadGcLogWithRegex(CutChattyJson(ReadFile(path)));
  ASSERT_GE(ind.cycles, 4u);
  EXPECT_EQ(r.summary["cycles"].get<size_t>(), ind.cycles);
  EXPECT_EQ(r.summary["malformed_lines"], 0);
  std::sort(ind.pauses.begin(), ind.pauses.end());
  EXPECT_NEAR(r.summary["pause_ms"]["max"].get<double>(), ind.pauses.back(), 1e-4);
}

TEST(GcTraceAnalysis, SplitLinesAreRecoveredBeyondALineByLineReading) {
  // In the sample, SCHED and program lines cut into a gc line; the regex reading misses that
  // cycle, godx rejoins it: one more cycle than the regex, the same otherwise.
  std::string path = TestData("samples/gcleak-gctrace-schedtrace.log");
  Report r = Analyze(path);
  RegexReading ind = ReadGcLogWithRegex(ReadFile(path));
  EXPECT_EQ(r.summary["malformed_lines"], 0);
  EXPECT_GE(r.summary["cycles"].get<size_t>(), ind.cycles);
  EXPECT_LE(r.summary["cycles"].get<size_t>(), ind.cycles + 3);
}

TEST(GcTraceAnalysis, Go15CorpusLog) {
  GODX_REQUIRE_SHARED(shared);
  std::string path = shared + "/corpus/dumps/gcvis_gctrace_go15_stderr.log";
  ExpectAgreesWithRegex(path);
  Report r = Analyze(path);
  EXPECT_EQ(r.summary["cycles"], 130);
  EXPECT_EQ(r.summary["format"], "Go 1.5");
  EXPECT_EQ(r.summary["gomaxprocs"]["max"], 4);
  // Hand-checked: cycle 1 is "0.22+2.3+0.074+0.76+0.56 ms clock": STW 0.22 + 0.074 + 0.56.
  EXPECT_NEAR(r.extra["series"]["pause_ms"][0].get<double>(), 0.854, 1e-4);
  EXPECT_EQ(r.extra["series"]["live_mb"][0], 1);
  EXPECT_TRUE(Has(r, "gc-cpu-high"));
}

TEST(GcTraceAnalysis, AssistHeavyTraceIsCritical) {
  // Synthetic cycles built to cross the threshold: assist CPU far above background marking.
  std::string log;
  for (int i = 1; i <= 20; ++i) {
    log += "gc " + std::to_string(i) + " @" + std::to_string(i) +
           ".000s 30%: 0.1+20+0.1 ms clock, 0.4+60/10/0+0.4 ms cpu, 100->110->50 MB, 100 MB "
           "goal, 4 P\n";
  }
  auto t = ReadGcTrace(InputFromString("assist.log", log));
  ASSERT_TRUE(t.ok());
  Report r = AnalyzeGcTrace(*t, "assist.log");
  ASSERT_TRUE(Has(r, "gc-assist-heavy"));
  auto f = std::find_if(r.findings.begin(), r.findings.end(),
                        [](const Finding& x) { return x.id == "gc-assist-heavy"; });
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_NE(f->title.find("84.7%"), std::string::npos) << f->title;  // 60 / 70.8 ms
}

TEST(GcTraceAnalysis, PauseOutlierNamesTheCycleAndLine) {
  std::string log;
  for (int i = 1; i <= 30; ++i) {
    std::string stw = i == 17 ? "25" : "0.05";
    log += "gc " + std::to_string(i) + " @" + std::to_string(i) + ".000s 1%: " + stw +
           "+1.0+0.05 ms clock, 0.1+0.1/0.5/0+0.1 ms cpu, 10->10->5 MB, 10 MB goal, 2 P\n";
  }
  auto t = ReadGcTrace(InputFromString("p.log", log));
  Report r = AnalyzeGcTrace(*t, "p.log");
  ASSERT_TRUE(Has(r, "gc-pause-outlier"));
  auto f = std::find_if(r.findings.begin(), r.findings.end(),
                        [](const Finding& x) { return x.id == "gc-pause-outlier"; });
  EXPECT_NE(f->evidence[0].find("cycle 17 at line 17"), std::string::npos) << f->evidence[0];
}

TEST(GcTraceAnalysis, RestartedProgramIsLaidEndToEnd) {
  std::string one =
      "gc 1 @0.100s 0%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0+0.1 ms cpu, 4->4->1 MB, 5 MB goal, 1 P\n"
      "gc 2 @0.200s 0%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0+0.1 ms cpu, 4->4->1 MB, 5 MB goal, 1 P\n";
  auto t = ReadGcTrace(InputFromString("r.log", one + one));
  Report r = AnalyzeGcTrace(*t, "r.log");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("2 runs"), std::string::npos);
  EXPECT_NEAR(r.summary["span_s"].get<double>(), 0.3, 1e-9);
}

TEST(GcTraceAnalysis, TextModeSkipsTheSeries) {
  auto t = ReadGcTrace(InputFromString("x", ReadFile(TestData("gclog/go1.19-gcsteady.log"))));
  Report r = AnalyzeGcTrace(*t, "x");
  EXPECT_FALSE(r.extra.contains("series"));
}

// The release range comes from what else the log shows beside the (unchanged) 1.18+ line.
TEST(GcTraceAnalysis, NamesTheReleaseRangeFromWhatTheLogShows) {
  const std::string gc =
      "gc 1 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 ms cpu, 4->4->0 MB, "
      "5 MB goal, 0 MB stacks, 0 MB globals, 4 P\n";
  auto range = [](const std::string& log) {
    auto t = ReadGcTrace(InputFromString("r.log", log));
    EXPECT_TRUE(t.ok());
    Json g = AnalyzeGcTrace(*t, "r.log").extra["go_release"];
    return g.is_null() ? std::string("null")
                       : g["min"].dump() + ".." + g["max"].dump();
  };
  EXPECT_EQ(range(gc), "\"1.18\"..null");
  EXPECT_EQ(range(gc + "scav 10 KiB work, 1000 KiB total, 50% util\n"), "\"1.18\"..\"1.20\"");
  EXPECT_EQ(range(gc + "scav 1 KiB work (bg), 2 KiB work (eager), 3 KiB now, 50% util\n"),
            "\"1.20\"..null");
  EXPECT_EQ(range(gc + "scan: total 1+2+3=6 objs, 1+1=2 spans\n"), "\"1.25\"..null");
  std::string leak = gc;
  leak.replace(leak.find("0%:"), 3, "0% (checking for goroutine leaks):");
  EXPECT_EQ(range(leak), "\"1.26\"..null");
  EXPECT_EQ(range("gc 1 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 ms cpu, "
                  "4->4->0 MB, 5 MB goal, 4 P\nscvg0: 1 MB released\n"),
            "\"1.6\"..\"1.13\"");
  // The report states it as a fact, too.
  auto t = ReadGcTrace(InputFromString("r.log", leak));
  Report r = AnalyzeGcTrace(*t, "r.log");
  bool fact = false;
  for (const auto& f : r.facts) {
    fact |= f.label == "Go release" && f.value.find("1.26") != std::string::npos;
  }
  EXPECT_TRUE(fact);
}

}  // namespace
}  // namespace godx::gclog
