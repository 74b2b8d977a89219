#include "schedlog/reader.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::schedlog {
namespace {

using godx::testing::InputFromString;

// Line shapes per release: Go 1.19 lines come from testdata/gen/schedload; the 1.21
// (needspinning) and 1.25 (bracket spacing, schedticks) shapes are those of the runtime's
// schedtrace() in those releases (docs/formats/schedtrace.md).

TEST(SchedTraceReader, ParsesGo119Summary) {
  auto t = ReadSchedTrace(InputFromString(
      "s.log",
      "SCHED 200ms: gomaxprocs=2 idleprocs=0 threads=13 spinningthreads=0 idlethreads=0 "
      "runqueue=5 [5 4]\n"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->samples.size(), 1u);
  const SchedSample& s = t->samples[0];
  EXPECT_EQ(s.t_ms, 200);
  EXPECT_EQ(s.gomaxprocs, 2);
  EXPECT_EQ(s.threads, 13);
  EXPECT_EQ(s.runqueue, 5);
  EXPECT_EQ(s.needspinning, kUnknown);
  EXPECT_EQ(s.local_count, 2u);
  EXPECT_EQ(s.local_sum, 9);
  EXPECT_EQ(s.local_max, 5);
  EXPECT_FALSE(s.detail);
}

TEST(SchedTraceReader, ParsesGo121NeedSpinning) {
  auto t = ReadSchedTrace(InputFromString(
      "s.log",
      "SCHED 1004ms: gomaxprocs=4 idleprocs=4 threads=7 spinningthreads=0 needspinning=1 "
      "idlethreads=4 runqueue=0 [0 0 0 0]\n"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->samples[0].needspinning, 1);
  EXPECT_EQ(t->samples[0].local_count, 4u);
}

TEST(SchedTraceReader, ParsesGo125SpacedBracketsAndSchedticks) {
  auto t = ReadSchedTrace(InputFromString(
      "s.log",
      "SCHED 2000ms: gomaxprocs=2 idleprocs=1 threads=5 spinningthreads=0 needspinning=0 "
      "idlethreads=2 runqueue=3 [ 1 7 ] schedticks=[ 120 98 ]\n"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  const SchedSample& s = t->samples[0];
  EXPECT_EQ(s.runqueue, 3);
  EXPECT_EQ(s.local_count, 2u);
  EXPECT_EQ(s.local_sum, 8);  // schedticks are not queue lengths
}

TEST(SchedTraceReader, FoldsScheddetailLines) {
  auto t = ReadSchedTrace(InputFromString(
      "d.log",
      "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0 runqueue=0 "
      "gcwaiting=0 nmidlelocked=1 stopwait=0 sysmonwait=0\n"
      "  P0: status=0 schedtick=0 syscalltick=0 m=-1 runqsize=2 gfreecnt=0 timerslen=0\n"
      "  P1: status=2 schedtick=0 syscalltick=0 m=2 runqsize=0 gfreecnt=0 timerslen=0\n"
      "  M2: p=1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=true "
      "blocked=false lockedg=-1\n"
      "  M0: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false "
      "blocked=true lockedg=1\n"
      "  G1: status=4(chan receive) m=-1 lockedm=0\n"
      "  G2: status=1() m=-1 lockedm=-1\n"
      "  G3: status=4(chan receive) m=nil lockedm=nil\n"
      "  G4: status=4100(semacquire) m=nil lockedm=nil\n"
      "program output\n"
      "  G5: status=4(select) m=-1 lockedm=-1\n"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->details.size(), 1u);
  const DetailSnapshot& d = t->details[0];
  EXPECT_EQ(d.goroutines, 4u) << "G5 comes after program output: not part of the sample";
  EXPECT_EQ(d.by_status[4], 3u);  // 4100 = _Gscan|_Gwaiting
  EXPECT_EQ(d.by_status[1], 1u);
  EXPECT_EQ(d.ms, 2u);
  EXPECT_EQ(d.ms_blocked, 1u);
  EXPECT_EQ(d.ms_spinning, 1u);
  EXPECT_EQ(d.ms_locked, 1u);
  EXPECT_EQ(d.locked_goroutines, 1u);
  EXPECT_EQ(d.ps_in_syscall, 1u);
  ASSERT_EQ(d.by_wait_reason.size(), 2u);
  EXPECT_EQ(t->wait_reasons.Get(d.by_wait_reason[0].first), "chan receive");
  EXPECT_EQ(d.by_wait_reason[0].second, 2u);
  EXPECT_EQ(t->samples[0].local_sum, 2);
  EXPECT_EQ(t->other_lines, 2u);
}

TEST(SchedTraceReader, ToleratesPrefixesAndInterleavedGcLines) {
  auto t = ReadSchedTrace(InputFromString(
      "mix.log",
      "gc 1 @0.004s 3%: 0.010+0.52+0.003 ms clock, 0.021+0.1/0.2/0+0.006 ms cpu, 4->4->0 MB, 4 MB "
      "goal, 0 MB stacks, 0 MB globals, 2 P\n"
      "I1205 10:00:00 app] SCHED 100ms: gomaxprocs=2 idleprocs=2 threads=5 spinningthreads=0 "
      "idlethreads=3 runqueue=0 [0 0]\n"));
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->samples.size(), 1u);
  EXPECT_EQ(t->samples[0].idleprocs, 2);
}

TEST(SchedTraceReader, CountsMalformedLinesAndFailsWithNone) {
  auto t = ReadSchedTrace(InputFromString(
      "m.log", "SCHED 5ms: broken\nSCHED 10ms: gomaxprocs=1 idleprocs=0 threads=2 runqueue=0\n"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->malformed, 1u);
  EXPECT_EQ(t->first_malformed_line, 1u);
  auto none = ReadSchedTrace(InputFromString("n.log", "just text\n"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("n.log: no GODEBUG=schedtrace lines in 1 lines"),
            std::string::npos);
}

TEST(SchedTraceReader, Sniffs) {
  EXPECT_EQ(SniffSchedTrace("x\nSCHED 0ms: gomaxprocs=2 idleprocs=0\n"), 100);
  EXPECT_EQ(SniffSchedTrace("gc 1 @0.1s 0%: ...\n"), 0);
}

TEST(SchedTraceReader, EveryTruncationParses) {
  godx::testing::ExpectEveryCutReadsCompleteLines(
      godx::testing::ReadFile(godx::testing::TestData("schedlog/go1.19-schedload-detail.log")),
      [](const std::string& text) {
        auto t = ReadSchedTrace(InputFromString("cut", text));
        return t.ok() ? t->samples.size() : size_t{0};
      });
}

}  // namespace
}  // namespace godx::schedlog

namespace godx::schedlog {
namespace {

// Inputs the fuzzer once crashed on (testdata/schedlog/crashers/): they must read cleanly now.
TEST(SchedTraceReader, FormerFuzzCrashersAreHarmless) {
  for (const char* name : {"crash-380099272f769bfe3d72fcf4048b549cead6a8b6"}) {
    std::string bytes = godx::testing::ReadFile(
        godx::testing::TestData(std::string("schedlog/crashers/") + name));
    ASSERT_FALSE(bytes.empty());
    auto t = ReadSchedTrace(godx::testing::InputFromString(name, bytes));
    if (t.ok()) {
      for (const auto& s : t->samples) {
        EXPECT_LE(size_t(s.local_begin) + s.local_count, t->local_queues.size());
      }
    }
  }
}

// Go 1.26/1.27 scheddetail: booleans for gcwaiting/sysmonwait, "nil" for absent ids, and wait
// reasons that hold parentheses.
TEST(SchedTraceReader, ReadsGo126Scheddetail) {
  auto t = ReadSchedTrace(InputFromString(
      "d.log",
      "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 needspinning=0 "
      "idlethreads=0 runqueue=0 gcwaiting=false nmidlelocked=1 stopwait=0 sysmonwait=true\n"
      "  P0: status=1 schedtick=0 syscalltick=0 m=0 runqsize=2 gfreecnt=0 timerslen=0\n"
      "  P1: status=0 schedtick=0 syscalltick=0 m=nil runqsize=0 gfreecnt=0 timerslen=0\n"
      "  M0: p=0 curg=1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false "
      "blocked=false lockedg=nil\n"
      "  G1: status=2() m=0 lockedm=nil\n"
      "  G2: status=4(force gc (idle)) m=nil lockedm=nil\n"
      "  G17: status=4(GOMAXPROCS updater (idle)) m=nil lockedm=nil\n"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->samples.size(), 1u);
  EXPECT_EQ(t->samples[0].gcwaiting, 0);
  EXPECT_EQ(t->samples[0].sysmonwait, 1);
  EXPECT_EQ(t->signs.bool_flags, 1u);
  EXPECT_EQ(t->signs.with_needspinning, 1u);
  EXPECT_GE(t->signs.nil_ids, 4u);
  EXPECT_EQ(t->signs.minus_one_ids, 0u);
  ASSERT_EQ(t->details.size(), 1u);
  std::vector<std::string> reasons;
  for (auto [id, count] : t->details[0].by_wait_reason) {
    reasons.emplace_back(t->wait_reasons.Get(id));
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"force gc (idle)", "GOMAXPROCS updater (idle)"}));
  EXPECT_EQ(t->details[0].p[0].curg, 1);
}

TEST(SchedTraceReader, NotesGomaxprocsChangesAndListShapes) {
  auto t = ReadSchedTrace(InputFromString(
      "p.log",
      "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=0 "
      "runqueue=0 [1 2]\n"
      "SCHED 1000ms: gomaxprocs=1 idleprocs=0 threads=4 spinningthreads=0 needspinning=0 "
      "idlethreads=0 runqueue=0 [ 3 ] schedticks=[ 9 ]\n"
      "SCHED 2000ms: gomaxprocs=2 idleprocs=1 threads=4 spinningthreads=0 needspinning=0 "
      "idlethreads=0 runqueue=0 [ 0 0 ] schedticks=[ 10 4 ]\n"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->procs_changes.size(), 2u);
  EXPECT_EQ(t->procs_changes[0].sample, 1u);
  EXPECT_EQ(t->procs_changes[0].from, 2);
  EXPECT_EQ(t->procs_changes[0].to, 1);
  EXPECT_EQ(t->procs_changes[1].sample, 2u);
  EXPECT_EQ(t->signs.tight_lists, 1u);
  EXPECT_EQ(t->signs.spaced_lists, 2u);
  EXPECT_EQ(t->signs.with_schedticks, 2u);
  EXPECT_EQ(t->signs.without_needspinning, 1u);
  EXPECT_EQ(t->samples[1].local_sum, 3);
}

}  // namespace
}  // namespace godx::schedlog
