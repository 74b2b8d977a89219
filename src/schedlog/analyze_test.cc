#include "schedlog/analyze.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "schedlog/reader.h"
#include "schedlog/regex_reading.h"
#include "testing/testing.h"

namespace godx::schedlog {
namespace {

using godx::testing::CutChattyJson;
using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

Report Analyze(const std::string& path) {
  auto t = ReadSchedTrace(InputFromString(path, ReadFile(path)));
  EXPECT_TRUE(t.ok()) << t.status().message();
  AnalyzeOptions o;
  o.json = true;
  return AnalyzeSchedTrace(*t, path, o);
}

bool Has(const Report& r, const std::string& id) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const Finding& f) { return f.id == id; });
}

// Independent reading with std::regex: samples and the largest thread count.
void ExpectAgreesWithRegex(const std::string& path) {
  RegexReading ind = ReadSchedLogWithRegex(ReadFile(path));
  int max_threads = 0;
  for (const RegexSample& x : ind.samples) max_threads = std::max(max_threads, x.threads);
  Report r = Analyze(path);
  EXPECT_EQ(r.summary["samples"].get<size_t>(), ind.samples.size()) << path;
  EXPECT_EQ(r.summary["max_threads"].get<int>(), max_threads) << path;
}

TEST(SchedTraceAnalysis, FixturesAgreeWithAnIndependentReading) {
  ExpectAgreesWithRegex(TestData("schedlog/go1.19-schedload.log"));
  ExpectAgreesWithRegex(TestData("schedlog/go1.19-schedload-detail.log"));
  ExpectAgreesWithRegex(TestData("samples/gcleak-gctrace-schedtrace.log"));
}

// SCHED records shredded by a busy program's JSON lines (see the gclog test of the same fixture):
// cutting each line where the JSON starts and joining it with the next rebuilds them.
TEST(SchedTraceAnalysis, ShreddedRecordsOfABusyServiceAreRejoined) {
  std::string path = TestData("gclog/go1.19-chatty-shredded.log");
  size_t want = ReadSchedLogWithRegex(CutChattyJson(ReadFile(path))).samples.size();
  ASSERT_GE(want, 2u);
  Report r = Analyze(path);
  EXPECT_EQ(r.summary["samples"].get<size_t>(), want);
  EXPECT_EQ(r.summary["malformed_lines"], 0);
}

// testdata/gen/syscallhold: 50 goroutines blocked in read(2) hold 50 threads. The thread growth
// names them, and the syscalls are a finding of their own with the counts from the G lines.
TEST(SchedTraceAnalysis, GoroutinesInSyscallsAreTiedToTheThreads) {
  for (const std::string rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    auto t = ReadSchedTrace(InputFromString(
        "x.log", ReadFile(TestData("schedlog/go" + rel + "-syscallhold-detail.log"))));
    ASSERT_TRUE(t.ok());
    const DetailSnapshot& d = t->details.back();
    const std::string held = std::to_string(d.syscall_threads);
    Report r = AnalyzeSchedTrace(*t, "x.log", {});
    const Finding* sys = godx::testing::FindFinding(r, "sched-syscall-threads");
    ASSERT_NE(sys, nullptr);
    EXPECT_EQ(sys->severity, Severity::kWarning);
    EXPECT_EQ(sys->title, std::to_string(d.by_status[3]) + " goroutines in blocking system calls "
                          "hold " + held + " of " + std::to_string(t->samples[d.sample].threads) +
                          " OS threads");
    const Finding* growth = godx::testing::FindFinding(r, "sched-thread-growth");
    ASSERT_NE(growth, nullptr);
    EXPECT_TRUE(std::any_of(growth->evidence.begin(), growth->evidence.end(),
                            [&](const std::string& e) {
                              return e.find("in system calls hold " + held + " of ") !=
                                     std::string::npos;
                            }));
  }
}

// schedload's threads are held by goroutines locked to threads, not by syscalls: no syscall
// finding.
TEST(SchedTraceAnalysis, LockedThreadsAreNotBlamedOnSyscalls) {
  Report r = Analyze(TestData("schedlog/go1.26-schedload-detail.log"));
  EXPECT_FALSE(Has(r, "sched-syscall-threads"));
}

TEST(SchedTraceAnalysis, LoadedProgramShowsSaturationAndThreadGrowth) {
  Report r = Analyze(TestData("schedlog/go1.19-schedload.log"));
  EXPECT_TRUE(Has(r, "sched-cpu-saturated"));
  EXPECT_TRUE(Has(r, "sched-thread-growth"));
  EXPECT_GT(r.summary["threads"]["last"].get<int>(), r.summary["threads"]["first"].get<int>() + 20);
}

// Threads that grew and then held (5 → 55, then 55 for the last 7 of 12 samples, as Go 1.26
// prints them) are said to have held, at INFO, not "keep growing".
TEST(SchedTraceAnalysis, ThreadsThatGrewThenHeldAreNotStillGrowing) {
  const int counts[] = {5, 17, 30, 42, 55, 55, 55, 55, 55, 55, 55, 55};
  std::string log;
  for (int i = 0; i < 12; ++i) {
    log += "SCHED " + std::to_string(i * 5000) + "ms: gomaxprocs=2 idleprocs=2 threads=" +
           std::to_string(counts[i]) +
           " spinningthreads=0 needspinning=0 idlethreads=3 runqueue=0 [ 0 0 ] schedticks=[ 1 1 ]\n";
  }
  auto t = ReadSchedTrace(InputFromString("plateau.log", log));
  ASSERT_TRUE(t.ok()) << t.status().message();
  Report r = AnalyzeSchedTrace(*t, "plateau.log", AnalyzeOptions{});
  const Finding* f = godx::testing::FindFinding(r, "sched-thread-growth");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_EQ(f->title.find("keep growing"), std::string::npos) << f->title;
  EXPECT_NE(f->title.find("grew from 5 to 55 in 20.0 s"), std::string::npos) << f->title;
  EXPECT_NE(f->title.find("then held at 55 for the last 35.0 s (8 of 12 samples)"),
            std::string::npos)
      << f->title;
  // Still growing at the end: "keep growing", a warning.
  Report growing = Analyze(TestData("schedlog/go1.19-schedload.log"));
  const Finding* g = godx::testing::FindFinding(growing, "sched-thread-growth");
  ASSERT_NE(g, nullptr);
  EXPECT_NE(g->title.find("keep growing"), std::string::npos) << g->title;
}

TEST(SchedTraceAnalysis, DetailShowsTheMutexPileupAndLockedThreads) {
  Report r = Analyze(TestData("schedlog/go1.19-schedload-detail.log"));
  ASSERT_TRUE(r.summary["detail"].is_object());
  // schedload starts 50 goroutines that wait forever on one sync.Mutex.
  EXPECT_EQ(r.summary["detail"]["by_wait_reason"]["semacquire"], 50);
  EXPECT_EQ(r.summary["detail"]["by_wait_class"]["mutex"], 50);
  EXPECT_TRUE(Has(r, "sched-wait-pileup"));
  EXPECT_TRUE(Has(r, "sched-locked-goroutines"));
}

TEST(SchedTraceAnalysis, NonPreemptibleLoopHoldsItsP) {
  // tightloop spins without function calls under GODEBUG=asyncpreemptoff=1: the P running it
  // keeps the same schedtick while busy, and its M names the goroutine.
  Report r = Analyze(TestData("schedlog/go1.19-tightloop-detail.log"));
  auto f = std::find_if(r.findings.begin(), r.findings.end(),
                        [](const Finding& x) { return x.id == "sched-p-stuck"; });
  ASSERT_NE(f, r.findings.end());
  EXPECT_NE(f->title.find("goroutine 18"), std::string::npos) << f->title;
  // Preemptible CPU-bound goroutines (schedload) keep being rescheduled: no stuck P there.
  EXPECT_FALSE(Has(Analyze(TestData("schedlog/go1.19-schedload-detail.log")), "sched-p-stuck"));
}

TEST(SchedTraceAnalysis, Go125SchedticksRevealAStuckP) {
  // Go 1.25 lines carry per-P tick counts; built here to the 1.25 format (docs/formats).
  std::string log;
  for (int i = 0; i < 6; ++i) {
    log += "SCHED " + std::to_string(i * 500) +
           "ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0 needspinning=0 "
           "idlethreads=1 runqueue=0 [ 0 0 ] schedticks=[ " + std::to_string(100 + 40 * i) +
           " 77 ]\n";
  }
  Report r = AnalyzeSchedTrace(*ReadSchedTrace(InputFromString("s.log", log)), "s.log");
  auto f = std::find_if(r.findings.begin(), r.findings.end(),
                        [](const Finding& x) { return x.id == "sched-p-stuck"; });
  ASSERT_NE(f, r.findings.end());
  EXPECT_EQ(f->title.rfind("P1 ran one goroutine for 2.50 s", 0), 0u) << f->title;
}

TEST(SchedTraceAnalysis, IdleProgramRaisesNothing) {
  // gcleak sleeps most of the time: its schedtrace shows idle Ps and a steady thread count.
  Report r = Analyze(TestData("samples/gcleak-gctrace-schedtrace.log"));
  for (const auto& f : r.findings) EXPECT_EQ(f.severity, Severity::kInfo) << f.id;
}

TEST(SchedTraceAnalysis, SpinningThreads) {
  std::string log;
  for (int i = 0; i < 5; ++i) {
    log += "SCHED " + std::to_string(i * 1000) +
           "ms: gomaxprocs=4 idleprocs=2 threads=10 spinningthreads=2 idlethreads=3 runqueue=0 "
           "[0 0 0 0]\n";
  }
  Report r = AnalyzeSchedTrace(*ReadSchedTrace(InputFromString("s.log", log)), "s.log");
  EXPECT_TRUE(Has(r, "sched-spinning"));
}

TEST(SchedTraceAnalysis, IdlePsWithQueuedWork) {
  std::string log;
  for (int i = 0; i < 10; ++i) {
    log += "SCHED " + std::to_string(i * 1000) +
           "ms: gomaxprocs=8 idleprocs=6 threads=12 spinningthreads=0 idlethreads=2 runqueue=40 "
           "[0 0 0 0 0 0 0 0]\n";
  }
  auto t = ReadSchedTrace(InputFromString("i.log", log));
  Report r = AnalyzeSchedTrace(*t, "i.log");
  EXPECT_TRUE(Has(r, "sched-idle-with-work"));
  EXPECT_FALSE(Has(r, "sched-cpu-saturated"));
}

}  // namespace
}  // namespace godx::schedlog
