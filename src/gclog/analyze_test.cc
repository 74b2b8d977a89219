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

// The allocation rate, recomputed from the regex reading of the same fixtures: per pair of
// consecutive cycles, (B−A of the first) + (A of the next − C of the first) MiB over the time
// between their starts.
TEST(GcTraceAnalysis, AllocationRateAgreesWithAnIndependentReading) {
  for (const char* name : {"gclog/go1.19-gcleak.log", "gclog/go1.26-gcsteady.log",
                           "gclog/go1.27-gcscav.log"}) {
    SCOPED_TRACE(name);
    std::string path = TestData(name);
    Report r = Analyze(path);
    RegexReading ind = ReadGcLogWithRegex(ReadFile(path));
    ASSERT_EQ(ind.heap_start.size(), ind.cycles);
    double mb = 0, s = 0;
    for (size_t i = 0; i + 1 < ind.cycles; ++i) {
      if (ind.nums[i + 1] != ind.nums[i] + 1) continue;
      mb += (ind.heap_end[i] - ind.heap_start[i]) + (ind.heap_start[i + 1] - ind.heap_live[i]);
      s += ind.at_s[i + 1] - ind.at_s[i];
    }
    ASSERT_GT(s, 0);
    const Json& alloc = r.summary["alloc"];
    EXPECT_NEAR(alloc["allocated_mb"].get<double>(), mb, 1e-9);
    EXPECT_NEAR(alloc["span_s"].get<double>(), s, 1e-9);
    EXPECT_NEAR(alloc["rate_mb_per_s"].get<double>(), mb / s, 1e-9);
  }
}

// Checked by hand on the first cycles of gcleak (Go 1.26): "gc 1 @0.009s ... 3->3->0 MB" and
// "gc 2 @0.023s ... 3->3->0 MB": (3−3) + (3−0) = 3 MiB in 14 ms, 214.3 MiB/s.
TEST(GcTraceAnalysis, AllocationRateByHandOnTwoCycles) {
  std::string text = ReadFile(TestData("gclog/go1.26-gcleak.log"));
  std::string two;
  size_t at = 0;
  for (int n = 0; n < 2; ++n) {
    at = text.find("gc ", at);
    size_t nl = text.find('\n', at);
    two += text.substr(at, nl - at + 1);
    at = nl;
  }
  auto t = ReadGcTrace(InputFromString("two.log", two), {});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->series.size(), 2u);
  const GcCycle& a = t->first;
  const GcCycle& b = t->last;
  double by_hand = ((a.heap_end_mb - a.heap_start_mb) + (b.heap_start_mb - a.heap_live_mb)) /
                   (b.at_s - a.at_s);
  Report r = AnalyzeGcTrace(*t, "two.log", {});
  EXPECT_NEAR(r.summary["alloc"]["rate_mb_per_s"].get<double>(), by_hand, 1e-9) << two;
  EXPECT_NEAR(by_hand, 3 / 0.014, 1e-9);
  EXPECT_EQ(r.summary["alloc"]["intervals"], 1);
}

// One cycle has no interval: the rate and the GC CPU share are n/a, said so, with no "0 =" wall
// time; and the title speaks of one cycle.
TEST(GcTraceAnalysis, OneCycleSaysWhyFiguresAreNotAvailable) {
  std::string text = ReadFile(TestData("gclog/go1.26-gcsteady.log"));
  std::string one = text.substr(0, text.find('\n') + 1);
  ASSERT_TRUE(one.starts_with("gc 1 @"));
  auto t = ReadGcTrace(InputFromString("one.log", one), {});
  ASSERT_TRUE(t.ok());
  Report r = AnalyzeGcTrace(*t, "one.log", {});
  EXPECT_NE(r.title.find("1 cycle "), std::string::npos) << r.title;
  bool cpu = false, alloc = false;
  for (const auto& [name, value] : r.facts) {
    if (name == "GC CPU") {
      cpu = true;
      EXPECT_TRUE(value.starts_with("n/a (one cycle: no interval to measure)")) << value;
      EXPECT_EQ(value.find("wall time"), std::string::npos) << value;
    }
    if (name == "Allocation rate") {
      alloc = true;
      EXPECT_EQ(value, "n/a (one cycle: no interval to measure)");
    }
  }
  EXPECT_TRUE(cpu);
  EXPECT_TRUE(alloc);
  EXPECT_TRUE(r.summary["alloc"]["rate_mb_per_s"].is_null());
}

// The first three cycles of a real log span 19 ms: their GC CPU share and frequency are stated,
// as INFO, with why they are not judged; the whole log (3 s) may judge them.
TEST(GcTraceAnalysis, AFewCyclesAreTooLittleToWarn) {
  std::string text = ReadFile(TestData("gclog/go1.26-gcsteady.log"));
  size_t end = 0;
  for (int i = 0; i < 3; ++i) end = text.find('\n', end) + 1;
  auto t = ReadGcTrace(InputFromString("three.log", text.substr(0, end)), {});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->series.size(), 3u);
  Report r = AnalyzeGcTrace(*t, "three.log", {});
  ASSERT_TRUE(Has(r, "gc-cpu-high"));  // 30% of 19 ms × 2 Ps
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.severity, Severity::kInfo) << f.id;
    if (f.id == "gc-cpu-high") {
      EXPECT_NE(f.evidence.back().find("only 3 cycles over"), std::string::npos);
    }
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

namespace godx::gclog {
namespace {

// Go 1.4.2's gctrace from golang/go#12228 (testdata/pastes/public/SOURCES.md): "gc6(5)" counts
// the GC's helper threads of that cycle, which vary under one GOMAXPROCS.
TEST(GcTraceAnalysis, Go14HelperProcsAreNotGomaxprocsChanges) {
  Report r = Analyze(TestData("pastes/public/gctrace-go14-helpers.log"));
  EXPECT_EQ(r.summary["cycles"].get<size_t>(), 9u);
  EXPECT_FALSE(Has(r, "gc-gomaxprocs-changed"));
  EXPECT_EQ(r.summary["gomaxprocs"]["changes"].get<int>(), 0);
  bool helpers = false;
  for (const auto& f : r.facts) helpers |= f.label == "GC procs" && f.value.find("1–5") == 0;
  EXPECT_TRUE(helpers) << "the helper counts are shown for what they are";
}

}  // namespace
}  // namespace godx::gclog

namespace godx::gclog {
namespace {

// The scavenger's lines of a real scavtrace log, pasted without the gctrace lines between them:
// read as what they are, with the cycles said to be missing (not "no gctrace lines" as an error).
TEST(GcTraceAnalysis, ScavengerLinesAloneAreRead) {
  const std::string text = ReadFile(TestData("gclog/go1.26-gcscav.log"));
  std::string scav;
  uint64_t n = 0;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl - at);
    if (line.rfind("scav ", 0) == 0) {
      scav += line + "\n";
      ++n;
    }
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  ASSERT_GT(n, 1u);
  EXPECT_EQ(SniffGcTrace(scav), 60);
  auto t = ReadGcTrace(InputFromString("scav.log", scav), {});
  ASSERT_TRUE(t.ok()) << t.status().message();
  Report r = AnalyzeGcTrace(*t, "scav.log", {});
  EXPECT_EQ(r.summary["cycles"].get<size_t>(), 0u);
  EXPECT_EQ(r.summary["scavenger"]["scav_lines"].get<uint64_t>(), n);
  EXPECT_FALSE(r.warnings.empty());
  EXPECT_TRUE(r.findings.empty());
}

}  // namespace
}  // namespace godx::gclog
