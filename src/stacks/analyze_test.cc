// Findings and the JSON shape over the real fixtures (testdata/stacks/, made by
// scripts/gen-stacks-fixtures from the programs in testdata/gen/).
#include "stacks/analyze.h"

#include <gtest/gtest.h>

#include "stacks/test_fixtures.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

Report AnalyzeFixture(const std::string& name) {
  AnalyzeOptions o;
  o.json = true;
  return AnalyzeDump(ReadFixture(name), o);
}

TEST(StacksAnalyze, RuntimeLeakVerdictIsAFindingWithCountAndSite) {
  for (const char* name : {"pprof/go1.26.8-goroutineleak.debug2.txt",
                           "pprof/go1.27.3-goroutineleak.debug2.txt"}) {
    SCOPED_TRACE(name);
    Input in = godx::testing::InputFromString(
        name, godx::testing::ReadFile(godx::testing::TestData(name)));
    auto d = ReadDump(in);
    ASSERT_TRUE(d.ok()) << d.status().message();
    AnalyzeOptions o;
    o.json = true;
    Report r = AnalyzeDump(*d, o);
    const Finding* f = godx::testing::FindFinding(r, "leaked-goroutines");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, Severity::kWarning);
    EXPECT_EQ(f->title, "The Go runtime found 5 leaked goroutines at main.leak.func1 at main.go:64");
    ASSERT_FALSE(f->evidence.empty());
    EXPECT_EQ(f->evidence[0].rfind("5 × [chan receive] at main.leak.func1 at main.go:64, "
                                   "created by main.leak at main.go:64",
                                   0),
              0u)
        << f->evidence[0];
    EXPECT_EQ(godx::testing::FindFinding(r, "leak-suspect"), nullptr);
    EXPECT_EQ(r.summary["leaked"], 5);
    EXPECT_EQ(r.extra["buckets"][0]["leaked"], 5);
  }
}

TEST(StacksAnalyze, LabelSetsAreParsedInJsonAndShownInText) {
  Report r = AnalyzeFixture("go1.27-sigquit.txt");
  const Json* lockers = nullptr;
  for (const Json& b : r.extra["buckets"])
    if (b.contains("label_sets")) lockers = &b;
  ASSERT_NE(lockers, nullptr);
  EXPECT_EQ((*lockers)["labeled"], 4);
  ASSERT_EQ((*lockers)["label_sets"].size(), 4u);
  EXPECT_EQ((*lockers)["label_sets"][0]["labels"], Json({{"role", "locker"}, {"worker", "0"}}));
  EXPECT_EQ((*lockers)["label_sets"][0]["goroutines"], 1);
  EXPECT_EQ(r.summary["labeled"], 4);
  EXPECT_EQ(r.summary["go_release"]["exact"], "go1.27.3");
  EXPECT_EQ(r.extra["go_release"]["exact"], "go1.27.3");
  bool fact = false;
  for (const Fact& f : r.facts)
    if (f.label == "Go release") fact = f.value.rfind("Go 1.27.3 (named by $GOROOT", 0) == 0;
  EXPECT_TRUE(fact);
}

// Crash texts added since Go 1.19 (runtime/synctest.go, sync, range-over-func) get their ids.
TEST(StacksAnalyze, NewerCrashTextsHaveTheirOwnAdvice) {
  struct Case {
    const char* line;
    const char* id;
  } cases[] = {
      {"panic: deadlock: all goroutines in bubble are blocked", "synctest-deadlock"},
      {"panic: deadlock: main bubble goroutine has exited but blocked goroutines remain",
       "synctest-deadlock"},
      {"fatal error: receive on synctest channel from outside bubble",
       "synctest-bubble-violation"},
      {"panic: sync: WaitGroup is reused before previous Wait has returned", "waitgroup-reuse"},
      {"fatal error: sync: RUnlock of unlocked RWMutex", "unlock-unlocked"},
      {"fatal error: concurrent map clone and map write", "concurrent-map-access"},
      {"panic: runtime error: range function continued iteration after function for loop body "
       "returned false",
       "range-func-misuse"},
      {"panic: runtime error: panic called with nil argument", "panic-nil"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Input in = godx::testing::InputFromString(
        "crash", std::string(c.line) + "\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1d\n");
    auto d = ReadDump(in);
    ASSERT_TRUE(d.ok()) << d.status().message();
    Report r = AnalyzeDump(*d);
    EXPECT_NE(godx::testing::FindFinding(r, c.id), nullptr);
  }
}

TEST(StacksAnalyze, DeadlockNamesBothBlockedGoroutines) {
  Report r = AnalyzeFixture("go1.19-deadlock.txt");
  const Finding* crash = godx::testing::FindFinding(r, "deadlock");
  ASSERT_NE(crash, nullptr);
  EXPECT_EQ(crash->severity, Severity::kCritical);
  const Finding* shape = godx::testing::FindFinding(r, "deadlock-shape");
  ASSERT_NE(shape, nullptr);
  // goroutine 1 waits in WaitGroup.Wait (printed "semacquire" by Go 1.19), goroutine 6 in a send.
  EXPECT_NE(shape->title.find("1 WaitGroup"), std::string::npos) << shape->title;
  EXPECT_NE(shape->title.find("1 chan send"), std::string::npos) << shape->title;
  ASSERT_EQ(shape->evidence.size(), 2u);
}

TEST(StacksAnalyze, ConcurrentMapWritesPointsAtTheWriter) {
  Report r = AnalyzeFixture("go1.19-mapwrite.txt");
  const Finding* f = godx::testing::FindFinding(r, "concurrent-map-access");
  ASSERT_NE(f, nullptr);
  const Json& crash = r.extra["crash"];
  EXPECT_EQ(crash["kind"], "fatal");
  EXPECT_EQ(crash["message"], "concurrent map writes");
  EXPECT_EQ(crash["culprit"]["function"], "main.writeMap");
  EXPECT_EQ(crash["culprit"]["line"], 53);
}

TEST(StacksAnalyze, NilDereferenceCulpritSkipsRuntimeFrames) {
  Report r = AnalyzeFixture("go1.19-nil-system.txt");
  const Json& crash = r.extra["crash"];
  EXPECT_EQ(crash["kind"], "panic");
  EXPECT_EQ(crash["goroutine"], 1);
  EXPECT_EQ(crash["culprit"]["function"], "main.(*Server).Lookup");
  EXPECT_EQ(crash["signal"], "SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6468f2");
  EXPECT_NE(godx::testing::FindFinding(r, "nil-dereference"), nullptr);
}

TEST(StacksAnalyze, JsonCarriesTheRequiredKeys) {
  Report r = AnalyzeFixture("go1.19-leak-2.debug2.txt");
  EXPECT_EQ(r.summary["goroutines"], 136);
  EXPECT_EQ(r.summary["buckets"], 4);
  EXPECT_EQ(r.summary["truncated"], false);
  EXPECT_TRUE(r.extra["crash"].is_null());
  const Json& buckets = r.extra["buckets"];
  ASSERT_EQ(buckets.size(), 4u);
  EXPECT_EQ(buckets[0]["count"], 120);
  EXPECT_EQ(buckets[0]["state"], "chan receive");
  EXPECT_EQ(buckets[0]["frames"][0]["function"], "main.handle");
  for (size_t i = 1; i < buckets.size(); ++i)
    EXPECT_GE(buckets[i - 1]["count"].get<int>(), buckets[i]["count"].get<int>());
}

TEST(StacksAnalyze, LeakSuspectAndLockConvoy) {
  Report r = AnalyzeFixture("go1.19-leak-2.debug2.txt");
  const Finding* leak = godx::testing::FindFinding(r, "leak-suspect");
  ASSERT_NE(leak, nullptr);
  EXPECT_NE(leak->title.find("120 goroutines blocked in chan receive at main.handle"),
            std::string::npos)
      << leak->title;
  const Finding* convoy = godx::testing::FindFinding(r, "lock-convoy");
  ASSERT_NE(convoy, nullptr);
  EXPECT_NE(convoy->title.find("12 goroutines queue for one lock at main.contend.func1"),
            std::string::npos)
      << convoy->title;
  // The mutex's address, as the fixture prints it in every waiter's lockSlow frame.
  std::string text =
      godx::testing::ReadFile(godx::testing::TestData("stacks/go1.19-leak-2.debug2.txt"));
  size_t at = text.find("sync.(*Mutex).lockSlow(");
  ASSERT_NE(at, std::string::npos);
  std::string mutex = text.substr(at + 23, text.find(')', at + 23) - at - 23);
  ASSERT_EQ(convoy->evidence.size(), 2u);
  EXPECT_EQ(convoy->evidence[1], "all 12 wait for the same mutex " + mutex);
  // The first dump has 60 leaked goroutines: under the threshold of 100.
  Report early = AnalyzeFixture("go1.19-leak-1.debug2.txt");
  EXPECT_EQ(godx::testing::FindFinding(early, "leak-suspect"), nullptr);
}

TEST(StacksAnalyze, RaceReportIsCritical) {
  Report r = AnalyzeFixture("go1.19-race.txt");
  const Finding* f = godx::testing::FindFinding(r, "data-race");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_NE(f->title.find("main.race.func"), std::string::npos) << f->title;
  EXPECT_EQ(r.summary["races"], 1);
}

TEST(StacksAnalyze, RunawayCreationFromOneSite) {
  std::string text;
  for (int i = 0; i < 1500; ++i) {
    text += "goroutine " + std::to_string(i + 10) +
            " [sleep]:\ntime.Sleep(0x3b9aca00)\n\t/usr/local/go/src/runtime/time.go:195 +0x135\n"
            "main.poll()\n\t/src/app/poll.go:" +
            std::to_string(10 + i % 3) +
            " +0x1\ncreated by main.spawn\n\t/src/app/poll.go:40 +0x2\n\n";
  }
  Input in = godx::testing::InputFromString("many.txt", text);
  auto d = ReadDump(in);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->buckets.size(), 3u);
  Report r = AnalyzeDump(*d);
  const Finding* f = godx::testing::FindFinding(r, "runaway-goroutines");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("1,500 goroutines"), std::string::npos) << f->title;
}

TEST(StacksAnalyze, SigquitIsADumpOnRequestWithNoCulprit) {
  for (const char* name : {"go1.19-sigquit.txt", "go1.26-sigquit.txt", "go1.27-sigquit.txt",
                           "go1.19-sigquit-crash.txt", "go1.27-sigquit-system.txt"}) {
    SCOPED_TRACE(name);
    Report r = AnalyzeFixture(name);
    const Finding* f = godx::testing::FindFinding(r, "sigquit-dump");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, Severity::kInfo);
    EXPECT_EQ(f->title.rfind("A goroutine dump on request (SIGQUIT): ", 0), 0u) << f->title;
    for (const std::string& e : f->evidence) {
      EXPECT_EQ(e.find("user code"), std::string::npos) << e;
      EXPECT_EQ(e.find("was running"), std::string::npos) << e;
    }
    EXPECT_EQ(r.title.rfind("Goroutine dump (SIGQUIT): ", 0), 0u) << r.title;
    EXPECT_TRUE(r.extra["crash"]["requested"].get<bool>());
    EXPECT_TRUE(r.extra["crash"]["culprit"].is_null());
    EXPECT_TRUE(r.extra["crash"]["goroutine"].is_null());
    for (const Fact& fact : r.facts) {
      EXPECT_NE(fact.label, "Culprit");
      EXPECT_NE(fact.label, "Crashed goroutine");
    }
    for (const Table& t : r.tables) EXPECT_EQ(t.title.find("Crashed"), std::string::npos);
  }
  // A real crash keeps its culprit.
  Report panic = AnalyzeFixture("go1.26-panic.txt");
  EXPECT_FALSE(panic.extra["crash"]["requested"].get<bool>());
  EXPECT_FALSE(panic.extra["crash"]["culprit"].is_null());
}

TEST(StacksAnalyze, WaitClassesAgreeAcrossReleases) {
  // Go ≤1.20 printed every sync wait as "semacquire"; 1.21 names them.
  Dump old_dump, new_dump;
  for (auto [d, state] :
       {std::pair{&old_dump, "semacquire"}, std::pair{&new_dump, "sync.Mutex.Lock"}}) {
    std::string text =
        std::string("goroutine 5 [") + state +
        "]:\nsync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)\n\t/go/src/runtime/sema.go:77 +0x25\n"
        "sync.(*Mutex).lockSlow(0xc000012345)\n\t/go/src/sync/mutex.go:171 +0x165\n";
    Input in = godx::testing::InputFromString("w.txt", text);
    *d = std::move(ReadDump(in)).value();
  }
  EXPECT_EQ(BucketWaitClass(old_dump, old_dump.buckets[0]), WaitClass::kLock);
  EXPECT_EQ(BucketWaitClass(new_dump, new_dump.buckets[0]), WaitClass::kLock);
}

// A service log where net/http recovered the same handler panic six times: one cause, one
// finding, with the count and the first and last log times. The log is the real fixture's panic
// text repeated with the seconds of its timestamp stepped, as a server would print it.
TEST(StacksAnalyze, RepeatedHttpPanicsAtOneSiteAreOneFindingWithCountAndTimes) {
  for (const char* rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    const std::string name = std::string("stacks/go") + rel + "-http-panic.txt";
    const std::string text = godx::testing::ReadFile(godx::testing::TestData(name));
    const size_t start = text.find('\n') + 1;          // after "stackcrash: starting http"
    const size_t end = text.find("request finished");  // the line after the traceback
    ASSERT_NE(end, std::string::npos);
    const std::string block = text.substr(start, end - start);
    ASSERT_EQ(block.find(" http: panic serving "), 19u);  // "YYYY/MM/DD HH:MM:SS"
    std::string log = text.substr(0, start);
    for (int i = 0; i < 6; ++i) {
      std::string b = block;
      b[17] = '1';
      b[18] = static_cast<char>('0' + i);
      log += b;
    }
    const std::string day = block.substr(0, 17);
    auto d = ReadDump(godx::testing::InputFromString(name, log));
    ASSERT_TRUE(d.ok()) << d.status().message();
    EXPECT_EQ(d->crashes.size(), 6u);
    Report r = AnalyzeDump(*d);
    size_t n = 0;
    for (const Finding& f : r.findings) n += f.id == "http-handler-panic";
    EXPECT_EQ(n, 1u);
    const Finding* f = godx::testing::FindFinding(r, "http-handler-panic");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->title.find("(6 times)"), std::string::npos) << f->title;
    ASSERT_FALSE(f->evidence.empty());
    EXPECT_EQ(f->evidence[0], "6 times at this site, input lines 2 to 102; first at " + day +
                                  "10, last at " + day + "15");
  }
}

TEST(StacksAnalyze, OneHttpPanicSaysWhenFromTheLogPrefix) {
  Report r = AnalyzeFixture("go1.26-http-panic.txt");
  const Finding* f = godx::testing::FindFinding(r, "http-handler-panic");
  ASSERT_NE(f, nullptr);
  ASSERT_FALSE(f->evidence.empty());
  EXPECT_EQ(f->evidence[0], "at 2026/12/02 10:46:32");
}

TEST(StacksAnalyze, RaceReportCountsTheGoroutinesItNames) {
  for (const char* name : {"go1.19-race.txt", "go1.26-race.txt", "go1.27-race.txt"}) {
    SCOPED_TRACE(name);
    Report r = AnalyzeFixture(name);
    EXPECT_EQ(r.summary["goroutines"], 2);
    EXPECT_EQ(r.summary["race_goroutines"], 2);
    EXPECT_EQ(r.summary["races"], 1);
    EXPECT_EQ(r.title, "Race report: 1 data race between 2 goroutines (no goroutine dump)");
    ASSERT_EQ(r.extra["races"][0]["goroutines"].size(), 2u);
    EXPECT_EQ(r.extra["races"][0]["goroutines"][0]["status"], "running");
    EXPECT_EQ(r.extra["races"][0]["goroutines"][1]["status"], "finished");
    const Finding* f = godx::testing::FindFinding(r, "data-race");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->title.find(" between goroutines "), std::string::npos) << f->title;
  }
}

// goroutine 0 is an M's own stack (idle, in C code, in the runtime): not a goroutine, but said.
TEST(StacksAnalyze, GoroutineZeroIsCountedAsAThreadWithoutAGoroutine) {
  EXPECT_EQ(AnalyzeFixture("go1.26-sigquit.txt").summary["threads_without_goroutine"], 1);
  EXPECT_EQ(AnalyzeFixture("go1.26-sigquit.txt").summary["goroutines"], 16);
  EXPECT_EQ(AnalyzeFixture("go1.26-sigquit-crash.txt").summary["threads_without_goroutine"], 4);
  EXPECT_EQ(AnalyzeFixture("go1.19-sigquit-crash.txt").summary["threads_without_goroutine"], 4);
  // The real dump cut before its first goroutine: only the idle M is left.
  const std::string text =
      godx::testing::ReadFile(godx::testing::TestData("stacks/go1.26-sigquit.txt"));
  const size_t g1 = text.find("\ngoroutine 1 ");
  ASSERT_NE(g1, std::string::npos);
  auto d = ReadDump(godx::testing::InputFromString("g0", text.substr(0, g1 + 1)));
  ASSERT_TRUE(d.ok()) << d.status().message();
  Report r = AnalyzeDump(*d);
  EXPECT_EQ(r.summary["goroutines"], 0);
  EXPECT_EQ(r.summary["threads_without_goroutine"], 1);
  EXPECT_NE(r.title.find("1 thread without a goroutine"), std::string::npos) << r.title;
  const Finding* f = godx::testing::FindFinding(r, "sigquit-dump");
  ASSERT_NE(f, nullptr);
  bool said = false;
  for (const std::string& e : f->evidence) said |= e.find("goroutine 0") != std::string::npos;
  EXPECT_TRUE(said);
}

// `select {}` is its own wait, not a nil channel: every view names it the same.
TEST(StacksAnalyze, SelectWithNoCasesIsNotANilChannel) {
  const std::string text =
      "goroutine 1 [select (no cases)]:\n"
      "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
      "\t/usr/local/go/src/runtime/proc.go:462 +0xce\n"
      "runtime.block()\n"
      "\t/usr/local/go/src/runtime/select.go:104 +0x26\n"
      "main.main()\n"
      "\t/app/main.go:9 +0x45\n"
      "\n"
      "goroutine 7 [chan receive (nil chan)]:\n"
      "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
      "\t/usr/local/go/src/runtime/proc.go:462 +0xce\n"
      "runtime.chanrecv1(0x0?, 0x0?)\n"
      "\t/usr/local/go/src/runtime/chan.go:509 +0x12\n"
      "main.wait()\n"
      "\t/app/main.go:5 +0x1d\n"
      "created by main.main in goroutine 1\n"
      "\t/app/main.go:8 +0x25\n";
  auto d = ReadDump(godx::testing::InputFromString("select", text));
  ASSERT_TRUE(d.ok()) << d.status().message();
  AnalyzeOptions o;
  o.json = true;
  Report r = AnalyzeDump(*d, o);
  EXPECT_EQ(r.summary["by_wait_class"]["select {} (forever)"], 1);
  EXPECT_EQ(r.summary["by_wait_class"]["nil channel (forever)"], 1);
  bool select_bucket = false;
  for (const Json& b : r.extra["buckets"])
    if (b["state"] == "select (no cases)") {
      select_bucket = true;
      EXPECT_EQ(b["wait_class"], "select {} (forever)");
    }
  EXPECT_TRUE(select_bucket);
  bool fact = false;
  for (const Fact& f : r.facts)
    if (f.label == "By wait") {
      fact = true;
      EXPECT_NE(f.value.find("select {} (forever) 1"), std::string::npos) << f.value;
    }
  EXPECT_TRUE(fact);
}

}  // namespace
}  // namespace godx::stacks
