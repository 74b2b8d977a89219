#include "gclog/reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "testing/testing.h"

namespace godx::gclog {
namespace {

using godx::testing::InputFromString;

// The single lines below are quoted from real logs: the Go 1.4 and 1.5 lines from gcvis's test
// data and examples, the 1.5 development line from golang/go#10492, the 1.6-1.17 and 1.18+ lines
// from the runtime's documentation and golang/go#68643 (see docs/formats/gctrace.md). Whole logs
// from real programs are tested in analyze_test.cc.

TEST(GcTraceReader, ParsesGo14Line) {
  auto c = ParseGcLine(
      "gc76(1): 2+1+1390+1 us, 1 -> 3 MB, 16397 (1015746-999349) objects, 12 goroutines, "
      "1436/1/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, GcFormat::kGo14);
  EXPECT_EQ(c->num, 76u);
  EXPECT_EQ(c->procs, 1);
  EXPECT_FLOAT_EQ(c->other_stw_ms, 1.394f);  // the whole cycle stopped the world
  EXPECT_DOUBLE_EQ(c->PauseMs(), double(1.394f));
  EXPECT_EQ(c->heap_start_mb, 1);
  EXPECT_EQ(c->heap_end_mb, 3);
  EXPECT_TRUE(std::isnan(c->at_s));
}

TEST(GcTraceReader, ParsesGo15FiveClockPhases) {
  auto c = ParseGcLine(
      "gc 1 @0.166s 0%: 0.22+2.3+0.074+0.76+0.56 ms clock, 0.45+2.3+0+0.55/0.59/0+1.1 ms cpu, "
      "5->5->1 MB, 4 MB goal, 4 P");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, GcFormat::kGo15);
  EXPECT_DOUBLE_EQ(c->at_s, 0.166);
  EXPECT_FLOAT_EQ(c->sweep_term_ms, 0.22f);
  EXPECT_FLOAT_EQ(c->mark_ms, 2.3f + 0.76f);
  EXPECT_FLOAT_EQ(c->other_stw_ms, 0.074f);  // installing the write barrier stopped the world
  EXPECT_FLOAT_EQ(c->mark_term_ms, 0.56f);
  EXPECT_NEAR(c->PauseMs(), 0.22 + 0.074 + 0.56, 1e-6);
  EXPECT_FLOAT_EQ(c->cpu_sweep_term_ms, 0.45f);
  EXPECT_FLOAT_EQ(c->cpu_other_ms, 2.3f);
  EXPECT_FLOAT_EQ(c->cpu_assist_ms, 0.55f);
  EXPECT_FLOAT_EQ(c->cpu_background_ms, 0.59f);
  EXPECT_FLOAT_EQ(c->cpu_idle_ms, 0);
  EXPECT_FLOAT_EQ(c->cpu_mark_term_ms, 1.1f);
  EXPECT_EQ(c->heap_live_mb, 1);
  EXPECT_EQ(c->goal_mb, 4);
  EXPECT_EQ(c->procs, 4);
  EXPECT_FALSE(c->forced);
}

TEST(GcTraceReader, ParsesGo15DevelopmentLineWithoutGoal) {
  auto c = ParseGcLine(
      "gc #1 @0.296s 0%: 0+0+0+58+0 ms clock, 0+0+0+0/0/0+0 ms cpu, 4->262->262 MB, 1 P");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->num, 1u);
  EXPECT_EQ(c->goal_mb, -1);
  EXPECT_EQ(c->heap_end_mb, 262);
  EXPECT_FLOAT_EQ(c->mark_ms, 58);
}

TEST(GcTraceReader, ParsesGo16To117ThreePhases) {
  auto c = ParseGcLine(
      "gc 1 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 ms cpu, 4->4->0 MB, "
      "5 MB goal, 4 P");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, GcFormat::kGo16);
  EXPECT_FLOAT_EQ(c->sweep_term_ms, 0.036f);
  EXPECT_FLOAT_EQ(c->mark_ms, 0.73f);
  EXPECT_FLOAT_EQ(c->mark_term_ms, 0.019f);
  EXPECT_FLOAT_EQ(c->other_stw_ms, 0);
  EXPECT_FLOAT_EQ(c->cpu_assist_ms, 0.72f);
  EXPECT_FLOAT_EQ(c->cpu_background_ms, 0.46f);
  EXPECT_EQ(c->stacks_mb, -1);
}

TEST(GcTraceReader, ParsesGo118StacksGlobalsAndForced) {
  auto c = ParseGcLine(
      "gc 1 @3.003s 0%: 0.012+0.15+0.003 ms clock, 0.29+0/0.16/0+0.074 ms cpu, 4->4->4 MB, 4 MB "
      "goal, 0 MB stacks, 0 MB globals, 24 P (forced)");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, GcFormat::kGo118);
  EXPECT_EQ(c->stacks_mb, 0);
  EXPECT_EQ(c->globals_mb, 0);
  EXPECT_EQ(c->procs, 24);
  EXPECT_TRUE(c->forced);
}

TEST(GcTraceReader, RejectsLinesThatOnlyLookAlike) {
  std::string why;
  size_t stop = 0;
  EXPECT_FALSE(ParseGcLine("gc 3 items collected", &why, &stop));
  EXPECT_EQ(stop, 4u);
  EXPECT_FALSE(ParseGcLine("gc 1 @0.1s 0%: 1+2 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, 1 P", &why));
  EXPECT_NE(why.find("clock"), std::string::npos);
}

TEST(GcTraceReader, ReadsScavengerLinesOfEveryEra) {
  auto in = InputFromString("scv.log",
                            "scvg0: inuse: 3, idle: 0, sys: 4, released: 0, consumed: 4 (MB)\n"
                            "scvg1: 7 MB released\n"
                            "scav 12 KiB work, 12 KiB total, 52% util\n"
                            "scav 4 KiB work (bg), 8 KiB work (eager), 1024 KiB now, 99% util\n"
                            "GC forced\n"
                            "gc 1 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 ms "
                            "cpu, 4->4->0 MB, 5 MB goal, 4 P\n");
  auto t = ReadGcTrace(in, {.keep_cycles = true});
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->scavenger.scvg_lines, 2u);
  EXPECT_EQ(t->scavenger.scav_lines, 2u);
  EXPECT_DOUBLE_EQ(t->scavenger.released_mb, 7);
  EXPECT_DOUBLE_EQ(t->scavenger.scav_work_kib, 24);
  EXPECT_EQ(t->scavenger.last_sys_mb, 4);
  EXPECT_EQ(t->gc_forced_lines, 1u);
  EXPECT_EQ(t->cycles.size(), 1u);
  EXPECT_EQ(t->cycles[0].line, 6u);
  EXPECT_EQ(t->other_lines, 0u);
}

// Each scav shape, with what its numbers mean: "work" adds up, "total"/"now" is a level.
TEST(GcTraceReader, ReadsEachScavShapeAndItsReleaseSigns) {
  auto in = InputFromString(
      "scav.log",
      "scav 7 100 KiB work, 900 KiB total, 40% util\n"                         // 1.16–1.18
      "scav 10 KiB work, 1000 KiB total, 50% util [controller reset]\n"        // ≤1.20
      "scav 20 KiB work (bg), 30 KiB work (eager), 4000 KiB now, 60% util\n"   // 1.20/1.21+
      "scav 0 KiB work (bg), 5 KiB work (eager), 2000 KiB now, 70% util (forced)\n"
      "scav 9 KiB work, in some future shape\n"
      "gc 1 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 ms cpu, 4->4->0 MB, "
      "5 MB goal, 0 MB stacks, 0 MB globals, 4 P\n"
      "scan: total 10+20+30=60 objs, 3+4=7 spans\n"
      "scan: class 16B 1+2+3=6 objs, 1+1=2 spans\n");
  auto t = ReadGcTrace(in);
  ASSERT_TRUE(t.ok()) << t.status().message();
  const ScavengerStats& sc = t->scavenger;
  EXPECT_EQ(sc.scav_lines, 5u);
  EXPECT_EQ(sc.scav_gen_lines, 1u);
  EXPECT_EQ(sc.scav_total_lines, 1u);
  EXPECT_EQ(sc.scav_now_lines, 2u);
  EXPECT_EQ(sc.scav_other_lines, 1u);
  EXPECT_DOUBLE_EQ(sc.scav_work_kib, 100 + 10 + 50 + 5 + 9);
  EXPECT_DOUBLE_EQ(sc.scav_eager_kib, 35);
  EXPECT_EQ(sc.released_now_kib, 2000);
  EXPECT_EQ(sc.released_peak_kib, 4000);
  EXPECT_EQ(sc.last_util_pct, 70);
  EXPECT_EQ(sc.scav_forced, 1u);
  EXPECT_EQ(t->scan.lines, 2u);
  EXPECT_EQ(t->scan.span_lines, 2u);
  EXPECT_EQ(t->other_lines, 0u);
}

// Go 1.26's goroutine-leak marker sits between the CPU share and the colon; the fast path
// declines such lines and the general one reads them.
TEST(GcTraceReader, ReadsGo126LeakCheckMarker) {
  std::string line =
      "gc 7 @1.500s 3% (checking for goroutine leaks): 0.05+1.2+0.04 ms clock, "
      "0.1+0.2/0.3/0.4+0.08 ms cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P";
  auto c = ParseGcLine(line);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->leak_check);
  EXPECT_EQ(c->num, 7u);
  EXPECT_EQ(c->procs, 2);
  EXPECT_FLOAT_EQ(c->cpu_idle_ms, 0.4f);
  auto t = ReadGcTrace(InputFromString("leak.log", line + "\n" + line + "\n"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->totals.leak_checks, 2u);
  EXPECT_EQ(t->malformed, 0u);
}

// Real interleaving seen in testdata/gen/gcleak's output: the program's Printf landed inside the
// runtime's line, which continues at the start of the next line.
TEST(GcTraceReader, RejoinsALineSplitByProgramOutput) {
  auto in = InputFromString(
      "split.log",
      "gc 566 @0.188s 18%: 0.004+0.15+0.038 ms clock, 0.008+0.010/0.021/0.011+0.076 ms cpu, "
      "3->4->1 MB, 4 MB goal, request 50000 served\n"
      "0 MB stacks, 0 MB globals, 2 P\n"
      "gc request 675000 served\n"
      "4275 @1.726s 15%: 0.005+0.15+0.040 ms clock, 0.011+0.019/0.024/0+0.081 ms cpu, 21->23->11 "
      "MB, 23 MB goal, 0 MB stacks, 0 MB globals, 2 P\n");
  auto t = ReadGcTrace(in, {.keep_cycles = true});
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->cycles.size(), 2u);
  EXPECT_EQ(t->cycles[0].num, 566u);
  EXPECT_EQ(t->cycles[0].procs, 2);
  EXPECT_EQ(t->cycles[1].num, 4275u);
  EXPECT_EQ(t->cycles[1].heap_live_mb, 11);
  EXPECT_EQ(t->malformed, 0u);
}

TEST(GcTraceReader, FindsLinesBehindALogPrefix) {
  auto in = InputFromString(
      "k8s.log",
      "2024-05-01T10:00:00.000Z stderr F gc 7 @1.000s 2%: 0.012+0.15+0.003 ms clock, "
      "0.29+0/0.16/0+0.074 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 24 P\n"
      "gc 3 items cleaned\n");
  auto t = ReadGcTrace(in, {.keep_cycles = true});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->cycles.size(), 1u);
  EXPECT_EQ(t->cycles[0].num, 7u);
  EXPECT_EQ(t->malformed, 1u);  // "gc 3 items" starts a line: counted, not fatal
}

// Without keep_cycles the trace holds columns and the notable cycles only; they agree with the
// whole records.
TEST(GcTraceReader, ColumnsAndNotableCyclesAgreeWithTheRecords) {
  std::string log = godx::testing::ReadFile(godx::testing::TestData("gclog/go1.19-gcleak.log"));
  auto whole = ReadGcTrace(InputFromString("w.log", log), {.keep_cycles = true});
  auto slim = ReadGcTrace(InputFromString("s.log", log));
  ASSERT_TRUE(whole.ok() && slim.ok());
  EXPECT_TRUE(slim->cycles.empty());
  const auto& cs = whole->cycles;
  const GcSeries& ser = slim->series;
  ASSERT_EQ(ser.size(), cs.size());
  ASSERT_GT(cs.size(), 200u);
  for (size_t i = 0; i < cs.size(); ++i) {
    EXPECT_EQ(ser.t_s[i], cs[i].at_s);  // one run: the clock is the program's
    EXPECT_EQ(ser.pause_ms[i], float(cs[i].PauseMs()));
    EXPECT_EQ(ser.live_mb[i], cs[i].heap_live_mb);
    EXPECT_EQ(ser.goal_mb[i], cs[i].goal_mb);
    EXPECT_EQ(ser.procs[i], cs[i].procs);
  }
  EXPECT_EQ(slim->first.line, cs.front().line);
  EXPECT_EQ(slim->last.line, cs.back().line);
  // The longest pauses: what sorting every record gives, the earlier of equal pauses first.
  std::vector<GcCycle> sorted = cs;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const GcCycle& a, const GcCycle& b) { return a.PauseMs() > b.PauseMs(); });
  ASSERT_EQ(slim->longest.size(), kLongestPauses);
  for (size_t i = 0; i < kLongestPauses; ++i) EXPECT_EQ(slim->longest[i].line, sorted[i].line) << i;
  uint64_t forced = 0;
  for (const auto& c : cs) forced += c.forced;
  EXPECT_EQ(slim->totals.forced, forced);
}

TEST(GcTraceReader, ErrorsNameTheInput) {
  auto empty = ReadGcTrace(InputFromString("e.log", ""));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "e.log: empty input, expected GODEBUG=gctrace=1 output");
  auto none = ReadGcTrace(InputFromString("n.log", "hello\nworld\n"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("n.log: no GODEBUG=gctrace=1 lines in 2 lines"),
            std::string::npos);
  auto bin = ReadGcTrace(InputFromString("b.bin", std::string("\x7f" "ELF\0\0\0", 7)));
  ASSERT_FALSE(bin.ok());
  EXPECT_NE(bin.status().message().find("b.bin: binary data"), std::string::npos);
  auto bad = ReadGcTrace(InputFromString("m.log", "gc 1 @0.1s 0%: broken\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("m.log:1: malformed gctrace line"), std::string::npos);
}

TEST(GcTraceReader, SniffsGcTraces) {
  std::string fixture = godx::testing::ReadFile(godx::testing::TestData("gclog/go1.19-gcleak.log"));
  EXPECT_EQ(SniffGcTrace(fixture), 100);
  EXPECT_EQ(SniffGcTrace("SCHED 0ms: gomaxprocs=2 idleprocs=0\n"), 0);
  EXPECT_EQ(SniffGcTrace("goroutine 1 [running]:\n"), 0);
}

// Inputs cut at every byte offset (a log cut mid-line is normal) never crash and never lose a
// complete line before the cut.
TEST(GcTraceReader, EveryTruncationParses) {
  godx::testing::ExpectEveryCutReadsCompleteLines(
      godx::testing::ReadFile(godx::testing::TestData("gclog/go1.19-gcsteady.log")),
      [](const std::string& text) {
        auto t = ReadGcTrace(InputFromString("cut", text));
        return t.ok() ? t->series.size() : size_t{0};
      });
}

}  // namespace
}  // namespace godx::gclog

namespace godx::gclog {
namespace {

GcTrace ReadWithThreads(const std::string& data, const char* threads) {
  setenv("GODX_THREADS", threads, 1);
  auto t = ReadGcTrace(godx::testing::InputFromString("big.log", data), {.keep_cycles = true});
  unsetenv("GODX_THREADS");
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

void ExpectSame(const GcTrace& a, const GcTrace& b) {
  ASSERT_EQ(a.cycles.size(), b.cycles.size());
  for (size_t i = 0; i < a.cycles.size(); ++i) {
    ASSERT_EQ(a.cycles[i].line, b.cycles[i].line) << i;
    ASSERT_EQ(a.cycles[i].num, b.cycles[i].num) << i;
    ASSERT_EQ(a.series.t_s[i], b.series.t_s[i]) << i;
  }
  ASSERT_EQ(a.longest.size(), b.longest.size());
  for (size_t i = 0; i < a.longest.size(); ++i) EXPECT_EQ(a.longest[i].line, b.longest[i].line);
  EXPECT_EQ(a.first.line, b.first.line);
  EXPECT_EQ(a.last.line, b.last.line);
  EXPECT_EQ(a.totals.forced, b.totals.forced);
  EXPECT_EQ(a.totals.over_goal, b.totals.over_goal);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.other_lines, b.other_lines);
  EXPECT_EQ(a.malformed, b.malformed);
  EXPECT_EQ(a.run_starts, b.run_starts);
  EXPECT_EQ(a.gc_forced_lines, b.gc_forced_lines);
  EXPECT_EQ(a.procs_change_count, b.procs_change_count);
  ASSERT_EQ(a.procs_changes.size(), b.procs_changes.size());
  for (size_t i = 0; i < a.procs_changes.size(); ++i) {
    EXPECT_EQ(a.procs_changes[i].index, b.procs_changes[i].index) << i;
    EXPECT_EQ(a.procs_changes[i].line, b.procs_changes[i].line) << i;
    EXPECT_EQ(a.procs_changes[i].num, b.procs_changes[i].num) << i;
    EXPECT_EQ(a.procs_changes[i].to, b.procs_changes[i].to) << i;
  }
  EXPECT_EQ(a.scavenger.scav_lines, b.scavenger.scav_lines);
  EXPECT_EQ(a.scavenger.scav_work_kib, b.scavenger.scav_work_kib);
  EXPECT_EQ(a.scavenger.released_now_kib, b.scavenger.released_now_kib);
  EXPECT_EQ(a.scavenger.released_peak_kib, b.scavenger.released_peak_kib);
}

// Changes of the P count are kept with the cycle that first shows them, also where one falls on
// the boundary between two pieces of a large log.
TEST(GcTraceReader, KeepsEveryGomaxprocsChangeAcrossPieces) {
  std::string big;
  uint32_t n = 0;
  std::vector<uint32_t> want;  // cycles that change the count
  while (big.size() < (40u << 20)) {
    ++n;
    int procs = (n / 40000) % 2 == 0 ? 4 : 2;
    if (n > 1 && n % 40000 == 0) want.push_back(n);
    big += "gc " + std::to_string(n) + " @" + std::to_string(n) +
           ".000s 1%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0+0.1 ms cpu, 4->4->1 MB, 5 MB goal, " +
           std::to_string(procs) + " P\n";
  }
  GcTrace serial = ReadWithThreads(big, "1");
  GcTrace parallel = ReadWithThreads(big, "3");
  ExpectSame(serial, parallel);
  ASSERT_GE(want.size(), 5u);
  ASSERT_EQ(parallel.procs_change_count, want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(parallel.procs_changes[i].num, want[i]);
    EXPECT_EQ(parallel.procs_changes[i].index, want[i] - 1);
    EXPECT_EQ(parallel.procs_changes[i].line, want[i]);
    EXPECT_EQ(parallel.procs_changes[i].to, i % 2 == 0 ? 2 : 4);
  }
  // Two cycles far apart, each in its own piece: the change between them is counted once.
  std::string two = "gc 1 @1.000s 1%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0+0.1 ms cpu, 4->4->1 MB, "
                    "5 MB goal, 4 P\n";
  std::string second = "gc 2 @2.000s 1%: 0.1+1+0.1 ms clock, 0.1+0.1/0.1/0+0.1 ms cpu, "
                       "4->4->1 MB, 5 MB goal, 2 P\n";
  std::string edge;
  while (edge.size() < (20u << 20)) edge += "x\n";
  GcTrace split = ReadWithThreads(edge + two + edge + second + edge, "3");
  EXPECT_EQ(split.procs_change_count, 1u);
  ASSERT_EQ(split.procs_changes.size(), 1u);
  EXPECT_EQ(split.procs_changes[0].num, 2u);
}

// A log large enough to be read in pieces on several threads reads exactly as on one.
TEST(GcTraceReader, PiecesReadOnThreadsMergeToTheSameTrace) {
  std::string one = godx::testing::ReadFile(
      godx::testing::TestData("samples/gcleak-gctrace-schedtrace.log"));
  std::string big;
  while (big.size() < (40u << 20)) big += one;
  GcTrace serial = ReadWithThreads(big, "1");
  GcTrace parallel = ReadWithThreads(big, "3");
  ExpectSame(serial, parallel);
  EXPECT_GT(serial.run_starts.size(), 100u);  // the sample repeated: each copy is a new run
}

// A piece whose first MiB holds no GC line is given too little room for its columns; what does
// not fit goes to the piece's own columns, and the trace is the same.
TEST(GcTraceReader, PiecesThatOutgrowTheirRoomReadTheSame) {
  std::string one = godx::testing::ReadFile(godx::testing::TestData("gclog/go1.19-gcleak.log"));
  const std::string filler = std::string(99, 'x') + "\n";
  std::string big;
  while (big.size() < (40u << 20)) {
    if (big.size() % (14u << 20) < (2u << 20)) {
      for (int i = 0; i < 1000; ++i) big += filler;  // stretches without GC lines
    } else {
      big += one;
    }
  }
  GcTrace serial = ReadWithThreads(big, "1");
  GcTrace parallel = ReadWithThreads(big, "3");
  ExpectSame(serial, parallel);
  setenv("GODX_THREADS", "3", 1);
  auto whole = ReadGcTrace(godx::testing::InputFromString("big.log", big), {.keep_cycles = true});
  unsetenv("GODX_THREADS");
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->cycles.size(), parallel.series.size());
  for (size_t i = 0; i < whole->cycles.size(); i += 997) {
    EXPECT_EQ(parallel.series.live_mb[i], whole->cycles[i].heap_live_mb) << i;
    EXPECT_EQ(parallel.series.pause_ms[i], float(whole->cycles[i].PauseMs())) << i;
  }
}

// A record split by program output exactly where two pieces meet is rejoined once, and its
// continuation line is not counted again by the next piece.
TEST(GcTraceReader, RecordSplitAcrossPiecesIsRejoinedOnce) {
  const std::string head =
      "gc 566 @0.188s 18%: 0.004+0.15+0.038 ms clock, 0.008+0.010/0.021/0.011+0.076 ms cpu, "
      "3->4->1 MB, 4 MB goal, request 50000 served\n";
  const std::string tail = "0 MB stacks, 0 MB globals, 2 P\n";
  const std::string filler = std::string(99, 'x') + "\n";
  std::string data;
  while (data.size() < (17u << 20)) data += filler;
  size_t before = data.size();
  size_t total = 2 * (before + 5);  // the middle falls inside `head`
  data += head + tail;
  while (data.size() + filler.size() <= total) data += filler;
  data += std::string(total - data.size() - 1, 'y') + "\n";
  ASSERT_EQ(data.size(), total);
  GcTrace serial = ReadWithThreads(data, "1");
  GcTrace parallel = ReadWithThreads(data, "2");
  ASSERT_EQ(serial.cycles.size(), 1u);
  EXPECT_EQ(serial.cycles[0].line, before / filler.size() + 1);
  ExpectSame(serial, parallel);
}

GcTrace Read(const std::string& name, const std::string& text) {
  auto t = ReadGcTrace(InputFromString(name, text), {.keep_cycles = true});
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(*t) : GcTrace{};
}

// kubectl logs --timestamps / --prefix put their prefix on every line: every record is still
// read, and only the lines that were not read (the program's own) count as skipped.
TEST(GcTraceReader, PrefixedLinesAreReadAndNotCountedAsSkipped) {
  const std::string path = godx::testing::TestData("gclog/go1.26-gcleak.log");
  const std::string text = godx::testing::ReadFile(path);
  GcTrace plain = Read(path, text);
  ASSERT_GT(plain.cycles.size(), 20u);
  ASSERT_GT(plain.other_lines, 0u);  // "request N served": the program's own lines
  for (const std::string prefix :
       {"2024-08-09T01:45:13.123456789Z ", "[pod/web-0/app] ",
        "[pod/web-0/app] 2024-08-09T01:45:13.123456789+02:00 "}) {
    SCOPED_TRACE(prefix);
    GcTrace t = Read(path, godx::testing::AsCollected(text, prefix));
    EXPECT_EQ(t.cycles, plain.cycles);
    EXPECT_EQ(t.other_lines, plain.other_lines);
    EXPECT_EQ(t.malformed, 0u);
    EXPECT_EQ(t.scavenger.scav_lines + t.gc_forced_lines,
              plain.scavenger.scav_lines + plain.gc_forced_lines);
  }
}

// A record cut in two by another writer, both halves behind the collector's prefix, is rejoined:
// no cycle is lost, and the program's text on the first half's line is the only line skipped.
TEST(GcTraceReader, PrefixedRecordCutInTwoIsRejoined) {
  const std::string path = godx::testing::TestData("gclog/go1.26-gcleak.log");
  const std::string text = godx::testing::ReadFile(path);
  GcTrace plain = Read(path, text);
  size_t splits = 0;
  // Cut inside "A->B->C MB", as chatty's output shows: "... 3" + program / "->18->15 MB, ...".
  std::string collected = godx::testing::AsCollected(text, "2024-08-09T01:45:13.123456789Z ",
                                                     "gc ", "->", 3, &splits);
  ASSERT_GT(splits, 5u);
  GcTrace t = Read(path, collected);
  ASSERT_EQ(t.cycles.size(), plain.cycles.size());
  for (size_t i = 0; i < t.cycles.size(); ++i) {
    GcCycle c = t.cycles[i];
    c.line = plain.cycles[i].line;  // the cut lines moved the later ones down
    EXPECT_EQ(c, plain.cycles[i]) << "cycle " << plain.cycles[i].num;
  }
  EXPECT_EQ(t.other_lines, plain.other_lines + splits);
  EXPECT_EQ(t.malformed, 0u);
  EXPECT_EQ(t.lines, plain.lines + splits);
}

}  // namespace
}  // namespace godx::gclog
