#include "live/runner.h"

#include <gtest/gtest.h>

#include "core/line_cursor.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

TEST(MergeGodebug, KeepsTheUsersSettingsAndAddsOurs) {
  EXPECT_EQ(MergeGodebug("", "gctrace=1,schedtrace=1000"), "gctrace=1,schedtrace=1000");
  EXPECT_EQ(MergeGodebug("madvdontneed=1", "gctrace=1"), "madvdontneed=1,gctrace=1");
  // On a key both set, godx's value wins (its lines are what run reads).
  EXPECT_EQ(MergeGodebug("gctrace=0,http2debug=1", "gctrace=1"), "http2debug=1,gctrace=1");
  EXPECT_EQ(MergeGodebug(",,x=1,", "gctrace=1"), "x=1,gctrace=1");
  EXPECT_EQ(MergeGodebug("x=1", ""), "x=1");
}

TEST(RuntimeLines, ClassifiesEveryKind) {
  EXPECT_TRUE(IsRuntimeLine("gc 12 @0.345s 2%: 0.011+1.2+0.004 ms clock, ..."));
  EXPECT_TRUE(IsRuntimeLine("gc76(1): 2+1+1390+1 us, 1 -> 3 MB"));
  EXPECT_TRUE(IsRuntimeLine("SCHED 1004ms: gomaxprocs=4 idleprocs=2 threads=9"));
  EXPECT_TRUE(IsRuntimeLine("  P0: status=1 schedtick=10 syscalltick=2 m=0 runqsize=0"));
  EXPECT_TRUE(IsRuntimeLine("  G17: status=4(chan receive) m=-1 lockedm=-1"));
  EXPECT_TRUE(IsRuntimeLine("scvg0: inuse: 3, idle: 0, sys: 3, released: 0, consumed: 3 (MB)"));
  EXPECT_TRUE(IsRuntimeLine("GC forced"));
  EXPECT_FALSE(IsRuntimeLine("gc is great"));
  EXPECT_FALSE(IsRuntimeLine("stderr line 0"));
  EXPECT_FALSE(IsRuntimeLine("  Go: not a detail line"));
  EXPECT_FALSE(IsRuntimeLine(""));
}

TEST(RuntimeLines, TracebackStarts) {
  EXPECT_TRUE(StartsTraceback("panic: assignment to entry in nil map"));
  EXPECT_TRUE(StartsTraceback("fatal error: all goroutines are asleep - deadlock!"));
  EXPECT_TRUE(StartsTraceback("SIGQUIT: quit"));
  EXPECT_TRUE(StartsTraceback("SIGSEGV: segmentation violation"));
  EXPECT_TRUE(StartsTraceback("WARNING: DATA RACE"));
  EXPECT_FALSE(StartsTraceback("SIGNAL: not one"));
  EXPECT_FALSE(StartsTraceback("the panic: word"));
}

// The crasher's real stderr (scripts/gen-live-fixtures): `grep -c '^gc '` gives 52 and
// `grep -c '^SCHED '` gives 2; the panic is on line 72.
TEST(RuntimeLines, SplitsRealCrasherStderr) {
  std::string text =
      godx::testing::ReadFile(godx::testing::TestData("live/go1.19/run/crasher.stderr.txt"));
  LineCursor lines(text);
  std::string_view line;
  uint64_t gc = 0, sched = 0, first_traceback = 0;
  while (lines.Next(&line)) {
    if (IsRuntimeLine(line)) {
      gc += line.substr(0, 3) == "gc ";
      sched += line.substr(0, 6) == "SCHED ";
    }
    if (first_traceback == 0 && StartsTraceback(line)) first_traceback = lines.line_number();
  }
  EXPECT_EQ(gc, 52u);
  EXPECT_EQ(sched, 2u);
  EXPECT_EQ(first_traceback, 72u);
}

TEST(RunProgram, PassesExitStatusAndSplitsLines) {
  RunOptions o;
  o.argv = {"/bin/sh", "-c",
            "echo 'gc 1 @0.010s 1%: 0.010+0.20+0.003 ms clock, 0.020+0.1/0.2/0.3+0.006 ms cpu, "
            "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P' >&2; echo hello >&2; "
            "echo 'SCHED 1004ms: gomaxprocs=4 idleprocs=2 threads=9 spinningthreads=0 "
            "idlethreads=3 runqueue=5 [0 0 0 0]' >&2; echo \"$GODEBUG\" >&2; exit 3"};
  o.quiet_runtime = true;
  auto r = RunProgram(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->term_signal, 0);
  EXPECT_EQ(r->runtime_lines, 2u);
  EXPECT_EQ(r->sched_samples, 1u);  // parsed live by the schedtrace reader
  EXPECT_EQ(r->last_gomaxprocs, 4);
  EXPECT_EQ(r->last_threads, 9);
  EXPECT_EQ(r->last_runqueue, 5);
  EXPECT_EQ(r->gc_cycles, 1u);    // parsed live by the gctrace reader
  EXPECT_EQ(r->last_heap_mb, 2);  // the marked live heap, 4->5->2
  EXPECT_EQ(r->runtime_log.substr(0, 5), "gc 1 ");
  EXPECT_TRUE(r->traceback.empty());
  EXPECT_FALSE(r->Crashed());
  EXPECT_NE(r->stderr_tail.find("hello"), std::string::npos);
  EXPECT_NE(r->stderr_tail.find("gctrace=1,schedtrace=1000"), std::string::npos);
}

TEST(RunProgram, KeepsTheTracebackOfASignalDeath) {
  RunOptions o;
  o.argv = {"/bin/sh", "-c",
            "echo 'panic: boom' >&2; echo 'goroutine 1 [running]:' >&2; kill -SEGV $$"};
  auto r = RunProgram(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->term_signal, 11);
  EXPECT_EQ(r->exit_code, 139);
  EXPECT_TRUE(r->Crashed());
  EXPECT_EQ(r->traceback, "panic: boom\ngoroutine 1 [running]:\n");
}

TEST(RunProgram, StoppingIsNotACrash) {
  RunOptions o;
  o.argv = {"/bin/sh", "-c", "kill -INT $$; kill -TERM $$"};
  auto r = RunProgram(o);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->term_signal, 0);
  EXPECT_FALSE(r->Crashed());
  RunOutcome abrt;
  abrt.term_signal = 6;
  abrt.exit_code = 134;
  EXPECT_TRUE(abrt.Crashed());
  RunOutcome recovered;  // printed a panic but exited 0
  recovered.traceback = "panic: x\n";
  EXPECT_FALSE(recovered.Crashed());
}

TEST(RunProgram, MissingProgramIsAnError) {
  RunOptions o;
  o.argv = {"/nonexistent/program"};
  auto r = RunProgram(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/program"), std::string::npos);
  EXPECT_FALSE(RunProgram(RunOptions{}).ok());
}

}  // namespace
}  // namespace godx::live
