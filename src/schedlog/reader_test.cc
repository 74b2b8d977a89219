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

SchedTrace Read(const std::string& name, const std::string& text) {
  auto t = ReadSchedTrace(InputFromString(name, text));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(*t) : SchedTrace{};
}

void ExpectSameSamples(const SchedTrace& a, const SchedTrace& b) {
  ASSERT_EQ(a.samples.size(), b.samples.size());
  for (size_t i = 0; i < a.samples.size(); ++i) {
    EXPECT_EQ(a.samples[i].t_ms, b.samples[i].t_ms) << i;
    EXPECT_EQ(a.samples[i].threads, b.samples[i].threads) << i;
    EXPECT_EQ(a.samples[i].idleprocs, b.samples[i].idleprocs) << i;
    EXPECT_EQ(a.samples[i].detail, b.samples[i].detail) << i;
  }
  ASSERT_EQ(a.details.size(), b.details.size());
  for (size_t i = 0; i < a.details.size(); ++i) {
    EXPECT_EQ(a.details[i].goroutines, b.details[i].goroutines) << i;
    EXPECT_EQ(a.details[i].by_status, b.details[i].by_status) << i;
    EXPECT_EQ(a.details[i].ms, b.details[i].ms) << i;
    EXPECT_EQ(a.details[i].syscall_threads, b.details[i].syscall_threads) << i;
  }
}

// kubectl logs --timestamps / --prefix on a real scheddetail log: the indented P/M/G lines behind
// the prefix are still read as the sample's detail, and nothing read counts as skipped.
TEST(SchedTraceReader, PrefixedScheddetailIsReadWhole) {
  const std::string path = godx::testing::TestData("schedlog/go1.26-syscallhold-detail.log");
  const std::string text = godx::testing::ReadFile(path);
  SchedTrace plain = Read(path, text);
  ASSERT_GT(plain.details.size(), 5u);
  for (const std::string prefix : {"2024-08-09T01:45:13.123456789Z ", "[pod/shipper-0/app] "}) {
    SCOPED_TRACE(prefix);
    SchedTrace t = Read(path, godx::testing::AsCollected(text, prefix));
    ExpectSameSamples(t, plain);
    EXPECT_EQ(t.other_lines, plain.other_lines);
    EXPECT_EQ(t.malformed, 0u);
  }
}

// A SCHED record cut in two by another writer, both halves behind the prefix, is rejoined.
TEST(SchedTraceReader, PrefixedRecordCutInTwoIsRejoined) {
  const std::string path = godx::testing::TestData("schedlog/go1.26-schedload.log");
  const std::string text = godx::testing::ReadFile(path);
  SchedTrace plain = Read(path, text);
  size_t splits = 0;
  SchedTrace t = Read(path, godx::testing::AsCollected(text, "[pod/web-0/app] ", "SCHED ",
                                                       " threads=", 4, &splits));
  ASSERT_GT(splits, 5u);
  ExpectSameSamples(t, plain);
  EXPECT_EQ(t.other_lines, plain.other_lines + splits);
  EXPECT_EQ(t.malformed, 0u);
}

// syscallhold's readers block in read(2): in the last scheddetail sample every G line in status
// 3 names the M whose thread it holds. Counted apart from the reader, from the G lines' text.
TEST(SchedTraceReader, CountsThreadsHeldByGoroutinesInSyscalls) {
  for (const std::string rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    const std::string path =
        godx::testing::TestData("schedlog/go" + rel + "-syscallhold-detail.log");
    const std::string text = godx::testing::ReadFile(path);
    SchedTrace t = Read(path, text);
    ASSERT_FALSE(t.details.empty());
    size_t last = text.rfind("\nSCHED ");
    size_t held = 0, in_syscall = 0;
    for (size_t at = text.find("  G", last); at != std::string::npos; at = text.find("  G", at + 1)) {
      std::string line = text.substr(at, text.find('\n', at) - at);
      if (line.find(": status=3(") == std::string::npos) continue;
      ++in_syscall;
      held += line.find(" m=nil") == std::string::npos && line.find(" m=-1 ") == std::string::npos;
    }
    EXPECT_GE(held, 45u);  // the program starts 50 readers
    EXPECT_EQ(t.details.back().syscall_threads, held);
    EXPECT_EQ(t.details.back().by_status[3], in_syscall);
  }
}

}  // namespace
}  // namespace godx::schedlog

namespace godx::schedlog {
namespace {

// A schedtrace pasted without its line ends: the samples of the real fixture, one after another
// on one line, read as the fixture's own lines are.
TEST(SchedTraceReader, SamplesJoinedOntoOneLineAreReadApart) {
  const std::string path = godx::testing::TestData("schedlog/go1.26-schedload.log");
  const std::string text = godx::testing::ReadFile(path);
  std::string first, joined;
  size_t at = 0;
  for (int i = 0; i < 6; ++i) {
    size_t nl = text.find('\n', at);
    first += text.substr(at, nl + 1 - at);
    joined += text.substr(at, nl - at);
    at = nl + 1;
  }
  auto want = ReadSchedTrace(InputFromString("lines.log", first));
  auto got = ReadSchedTrace(InputFromString("joined.log", joined + "\n"));
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->samples.size(), 6u);
  EXPECT_EQ(got->joined_samples, 6u);
  EXPECT_EQ(want->joined_samples, 0u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(got->samples[i].t_ms, want->samples[i].t_ms);
    EXPECT_EQ(got->samples[i].gomaxprocs, want->samples[i].gomaxprocs);
    EXPECT_EQ(got->samples[i].runqueue, want->samples[i].runqueue);
    EXPECT_EQ(got->samples[i].local_count, want->samples[i].local_count);
  }
  EXPECT_EQ(got->local_queues, want->local_queues);
}

}  // namespace
}  // namespace godx::schedlog

namespace godx::schedlog {
namespace {

// scheddetail's P and M lines pasted without the SCHED line above them (the real fixture's second
// block, its SCHED line cut): GOMAXPROCS, idle Ps and threads come from the P and M lines and
// match what the cut line said. (Not the first block: at start-up the runtime's idle count lags
// the Ps' status.)
TEST(SchedTraceReader, DetailLinesWithoutTheirSchedLine) {
  const std::string all =
      godx::testing::ReadFile(godx::testing::TestData("schedlog/go1.26-schedload-detail.log"));
  size_t begin = all.find("\nSCHED ", 1);
  ASSERT_NE(begin, std::string::npos);
  size_t end = all.find("\nSCHED ", begin + 1);
  ASSERT_NE(end, std::string::npos);
  const std::string block = all.substr(begin + 1, end - begin);
  const std::string sched_line = block.substr(0, block.find('\n') + 1);
  auto whole = ReadSchedTrace(InputFromString("whole.log", block));
  auto cut = ReadSchedTrace(InputFromString("cut.log", block.substr(sched_line.size())));
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  ASSERT_EQ(cut->samples.size(), 1u);
  EXPECT_EQ(cut->headerless_details, 1u);
  EXPECT_EQ(whole->headerless_details, 0u);
  EXPECT_EQ(cut->samples[0].gomaxprocs, whole->samples[0].gomaxprocs);
  EXPECT_EQ(cut->samples[0].idleprocs, whole->samples[0].idleprocs);
  EXPECT_EQ(cut->samples[0].threads, whole->samples[0].threads);
  ASSERT_EQ(cut->details.size(), 1u);
  EXPECT_EQ(cut->details[0].ps, whole->details[0].ps);
  EXPECT_EQ(cut->details[0].goroutines, whole->details[0].goroutines);
  // Nothing about the SCHED line's format is guessed from a line that is not there.
  EXPECT_EQ(cut->signs.without_needspinning + cut->signs.with_needspinning, 0u);
}

}  // namespace
}  // namespace godx::schedlog
