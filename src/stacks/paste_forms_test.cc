// Forms that only pasted text takes, read from real output: a panic value spanning blank lines,
// a Windows exception's crashing stack printed without a goroutine header, a crash in an
// indented test log, goroutines with one stack in several states. The whole corpus runs in
// pastes_test.cc; these pin the details it does not compare.
#include <gtest/gtest.h>

#include "stacks/analyze.h"
#include "stacks/reader.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

Result<Dump> ReadPaste(const std::string& relative) {
  const std::string path = godx::testing::TestData("pastes/" + relative);
  return ReadDump(godx::testing::InputFromString(path, godx::testing::ReadFile(path)));
}

Result<Dump> ReadText(const std::string& text) {
  return ReadDump(godx::testing::InputFromString("pasted.txt", text));
}

// testdata/gen/pastecrash multiline: the error's text holds a blank line; the value is all of it,
// as Go 1.26 prints it (each further line behind a tab) and as Go 1.19 does (as it is).
TEST(StacksPasteForms, PanicValueSpanningBlankLinesIsWhole) {
  for (const char* raw : {"raw/go1.26-linux-amd64-multiline.txt",
                          "raw/go1.19-windows-amd64-multiline.txt"}) {
    SCOPED_TRACE(raw);
    auto d = ReadPaste(raw);
    ASSERT_TRUE(d.ok()) << d.status().message();
    ASSERT_EQ(d->crashes.size(), 1u);
    EXPECT_EQ(d->crashes[0].message,
              "migration failed:\n\n  step 3: column \"email\" missing\n  step 4: skipped");
    EXPECT_EQ(d->crashes[0].goroutine, 1);
    EXPECT_EQ(d->other_lines, 1u);  // "pastecrash: starting multiline"
  }
}

// A panic line followed, after a blank line, by text that no goroutine follows: the text is not
// the value's (GOTRACEBACK=none prints no goroutines).
TEST(StacksPasteForms, TextAfterAPanicWithoutStacksStaysText) {
  auto d = ReadText("panic: boom\n\nexit status 2\nnext line\n");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->crashes.size(), 1u);
  EXPECT_EQ(d->crashes[0].message, "boom");
  EXPECT_EQ(d->other_lines, 2u);
}

// rafael-santiago/aegis#1 (SOURCES.md): the runtime prints the crashing goroutine's stack after
// "Exception ..." without a header; its id and state are not in the text.
TEST(StacksPasteForms, WindowsExceptionStackWithoutHeader) {
  auto d = ReadPaste("public/win-amd64-trimpath-external.txt");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->crashes.size(), 1u);
  const Crash& c = d->crashes[0];
  EXPECT_EQ(c.kind, CrashKind::kSignal);
  EXPECT_EQ(c.goroutine, -1);  // not printed
  ASSERT_EQ(c.stack.size(), 5u);
  EXPECT_EQ(d->Str(c.stack[0].function), "runtime.cgocall");
  ASSERT_EQ(c.culprit, 3);
  EXPECT_EQ(d->Str(c.stack[3].function), "main.frKGmicM");
  EXPECT_EQ(d->goroutines, 3u);
  EXPECT_TRUE(d->missing_start.empty()) << d->missing_start;
  // -trimpath: os/signal's goroutine is the standard library's, whatever its file's path.
  Report r = AnalyzeDump(*d);
  EXPECT_EQ(r.extra["crash"]["culprit"]["function"], "main.frKGmicM");
}

// golang/go#51353 (SOURCES.md): a crash inside `go test` output, the signal line behind the
// test's "file:line: " and the rest indented deeper; the traceback printer's own notes belong
// to the crash.
TEST(StacksPasteForms, SignalInsideAnIndentedTestLog) {
  auto d = ReadText(
      "        crash_cgo_test.go:609: SIGSEGV: segmentation violation\n"
      "            PC=0x13da4 m=0 sigcode=0\n"
      "            \n"
      "            goroutine 19 [running]:\n"
      "            runtime/internal/atomic.Xadd64(0x1, 0x200000000)\n"
      "            \t/workdir/go/src/runtime/internal/atomic/atomic_arm.s:262 +0x28 fp=0xc2675c "
      "sp=0xc26758 pc=0x13da4\n"
      "            runtime: unexpected return pc for runtime.casgstatus called from 0x23b138\n"
      "            stack: frame={sp:0xc2675c, fp:0xc2678c} stack=[0xc26000,0xc26800)\n"
      "            0x00c266dc:  0x00000000  0x00000000  0x00000000  0x00000000 \n");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->crashes.size(), 1u);
  EXPECT_EQ(d->crashes[0].message, "SIGSEGV: segmentation violation");
  EXPECT_EQ(d->crashes[0].goroutine, 19);
  ASSERT_EQ(d->crashes[0].stack.size(), 1u);
  EXPECT_EQ(d->goroutines, 1u);
  ASSERT_EQ(d->crashes[0].notes.size(), 1u);
  EXPECT_EQ(d->crashes[0].notes[0].substr(0, 29), "runtime: unexpected return pc");
}

// Two goroutines of one stack (testdata/pastes/raw/go1.26-linux-386-nil.txt's workers), one of
// them runnable: "By wait" counts each under its own state.
TEST(StacksPasteForms, SameFramesDifferentStatesAreCountedApart) {
  const std::string worker =
      "main.worker(...)\n"
      "\t/tmp/godx-gen/go1.26/pastecrash/main.go:25\n"
      "created by main.main in goroutine 1\n"
      "\t/tmp/godx-gen/go1.26/pastecrash/main.go:34 +0x9f\n\n";
  auto d = ReadText("goroutine 19 [chan receive]:\n" + worker + "goroutine 20 [runnable]:\n" +
                    worker + "goroutine 21 [chan receive]:\n" + worker);
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->buckets.size(), 1u);
  ASSERT_EQ(d->buckets[0].states.size(), 2u);
  Report r = AnalyzeDump(*d);
  const Json& by = r.summary["by_wait_class"];
  uint64_t total = 0;
  for (const auto& [cls, n] : by.items()) total += n.get<uint64_t>();
  EXPECT_EQ(by.size(), 2u) << by.dump();
  EXPECT_EQ(total, 3u);
}

}  // namespace
}  // namespace godx::stacks
