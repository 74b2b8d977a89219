// The reader over each dump form. The short inputs here follow the runtime's printing code for
// releases this machine cannot run (Go 1.21+ headers, 1.25 repanics); the real captures are in
// conformance_test.cc and golden_test.cc.
#include "stacks/reader.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::stacks {
namespace {

Dump Read(const std::string& text, const ReadOptions& options = {}) {
  Input in = godx::testing::InputFromString("test.txt", text);
  auto d = ReadDump(in, options);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? std::move(d).value() : Dump{};
}

std::string Fn(const Dump& d, const Frame& f) { return std::string(d.Str(f.function)); }

constexpr const char* kWorkers = R"(goroutine 1 [running]:
main.main()
	/src/app/main.go:20 +0x1d

goroutine 7 [chan receive, 3 minutes]:
main.worker(0xc000010000, 0x1)
	/src/app/main.go:42 +0x2a
created by main.start
	/src/app/main.go:30 +0x55

goroutine 8 [chan receive, 5 minutes]:
main.worker(0xc000010040, 0x2)
	/src/app/main.go:42 +0x2a
created by main.start
	/src/app/main.go:30 +0x55

goroutine 9 [chan receive]:
main.worker(0xc000010080, 0x3)
	/src/app/main.go:43 +0x2e
created by main.start
	/src/app/main.go:30 +0x55
)";

TEST(StacksReader, BucketsIgnoringArgumentValues) {
  Dump d = Read(kWorkers);
  EXPECT_EQ(d.goroutines, 4u);
  ASSERT_EQ(d.buckets.size(), 3u);
  const Bucket& b = d.buckets[0];
  EXPECT_EQ(b.count, 2u);
  EXPECT_EQ(d.Str(b.state()), "chan receive");
  EXPECT_EQ(b.min_minutes, 3u);
  EXPECT_EQ(b.max_minutes, 5u);
  ASSERT_EQ(b.frames.size(), 1u);
  EXPECT_EQ(Fn(d, b.frames[0]), "main.worker");
  EXPECT_EQ(b.frames[0].line, 42u);
  EXPECT_EQ(Fn(d, b.created_by), "main.start");
  EXPECT_EQ(b.created_by.line, 30u);
  EXPECT_EQ(b.ids, (std::vector<uint64_t>{7, 8}));
  EXPECT_FALSE(d.truncated);
}

TEST(StacksReader, SimilarityExactSplitsByArgumentsAndLinesMergesLines) {
  ReadOptions exact;
  exact.similarity = Similarity::kExact;
  EXPECT_EQ(Read(kWorkers, exact).buckets.size(), 4u);
  ReadOptions lines;
  lines.similarity = Similarity::kLines;
  Dump d = Read(kWorkers, lines);
  ASSERT_EQ(d.buckets.size(), 2u);
  EXPECT_EQ(d.buckets[0].count, 3u);
}

TEST(StacksReader, ParsesGo122SigquitDump) {
  Dump d = Read(R"(SIGQUIT: quit
PC=0x46f9a1 m=0 sigcode=0

goroutine 0 gp=0x5a1ba0 m=0 mp=0x5a2400 [idle]:
runtime.futex(0x5a2540, 0x80, 0x0, 0x0, 0x0, 0x0)
	/usr/local/go/src/runtime/sys_linux_amd64.s:557 +0x21 fp=0x7ffd6e8c6e58 sp=0x7ffd6e8c6e50 pc=0x46f9a1
runtime.mPark(...)
	/usr/local/go/src/runtime/proc.go:1761

goroutine 1 gp=0xc000006380 m=nil [chan receive, 2 minutes]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:402 +0xce fp=0xc000096e88 sp=0xc000096e68 pc=0x43e2ee
main.main()
	/src/app/main.go:12 +0x2b fp=0xc000096f50 sp=0xc000096ee8 pc=0x4919ab

goroutine 2 gp=0xc000006e00 m=nil [force gc (idle)]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:402 +0xce fp=0xc000050fa8 sp=0xc000050f88 pc=0x43e2ee
created by runtime.init.6 in goroutine 1
	/usr/local/go/src/runtime/proc.go:314 +0x1a

rax    0xca
rbx    0x0
rip    0x46f9a1
rflags 0x286
cs     0x33
exit status 2
)");
  EXPECT_EQ(d.goroutines, 2u) << "goroutine 0 is g0, not a goroutine";
  ASSERT_EQ(d.crashes.size(), 1u);
  EXPECT_EQ(d.crashes[0].kind, CrashKind::kSignal);
  EXPECT_EQ(d.crashes[0].message, "SIGQUIT: quit");
  EXPECT_EQ(d.crashes[0].goroutine, 1);
  ASSERT_GE(d.crashes[0].culprit, 0);
  EXPECT_EQ(Fn(d, d.crashes[0].stack[static_cast<size_t>(d.crashes[0].culprit)]), "main.main");
  EXPECT_EQ(d.version.min_minor, 22);
  EXPECT_EQ(d.goroot, "/usr/local/go");
  EXPECT_EQ(d.other_lines, 1u) << "only 'exit status 2' is outside the dump";
}

TEST(StacksReader, ParsesPanicChainAndSignal) {
  Dump d =
      Read(R"(panic: runtime error: invalid memory address or nil pointer dereference [recovered]
	panic: cleanup failed
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f3a6]

goroutine 6 [running]:
main.(*Store).Get(0x0, {0x4c3a1e, 0x3})
	/src/app/store.go:17 +0x26
main.handle(...)
	/src/app/main.go:9
created by main.main in goroutine 1
	/src/app/main.go:25 +0x3d
)");
  ASSERT_EQ(d.crashes.size(), 1u);
  const Crash& c = d.crashes[0];
  EXPECT_EQ(c.kind, CrashKind::kPanic);
  ASSERT_EQ(c.chain.size(), 2u);
  EXPECT_TRUE(c.chain[0].recovered);
  EXPECT_EQ(c.chain[0].value, "runtime error: invalid memory address or nil pointer dereference");
  EXPECT_EQ(c.chain[1].value, "cleanup failed");
  EXPECT_EQ(c.message, "cleanup failed");
  EXPECT_EQ(c.signal, "SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f3a6");
  EXPECT_EQ(c.goroutine, 6);
  EXPECT_EQ(c.culprit, 0);
  EXPECT_EQ(d.Str(c.stack[0].args), "(0x0, {0x4c3a1e, 0x3})");
  EXPECT_TRUE(c.stack[1].inlined);
  EXPECT_EQ(d.version.min_minor, 21);
}

TEST(StacksReader, GotracebackCrashAbortIsTheSameCrash) {
  Dump d = Read(R"(panic: boom

goroutine 1 gp=0xc000002380 m=0 mp=0x55a2a0 [running]:
panic({0x4a0f40?, 0x4e8f50?})
	/usr/local/go/src/runtime/panic.go:785 +0x132 fp=0xc00006af38 sp=0xc00006ae88 pc=0x466b12
main.main()
	/src/app/main.go:4 +0x25 fp=0xc00006af50 sp=0xc00006af38 pc=0x48f2a5

SIGABRT: abort
PC=0x46b3c1 m=0 sigcode=18446744073709551610

goroutine 0 gp=0x55a100 m=0 mp=0x55a2a0 [idle]:
runtime.raise()
	/usr/local/go/src/runtime/sys_linux_amd64.s:154 +0x21 fp=0x7ffd1a2c3a28 sp=0x7ffd1a2c3a20 pc=0x46b3c1
rax    0x0
rbx    0x6
rip    0x46b3c1

-----

SIGABRT: abort
PC=0x46ba23 m=2 sigcode=18446744073709551610

goroutine 0 gp=0xc000006c40 m=2 mp=0xc000050008 [idle]:
runtime.usleep(0x2710)
	/usr/local/go/src/runtime/sys_linux_amd64.s:135 +0x23 fp=0xc000073ef8 sp=0xc000073ed8 pc=0x46ba23
rax    0xfffffffffffffffc
rip    0x46ba23
exit status 2
)");
  ASSERT_EQ(d.crashes.size(), 1u);
  EXPECT_EQ(d.crashes[0].kind, CrashKind::kPanic);
  EXPECT_EQ(d.crashes[0].goroutine, 1);
  ASSERT_EQ(d.crashes[0].notes.size(), 1u);
  EXPECT_EQ(d.crashes[0].notes[0], "SIGABRT: abort");
  EXPECT_EQ(d.goroutines, 1u);
  EXPECT_EQ(d.sections, 1u);
  EXPECT_EQ(d.other_lines, 1u);
}

TEST(StacksReader, ParsesGo125RepanickedPanic) {
  Dump d = Read(R"(panic: boom [recovered, repanicked]

goroutine 1 [running]:
main.main.func1()
	/src/app/main.go:8 +0x3c
panic({0x4a0f40?, 0x4e8f50?})
	/usr/local/go/src/runtime/panic.go:792 +0x132
main.main()
	/src/app/main.go:11 +0x4b
)");
  ASSERT_EQ(d.crashes.size(), 1u);
  ASSERT_EQ(d.crashes[0].chain.size(), 1u);
  EXPECT_TRUE(d.crashes[0].chain[0].repanicked);
  EXPECT_EQ(d.crashes[0].message, "boom");
  EXPECT_EQ(d.version.min_minor, 25);
}

TEST(StacksReader, ParsesFatalErrorWithRuntimeNotesAndRuntimeStack) {
  Dump d = Read(R"(runtime: goroutine stack exceeds 1000000000-byte limit
runtime: sp=0xc0200e0390 stack=[0xc0200e0000, 0xc0400e0000]
fatal error: stack overflow

runtime stack:
runtime.throw({0x4b2e2f?, 0x0?})
	/usr/local/go/src/runtime/panic.go:1047 +0x5d fp=0x7ffc8f1b6a08 sp=0x7ffc8f1b69d8 pc=0x432c3d
runtime.newstack()
	/usr/local/go/src/runtime/stack.go:1103 +0x5cc fp=0x7ffc8f1b6bc0 sp=0x7ffc8f1b6a08 pc=0x44b8ac

goroutine 1 [running]:
main.f(0x0?)
	/src/app/main.go:4 +0x3c fp=0xc0200e03a0 sp=0xc0200e0398 pc=0x45a1dc
main.f(0x0?)
	/src/app/main.go:4 +0x25 fp=0xc0200e03c0 sp=0xc0200e03a0 pc=0x45a1c5
...additional frames elided...
)");
  ASSERT_EQ(d.crashes.size(), 1u);
  const Crash& c = d.crashes[0];
  EXPECT_EQ(c.kind, CrashKind::kFatal);
  EXPECT_EQ(c.message, "stack overflow");
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_EQ(c.goroutine, 1);
  EXPECT_EQ(d.goroutines, 1u) << "the runtime stack is not a goroutine";
  ASSERT_EQ(d.buckets.size(), 1u);
  EXPECT_TRUE(d.buckets[0].elided);
  EXPECT_EQ(d.buckets[0].frames.size(), 2u);
}

TEST(StacksReader, ParsesGo121FramesElidedAndAncestors) {
  Dump d = Read(R"(goroutine 24 [select]:
net/http.(*persistConn).readLoop(0xc0000be480)
	/usr/lib/go/src/net/http/transport.go:2238 +0xd25
...12 frames elided...
main.a()
	/src/app/a.go:3 +0x1
created by net/http.(*Transport).dialConn in goroutine 21
	/usr/lib/go/src/net/http/transport.go:1776 +0x169f
[originating from goroutine 21]:
net/http.(*Transport).dialConn(...)
	/usr/lib/go/src/net/http/transport.go:1777 +0x169f
created by net/http.(*Transport).queueForDial
	/usr/lib/go/src/net/http/transport.go:1436 +0x3cb
)");
  ASSERT_EQ(d.buckets.size(), 1u);
  const Bucket& b = d.buckets[0];
  EXPECT_TRUE(b.elided);
  ASSERT_EQ(b.frames.size(), 2u) << "ancestor frames are not the goroutine's own";
  EXPECT_EQ(Fn(d, b.created_by), "net/http.(*Transport).dialConn");
  EXPECT_EQ(b.created_by.line, 1776u);
  EXPECT_EQ(d.version.min_minor, 21);
}

TEST(StacksReader, KeepsHeaderLabelsAndUnknownAttributes) {
  Dump d = Read(R"(goroutine 7 [select, 4 minutes, labels:{"rpc":"Get", "tenant":"a"}, leaked]:
main.serve()
	/src/app/main.go:9 +0x1d

goroutine 8 [select, labels:{"rpc":"Get", "tenant":"a"}]:
main.serve()
	/src/app/main.go:9 +0x1d
)");
  ASSERT_EQ(d.buckets.size(), 1u);
  const Bucket& b = d.buckets[0];
  ASSERT_EQ(b.labels.size(), 1u);
  EXPECT_EQ(d.Str(b.labels[0].first), R"({"rpc":"Get", "tenant":"a"})");
  EXPECT_EQ(b.labels[0].second, 2u);
  ASSERT_EQ(b.attributes.size(), 1u);
  EXPECT_EQ(d.Str(b.attributes[0].first), "leaked");
  EXPECT_EQ(b.attributes[0].second, 1u);
  EXPECT_EQ(b.max_minutes, 4u);
}

TEST(StacksReader, ReadsGo126LabelsInsideAndGo127LabelsAfterTheBracket) {
  Dump d = Read(R"(goroutine 7 [select, 4 minutes labels:{"rpc": "Get", "tenant": "a"}]:
main.serve()
	/src/app/main.go:9 +0x1d

goroutine 8 [select labels:{"rpc": "Get", "tenant": "a"}]:
main.serve()
	/src/app/main.go:9 +0x1d
)");
  ASSERT_EQ(d.buckets.size(), 1u);
  const Bucket& b = d.buckets[0];
  ASSERT_EQ(b.labels.size(), 1u);
  EXPECT_EQ(d.Str(b.labels[0].first), R"({"rpc": "Get", "tenant": "a"})");
  EXPECT_EQ(b.labels[0].second, 2u);
  EXPECT_EQ(d.Str(b.state()), "select");
  EXPECT_EQ(d.labeled, 2u);
  EXPECT_EQ(d.version.min_minor, 26);
  EXPECT_EQ(d.version.max_minor, 26) << "1.27 prints labels after the bracket";

  Dump e = Read(R"(goroutine 21 gp=0x1196cb1a8780 m=nil [sync.Mutex.Lock] {role: locker, worker: 0}:
main.locker()
	/src/app/main.go:50 +0x2e

goroutine 22 gp=0x1196cb1a8960 m=nil [sync.Mutex.Lock] {role: locker, worker: 1}:
main.locker()
	/src/app/main.go:50 +0x2e

goroutine 23 gp=0x1196cb1a8b40 m=nil [sync.Mutex.Lock]:
main.locker()
	/src/app/main.go:50 +0x2e
)");
  ASSERT_EQ(e.buckets.size(), 1u);
  EXPECT_EQ(e.goroutines, 3u);
  EXPECT_EQ(e.sections, 1u);
  EXPECT_EQ(e.buckets[0].labels.size(), 2u);
  EXPECT_EQ(e.buckets[0].labeled, 2u);
  EXPECT_EQ(e.labeled, 2u);
  EXPECT_EQ(e.version.min_minor, 27);
}

TEST(StacksReader, CountsLeakedGoroutinesAndKeepsOneDurableSpelling) {
  Dump d = Read(R"(goroutine 31 [chan receive (leaked)]:
main.leak.func1()
	/src/app/main.go:64 +0x19

goroutine 32 [chan receive (leaked) (scan)]:
main.leak.func1()
	/src/app/main.go:64 +0x19

goroutine 33 [chan receive]:
main.leak.func1()
	/src/app/main.go:64 +0x19

goroutine 40 [sleep (scan) (durable), synctest bubble 3]:
time.Sleep(0x3b9aca00)
	/usr/local/go/src/runtime/time.go:363 +0x165

goroutine 41 [sleep (durable), synctest bubble 3]:
time.Sleep(0x3b9aca00)
	/usr/local/go/src/runtime/time.go:363 +0x165
)");
  EXPECT_EQ(d.goroutines, 5u);
  EXPECT_EQ(d.leaked, 2u);
  ASSERT_EQ(d.buckets.size(), 2u);
  EXPECT_EQ(d.buckets[0].count, 3u);
  EXPECT_EQ(d.buckets[0].leaked, 2u);
  ASSERT_EQ(d.buckets[0].states.size(), 1u) << "one state, whatever the qualifiers";
  EXPECT_EQ(d.Str(d.buckets[0].state()), "chan receive");
  ASSERT_EQ(d.buckets[1].states.size(), 1u);
  EXPECT_EQ(d.Str(d.buckets[1].state()), "sleep (durable)");
  EXPECT_EQ(d.version.min_minor, 26);
}

TEST(StacksReader, GoroutineleakDebug1ListsOnlyLeakedGoroutines) {
  auto d = ReadDebug1(R"(goroutineleak profile: total 5
5 @ 0x48178a 0x4152ee 0x414e32 0x4f44f9 0x487a61
#	0x4f44f8	main.leak.func1+0x18	godx.test/gen/pprofgen/main.go:64

)",
                      "leak.txt");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->goroutines, 5u);
  EXPECT_EQ(d->leaked, 5u);
  EXPECT_EQ(d->declared_total, 5u);
  EXPECT_EQ(d->version.min_minor, 26);
}

TEST(StacksReader, AGoVersionLineNamesTheRelease) {
  Dump d = Read(R"(go version go1.26.8 linux/amd64
panic: boom

goroutine 1 [running]:
main.main()
	/src/app/main.go:5 +0x1d
)");
  EXPECT_EQ(d.version.named_minor, 26);
  EXPECT_EQ(d.version.named_patch, 8);
}

TEST(StacksReader, ParsesRaceReport) {
  Dump d = Read(R"(==================
WARNING: DATA RACE
Write at 0x00c000014100 by goroutine 8:
  main.f()
      /src/app/main.go:137 +0x3a

Previous read at 0x00c000014100 by main goroutine:
  main.main()
      /src/app/main.go:150 +0x7f

Goroutine 8 (running) created at:
  main.main()
      /src/app/main.go:149 +0x6c8
==================
Found 1 data race(s)
exit status 66
)");
  ASSERT_EQ(d.races.size(), 1u);
  ASSERT_EQ(d.races[0].stacks.size(), 3u);
  EXPECT_EQ(d.races[0].stacks[0].what, "Write at 0x00c000014100 by goroutine 8");
  ASSERT_EQ(d.races[0].stacks[0].frames.size(), 1u);
  EXPECT_EQ(d.races[0].stacks[0].frames[0].line, 137u);
  EXPECT_EQ(d.races[0].stacks[1].what, "Previous read at 0x00c000014100 by main goroutine");
  EXPECT_EQ(d.other_lines, 1u);
}

TEST(StacksReader, ParsesDebug1WithLabels) {
  const std::string text = R"(goroutine profile: total 5
3 @ 0x43a1d6 0x406a5c 0x4a7c25 0x46b8e1
# labels: {"handler":"upload"}
#	0x4a7c24	main.worker+0x24	/src/app/main.go:42

2 @ 0x43a1d6 0x44a9e5 0x4a7d11 0x46b8e1
#	0x44a9e4	sync.runtime_SemacquireMutex+0x24	/usr/local/go/src/runtime/sema.go:77
#	0x4a7d10	main.locker+0x30			/src/app/main.go:50

)";
  auto d = ReadDebug1(text, "d1.txt");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_TRUE(d->debug1);
  EXPECT_EQ(d->declared_total, 5u);
  EXPECT_EQ(d->goroutines, 5u);
  ASSERT_EQ(d->buckets.size(), 2u);
  EXPECT_EQ(d->buckets[0].count, 3u);
  ASSERT_EQ(d->buckets[0].labels.size(), 1u);
  EXPECT_EQ(d->Str(d->buckets[0].labels[0].first), R"({"handler":"upload"})");
  EXPECT_EQ(d->Str(d->buckets[1].frames[0].function), "sync.runtime_SemacquireMutex");
  EXPECT_EQ(d->buckets[1].frames[1].line, 50u);
  EXPECT_FALSE(d->truncated);
}

TEST(StacksReader, Debug1ParserRejectsOtherForms) {
  auto d = ReadDebug1(kWorkers, "x.txt");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("x.txt: line 1: expected 'goroutine profile: total N'"),
            std::string::npos)
      << d.status().message();
}

TEST(StacksReader, FindsHttpPanicInsideServiceLog) {
  Dump d = Read(R"(2024/05/01 10:00:00 listening on :8080
2024/05/01 10:00:03 http: panic serving 10.0.0.7:51234: boom
goroutine 34 [running]:
net/http.(*conn).serve.func1()
	/usr/local/go/src/net/http/server.go:1898 +0xbe
panic({0x6b5d20?, 0x8a1f50?})
	/usr/local/go/src/runtime/panic.go:770 +0x132
main.handler({0x8b2f18?, 0xc0001c6000?}, 0x0?)
	/src/app/main.go:14 +0x1f
net/http.(*conn).serve(0xc00019a000, {0x8b3a90, 0xc0000a5e90})
	/usr/local/go/src/net/http/server.go:2039 +0x8ac
created by net/http.(*Server).Serve in goroutine 1
	/usr/local/go/src/net/http/server.go:3285 +0x4b4
2024/05/01 10:00:04 request served
)");
  ASSERT_EQ(d.crashes.size(), 1u);
  EXPECT_EQ(d.crashes[0].kind, CrashKind::kHttpPanic);
  EXPECT_EQ(d.crashes[0].message, "boom");
  EXPECT_EQ(d.crashes[0].goroutine, 34);
  ASSERT_GE(d.crashes[0].culprit, 0);
  EXPECT_EQ(Fn(d, d.crashes[0].stack[static_cast<size_t>(d.crashes[0].culprit)]), "main.handler");
  EXPECT_EQ(d.other_lines, 2u);
  EXPECT_EQ(d.sections, 1u);
}

TEST(StacksReader, PassesSurroundingTextThroughInOrder) {
  std::vector<std::string> text;
  int sections = 0;
  DumpParser p("t", {});
  p.set_text_sink([&](std::string_view l) { text.emplace_back(l); });
  p.set_section_sink([&] { ++sections; });
  for (std::string_view l :
       {"=== RUN TestA", "panic: x", "", "goroutine 1 [running]:", "main.main()", "\t/a.go:1 +0x1",
        "", "FAIL\tpkg\t0.1s", "==================", "not a race",
        "goroutine 2 [select]:", "main.f()", "\t/a.go:2"}) {
    p.Line(l);
  }
  p.Finish(true, 100);
  EXPECT_EQ(text, (std::vector<std::string>{"=== RUN TestA", "FAIL\tpkg\t0.1s",
                                            "==================", "not a race"}));
  EXPECT_EQ(sections, 2);
  Dump d = p.Take();
  EXPECT_EQ(d.goroutines, 2u);
  EXPECT_EQ(d.sections, 2u);
}

TEST(StacksReader, ApplicationFatalErrorLogLineIsText) {
  std::vector<std::string> text;
  int sections = 0;
  DumpParser p("t", {});
  p.set_text_sink([&](std::string_view l) { text.emplace_back(l); });
  p.set_section_sink([&] { ++sections; });
  for (std::string_view l : {"starting", "fatal error: config.yaml not found", "retrying",
                             "fatal error: all goroutines are asleep - deadlock!", "",
                             "goroutine 1 [chan receive]:", "main.main()", "\t/a.go:3 +0x1"}) {
    p.Line(l);
  }
  p.Finish(true, 100);
  EXPECT_EQ(text, (std::vector<std::string>{"starting", "fatal error: config.yaml not found",
                                            "retrying"}));
  EXPECT_EQ(sections, 1);
  Dump d = p.Take();
  ASSERT_EQ(d.crashes.size(), 1u);
  EXPECT_EQ(d.crashes[0].message, "all goroutines are asleep - deadlock!");
  EXPECT_EQ(d.sections, 1u);
}

TEST(StacksReader, CutLineAfterAnApplicationFatalErrorIsText) {
  std::vector<std::string> text;
  DumpParser p("t", {});
  p.set_text_sink([&](std::string_view l) { text.emplace_back(l); });
  p.Line("fatal error: disk full");
  p.CutLine("retrying in 5");
  p.Finish(false, 40);
  EXPECT_EQ(text, (std::vector<std::string>{"fatal error: disk full", "retrying in 5"}));
  Dump d = p.Take();
  EXPECT_FALSE(d.truncated);
  EXPECT_TRUE(d.crashes.empty());
}

TEST(StacksReader, SaysWhenTheDumpIsCut) {
  Dump d =
      Read("goroutine 1 [running]:\nmain.main()\n\t/a.go:3 +0x1\n\ngoroutine 2 [select]:\nmain.f(");
  EXPECT_TRUE(d.truncated);
  EXPECT_NE(d.truncated_why.find("middle of line"), std::string::npos) << d.truncated_why;
  EXPECT_EQ(d.goroutines, 2u);
  Dump e = Read(
      "goroutine 1 [running]:\nmain.main()\n\t/a.go:3 +0x1\n\ngoroutine 2 [select]:\nmain.f()\n");
  EXPECT_TRUE(e.truncated);
  EXPECT_NE(e.truncated_why.find("no file line"), std::string::npos) << e.truncated_why;
  Dump whole = Read("goroutine 1 [running]:\nmain.main()\n\t/a.go:3 +0x1\n");
  EXPECT_FALSE(whole.truncated);
}

TEST(StacksReader, SaysWhenADebug1ProfileIsShort) {
  auto d = ReadDebug1("goroutine profile: total 9\n3 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n", "p");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->truncated);
  EXPECT_NE(d->truncated_why.find("declares 9"), std::string::npos);
}

TEST(StacksReader, ReadsCrlfLineEndings) {
  Dump d = Read("goroutine 1 [running]:\r\nmain.main()\r\n\t/a.go:3 +0x1\r\n");
  ASSERT_EQ(d.buckets.size(), 1u);
  EXPECT_EQ(d.Str(d.buckets[0].frames[0].file), "/a.go");
}

TEST(StacksReader, ReadsFileLinesWhoseTabBecameSpaces) {
  Dump d = Read(
      "goroutine 1 [running]:\nmain.main()\n        /src/app/main.go:7 +0x1d\n"
      "    app_test.go:9: a test log line\n");
  ASSERT_EQ(d.buckets.size(), 1u);
  EXPECT_EQ(d.Str(d.buckets[0].frames[0].file), "/src/app/main.go");
  EXPECT_EQ(d.buckets[0].frames[0].line, 7u);
  EXPECT_EQ(d.other_lines, 1u) << "an indented test log line is not a file line";
}

TEST(StacksReader, RejectsEmptyBinaryAndDumplessInput) {
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"", "empty input"},
           {std::string("\x00\x01\x02\x03binary", 10), "byte 0: binary data"},
           {"hello\nworld\n", "line 1: expected a goroutine dump"}}) {
    Input in = godx::testing::InputFromString("bad.txt", text);
    auto d = ReadDump(in);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().message().rfind("bad.txt: ", 0), 0u) << d.status().message();
    EXPECT_NE(d.status().message().find(want), std::string::npos) << d.status().message();
  }
}

TEST(StacksReader, CapsBucketsAndFrames) {
  std::string text;
  for (int i = 0; i < 50; ++i)
    text += "goroutine " + std::to_string(i + 1) + " [select]:\nmain.f" + std::to_string(i) +
            "()\n\t/a.go:1\n\n";
  ReadOptions o;
  o.max_buckets = 10;
  Dump d = Read(text, o);
  EXPECT_EQ(d.buckets.size(), 10u);
  EXPECT_EQ(d.goroutines, 50u) << "goroutines beyond the cap are still counted";
  ASSERT_FALSE(d.warnings.empty());
  std::string deep = "goroutine 1 [running]:\n";
  for (int i = 0; i < 100; ++i) deep += "main.g()\n\t/a.go:2\n";
  ReadOptions f;
  f.max_frames = 8;
  Dump e = Read(deep, f);
  ASSERT_EQ(e.buckets.size(), 1u);
  EXPECT_EQ(e.buckets[0].frames.size(), 8u);
  EXPECT_TRUE(e.buckets[0].elided);
}

TEST(StacksReader, SniffsDumpsAndNotOtherLogs) {
  EXPECT_GE(SniffStacks("some log\ngoroutine 1 [running]:\nmain.main()\n"), 50);
  EXPECT_GE(SniffStacks("goroutine profile: total 3\n"), 50);
  EXPECT_GE(SniffStacks("==================\nWARNING: DATA RACE\n"), 50);
  EXPECT_LT(SniffStacks("gc 1 @0.01s 0%: 0.1+0.2+0.01 ms clock\n"), 50);
}

// The runtime prints "\tgoroutine running on other thread; stack unavailable" in place of the
// frames (traceback.go); the "created by" lines that follow belong to that goroutine.
TEST(StacksReader, CreatedByIsKeptAfterStackUnavailable) {
  Dump d = Read(
      "goroutine 1 [running]:\n"
      "main.main()\n"
      "\t/app/main.go:9 +0x45\n"
      "\n"
      "goroutine 5 [running]:\n"
      "\tgoroutine running on other thread; stack unavailable\n"
      "created by main.main in goroutine 1\n"
      "\t/app/main.go:20 +0x25\n");
  EXPECT_EQ(d.goroutines, 2u);
  EXPECT_EQ(d.other_lines, 0u);
  EXPECT_FALSE(d.truncated);
  bool found = false;
  for (const Bucket& b : d.buckets)
    if (b.frames.empty()) {
      found = true;
      EXPECT_EQ(Fn(d, b.created_by), "main.main");
      EXPECT_EQ(b.created_by.line, 20u);
    }
  EXPECT_TRUE(found);
}

// A complete dump whose last line lost its "\n" (an editor, a copy) is not truncated; the real
// fixtures with their final newline removed read exactly as the fixtures do.
TEST(StacksReader, CompleteDumpWithoutFinalNewlineIsNotTruncated) {
  for (const char* name : {"go1.19-panic.txt", "go1.26-panic.txt", "go1.27-nested.txt",
                           "go1.26-sigquit.txt", "go1.19-sigquit-crash.txt",
                           "go1.27-leak-1.debug2.txt", "go1.27-leak-1.debug1.txt",
                           "go1.26-leak-2.debug1.txt"}) {
    SCOPED_TRACE(name);
    std::string text =
        godx::testing::ReadFile(godx::testing::TestData(std::string("stacks/") + name));
    Dump full = Read(text);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    Dump cut = Read(text);
    EXPECT_FALSE(full.truncated) << full.truncated_why;
    EXPECT_FALSE(cut.truncated) << cut.truncated_why;
    EXPECT_EQ(cut.goroutines, full.goroutines);
    EXPECT_EQ(cut.buckets.size(), full.buckets.size());
  }
  // A file line cut inside its path is still a cut.
  Dump d = Read("goroutine 1 [running]:\nmain.main()\n\t/app/ma");
  EXPECT_TRUE(d.truncated);
}

}  // namespace
}  // namespace godx::stacks
