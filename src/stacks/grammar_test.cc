// The line grammar of tracebacks, one test per variant the runtime has printed since Go 1.5.
#include <gtest/gtest.h>

#include "stacks/reader.h"

namespace godx::stacks {
namespace {

TEST(StacksGrammar, ParsesPlainHeader) {
  GoroutineHeader h;
  ASSERT_TRUE(ParseGoroutineHeader("goroutine 1 [running]:", &h));
  EXPECT_EQ(h.id, 1u);
  EXPECT_EQ(h.state, "running");
  EXPECT_EQ(h.minutes, 0u);
  EXPECT_FALSE(h.locked);
  EXPECT_FALSE(h.gp);
}

TEST(StacksGrammar, ParsesMinutesAndLockedToThread) {
  GoroutineHeader h;
  ASSERT_TRUE(
      ParseGoroutineHeader("goroutine 35 [chan receive, 12 minutes, locked to thread]:", &h));
  EXPECT_EQ(h.id, 35u);
  EXPECT_EQ(h.state, "chan receive");
  EXPECT_EQ(h.minutes, 12u);
  EXPECT_TRUE(h.locked);
  EXPECT_TRUE(h.attributes.empty());
}

TEST(StacksGrammar, ParsesGo122GpHeader) {
  GoroutineHeader h;
  ASSERT_TRUE(ParseGoroutineHeader("goroutine 0 gp=0x4ded80 m=0 mp=0x4df340 [idle]:", &h));
  EXPECT_EQ(h.id, 0u);
  EXPECT_TRUE(h.gp);
  EXPECT_EQ(h.state, "idle");
  ASSERT_TRUE(ParseGoroutineHeader("goroutine 18 gp=0xc000102a80 m=nil [GC worker (idle)]:", &h));
  EXPECT_EQ(h.id, 18u);
  EXPECT_EQ(h.state, "GC worker (idle)");
}

TEST(StacksGrammar, ParsesScanSynctestAndUnknownAttributes) {
  GoroutineHeader h;
  ASSERT_TRUE(ParseGoroutineHeader(
      "goroutine 9 [select (durable) (scan), 3 minutes, synctest group 5, leaked]:", &h));
  EXPECT_EQ(h.state, "select");
  EXPECT_TRUE(h.durable);
  EXPECT_TRUE(h.scan);
  EXPECT_EQ(h.minutes, 3u);
  ASSERT_EQ(h.attributes.size(), 3u);
  EXPECT_EQ(h.attributes[0], "(scan)");
  EXPECT_EQ(h.attributes[1], "synctest group 5");
  EXPECT_EQ(h.attributes[2], "leaked") << "unknown attributes are kept";
}

// goroutineheader in Go 1.26/1.27 traceback.go: status, " (leaked)", " (scan)", " (durable)"
// (when not in the reason's name), ", N minutes", ", locked to thread", ", synctest bubble N".
TEST(StacksGrammar, ParsesGo126QualifiersInTheirOrder) {
  GoroutineHeader h;
  ASSERT_TRUE(ParseGoroutineHeader("goroutine 31 [chan receive (leaked)]:", &h));
  EXPECT_EQ(h.state, "chan receive");
  EXPECT_TRUE(h.leaked);
  EXPECT_FALSE(h.scan);
  ASSERT_TRUE(ParseGoroutineHeader(
      "goroutine 12 gp=0xc000 m=nil [sleep (leaked) (scan) (durable), 2 minutes, locked to "
      "thread, synctest bubble 7]:",
      &h));
  EXPECT_EQ(h.state, "sleep");
  EXPECT_TRUE(h.leaked);
  EXPECT_TRUE(h.scan);
  EXPECT_TRUE(h.durable);
  EXPECT_EQ(h.minutes, 2u);
  EXPECT_TRUE(h.locked);
  ASSERT_EQ(h.attributes.size(), 2u);
  EXPECT_EQ(h.attributes[1], "synctest bubble 7");
}

TEST(StacksGrammar, ParsesGo127LabelsAfterTheBracket) {
  GoroutineHeader h;
  ASSERT_TRUE(ParseGoroutineHeader(
      "goroutine 21 gp=0x1196cb1a8780 m=nil [sync.Mutex.Lock] {role: locker, worker: 0}:", &h));
  EXPECT_EQ(h.id, 21u);
  EXPECT_EQ(h.state, "sync.Mutex.Lock");
  EXPECT_EQ(h.labels, "{role: locker, worker: 0}");
  EXPECT_EQ(h.label_form, GoroutineHeader::LabelForm::kAfterBrackets);
  // Quoted keys and values may hold ']', '}', ", " and ':'.
  ASSERT_TRUE(ParseGoroutineHeader(
      R"(goroutine 5 [select, 3 minutes] {"a]b": "}: x", path: /v1}:)", &h));
  EXPECT_EQ(h.labels, R"({"a]b": "}: x", path: /v1})");
  EXPECT_EQ(h.minutes, 3u);
  EXPECT_FALSE(ParseGoroutineHeader("goroutine 5 [select] trailing:", &h));
  EXPECT_FALSE(ParseGoroutineHeader("goroutine 5 [select] {unclosed:", &h));
}

TEST(StacksGrammar, ParsesGo126LabelsInsideTheBracket) {
  GoroutineHeader h;
  // Go 1.26 with GODEBUG=tracebacklabels=1: no comma before "labels:", keys always quoted.
  ASSERT_TRUE(ParseGoroutineHeader(
      R"(goroutine 4 [IO wait, 5 minutes, locked to thread labels:{"a": "1]", "b": "2"}]:)", &h));
  EXPECT_EQ(h.state, "IO wait");
  EXPECT_EQ(h.minutes, 5u);
  EXPECT_TRUE(h.locked);
  EXPECT_EQ(h.labels, R"({"a": "1]", "b": "2"})");
  EXPECT_EQ(h.label_form, GoroutineHeader::LabelForm::kInBrackets);
  EXPECT_TRUE(h.attributes.empty());
  ASSERT_TRUE(ParseGoroutineHeader(R"(goroutine 4 [chan receive labels:{"k": "v"}]:)", &h));
  EXPECT_EQ(h.state, "chan receive");
  EXPECT_EQ(h.labels, R"({"k": "v"})");
}

TEST(StacksGrammar, KeepsLabelsWithCommasTogether) {
  GoroutineHeader h;
  // An earlier reading of the proposal: labels as one of the ", "-separated attributes.
  ASSERT_TRUE(ParseGoroutineHeader(
      R"(goroutine 4 [IO wait, labels:{"a":"1", "b":"2"}, locked to thread]:)", &h));
  EXPECT_TRUE(h.attributes.empty());
  EXPECT_EQ(h.labels, R"({"a":"1", "b":"2"})");
  EXPECT_TRUE(h.locked);
}

TEST(StacksGrammar, RejectsNonHeaders) {
  GoroutineHeader h;
  EXPECT_FALSE(ParseGoroutineHeader("goroutine profile: total 4", &h));
  EXPECT_FALSE(ParseGoroutineHeader("goroutine 1 [running]", &h));
  EXPECT_FALSE(ParseGoroutineHeader("goroutine x [running]:", &h));
  EXPECT_FALSE(ParseGoroutineHeader("goroutine 7 is here [running]:", &h));
}

TEST(StacksGrammar, ParsesCallLinesOfEveryArgumentForm) {
  CallLine c;
  // ≤1.16: hex words.
  ASSERT_TRUE(ParseCallLine("net/http.(*conn).serve(0xc0001a63c0, 0x924de0, 0xc000190780)", &c));
  EXPECT_EQ(c.function, "net/http.(*conn).serve");
  EXPECT_EQ(c.args, "(0xc0001a63c0, 0x924de0, 0xc000190780)");
  EXPECT_FALSE(c.inlined);
  // 1.17: aggregates in braces; 1.18: '?'.
  ASSERT_TRUE(
      ParseCallLine("net.(*conn).Read(0xc000044070, {0xc000142000?, 0x0?, 0xc00007ad28?})", &c));
  EXPECT_EQ(c.function, "net.(*conn).Read");
  // Too many arguments, offsets too large.
  ASSERT_TRUE(ParseCallLine("main.f(0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, ...)", &c));
  EXPECT_EQ(c.function, "main.f");
  ASSERT_TRUE(ParseCallLine("main.g({_, _}, 0x1)", &c));
  EXPECT_EQ(c.function, "main.g");
  // Inlined and empty.
  ASSERT_TRUE(ParseCallLine("internal/poll.(*pollDesc).waitRead(...)", &c));
  EXPECT_TRUE(c.inlined);
  ASSERT_TRUE(ParseCallLine("main.main()", &c));
  EXPECT_EQ(c.function, "main.main");
  EXPECT_EQ(c.args, "()");
  // Generics and the runtime's panic frame.
  ASSERT_TRUE(ParseCallLine("main.Map[...]({0xc000010018, 0x3, 0x3}, 0x4b8f40)", &c));
  EXPECT_EQ(c.function, "main.Map[...]");
  ASSERT_TRUE(ParseCallLine("panic({0x4a0f40, 0x4e8f50})", &c));
  EXPECT_EQ(c.function, "panic");
}

TEST(StacksGrammar, RejectsTextThatIsNotACall) {
  CallLine c;
  EXPECT_FALSE(ParseCallLine("exit status 2", &c));
  EXPECT_FALSE(ParseCallLine("--- FAIL: TestX (0.00s)", &c));
  EXPECT_FALSE(ParseCallLine("\tmain.f()", &c));
  EXPECT_FALSE(ParseCallLine("()", &c));
}

TEST(StacksGrammar, ParsesFileLines) {
  FileLine f;
  ASSERT_TRUE(ParseFileLine("\t/usr/lib/go/src/net/net.go:179 +0x45", &f));
  EXPECT_EQ(f.file, "/usr/lib/go/src/net/net.go");
  EXPECT_EQ(f.line, 179u);
  ASSERT_TRUE(ParseFileLine("\t/goroot/src/internal/poll/fd_poll_runtime.go:92", &f));
  EXPECT_EQ(f.line, 92u);
  ASSERT_TRUE(
      ParseFileLine("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 fp=0xc00003cfb0 "
                    "sp=0xc00003cf90 pc=0x437b56",
                    &f));
  EXPECT_EQ(f.file, "/usr/lib/go-1.19/src/runtime/proc.go");
  EXPECT_EQ(f.line, 363u);
  ASSERT_TRUE(ParseFileLine("\tC:/Program Files/Go/src/runtime/proc.go:250 +0x1d", &f));
  EXPECT_EQ(f.file, "C:/Program Files/Go/src/runtime/proc.go");
  EXPECT_FALSE(ParseFileLine("/no/tab.go:1", &f));
  EXPECT_FALSE(ParseFileLine("\tpanic: boom", &f));
  EXPECT_FALSE(ParseFileLine("\t/x.go:99999999999", &f));
}

TEST(StacksGrammar, TellsStandardLibraryFromUserCode) {
  EXPECT_TRUE(IsStdlibFunction("runtime.gopark", "/usr/lib/go/src/runtime/proc.go"));
  EXPECT_TRUE(IsStdlibFunction("panic", ""));
  EXPECT_TRUE(IsStdlibFunction("net/http.(*conn).serve", "/usr/lib/go/src/net/http/server.go"));
  EXPECT_FALSE(IsStdlibFunction("main.main", "/src/app/main.go"));
  EXPECT_FALSE(IsStdlibFunction("github.com/a/b.(*T).M", "/go/pkg/mod/github.com/a/b/t.go"));
  // A module without a dot in its path is still the user's when its file is not under GOROOT.
  EXPECT_FALSE(IsStdlibFunction("myapp/internal/store.Get", "/home/u/myapp/internal/store/get.go"));
  // With GOROOT known, a linknamed function in another std directory is still std.
  EXPECT_TRUE(IsStdlibFunction("syscall.RawSyscall6",
                               "/usr/lib/go-1.19/src/runtime/internal/syscall/syscall_linux.go",
                               "/usr/lib/go-1.19"));
  EXPECT_FALSE(IsStdlibFunction("myapp/x.F", "/home/u/src/myapp/x/f.go", "/usr/lib/go-1.19"));
  // -trimpath: the standard library's files relative to GOROOT/src, the program's under its
  // module path (frames cut from the scenario battery's syscallstuck dump).
  EXPECT_TRUE(IsStdlibFunction("syscall.Syscall", "syscall/syscall_linux.go"));
  EXPECT_TRUE(IsStdlibFunction("net/http.(*conn).serve", "net/http/server.go"));
  EXPECT_FALSE(IsStdlibFunction("main.tail", "godx.test/gen/scenario/syscallstuck/main.go"));
  // -trimpath with a dotless module path: the program's files look exactly like the standard
  // library's ("app/store/store.go" beside "strings/strings.go", testdata/pastes/raw/
  // go1.26-linux-amd64-trimpath-repeat.txt); only the package tells them apart.
  EXPECT_FALSE(IsStdlibFunction("app/store.Pad", "app/store/store.go"));
  EXPECT_TRUE(IsStdlibFunction("strings.Repeat", "strings/strings.go"));
  EXPECT_TRUE(IsStdlibFunction("os/signal.signal_recv", "runtime/sigqueue.go"));
  EXPECT_TRUE(IsStdlibFunction("encoding/json.(*decodeState).object", "encoding/json/decode.go"));
  // A GOPATH program sits under .../src/ as GOROOT's packages do.
  EXPECT_FALSE(IsStdlibFunction("myapp/x.F", "/home/u/go/src/myapp/x/f.go"));
}

// Wait reasons that end in a parenthesis ("force gc (idle)", "GOMAXPROCS updater (idle)", as the
// fixtures' SIGQUIT dumps print them) keep it, alone and before the ", N minutes" and
// ", locked to thread" attributes (the corpus' "[chan receive, 2 minutes, locked to thread]").
TEST(StacksGrammar, ReasonsWithParenthesesStayWhole) {
  struct Case {
    const char* line;
    const char* state;
    uint32_t minutes;
    bool locked;
  } cases[] = {
      {"goroutine 2 [force gc (idle)]:", "force gc (idle)", 0, false},
      {"goroutine 2 gp=0xc000002e00 m=nil [force gc (idle)]:", "force gc (idle)", 0, false},
      {"goroutine 2 [force gc (idle), 2 minutes]:", "force gc (idle)", 2, false},
      {"goroutine 2 [force gc (idle), 2 minutes, locked to thread]:", "force gc (idle)", 2, true},
      {"goroutine 2 [force gc (idle), locked to thread]:", "force gc (idle)", 0, true},
      {"goroutine 17 gp=0x1196cb1a8000 m=nil [GOMAXPROCS updater (idle)]:",
       "GOMAXPROCS updater (idle)", 0, false},
      {"goroutine 2 [force gc (idle) (scan), 2 minutes]:", "force gc (idle)", 2, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    GoroutineHeader h;
    ASSERT_TRUE(ParseGoroutineHeader(c.line, &h));
    EXPECT_EQ(h.state, c.state);
    EXPECT_EQ(h.minutes, c.minutes);
    EXPECT_EQ(h.locked, c.locked);
  }
}

}  // namespace
}  // namespace godx::stacks
