#include "compiler/asm_analyze.h"

#include <gtest/gtest.h>

#include "compiler/asm_reader.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

TEST(AsmAnalyze, CountsPanicSitesPerCheck) {
  Input in = InputFromString("S", ReadFile(TestData("compiler/go1.19-escapes-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  AnalyzeOptions json;
  json.json = true;
  Report r = AnalyzeListing(*l, "S", AsmOptions{}, json);
  // grep -c 'CALL.*runtime\.\(panic\|gopanic\)' go1.19-escapes-S.txt → 10:
  //   3 gopanic, 1 panicIndex, 2 panicSliceAcap, 1 panicSliceB, 1 panicdivide, 1 panicshift,
  //   1 panicwrap.
  EXPECT_EQ(r.summary["panic_sites"], 10);
  EXPECT_EQ(r.summary["by_check"]["bounds"], 4);
  EXPECT_EQ(r.summary["by_check"]["divide"], 1);
  EXPECT_EQ(r.summary["by_check"]["shift"], 1);
  EXPECT_EQ(r.summary["by_check"]["explicit panic"], 3);
  EXPECT_EQ(r.summary["by_check"]["other"], 1);
  ASSERT_EQ(r.extra["sites"].size(), 10u);
  // checks.go:22 is `panic(errEmpty)` in main.Checks.
  bool explicit_panic = false;
  for (const auto& s : r.extra["sites"])
    if (s["function"] == "main.Checks" && s["line"] == 22 && s["check"] == "explicit panic")
      explicit_panic = true;
  EXPECT_TRUE(explicit_panic);
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].id, "bounds-checks");
  EXPECT_NE(r.findings[0].evidence[0].find("main.Checks: 2 bounds checks"), std::string::npos);
}

TEST(AsmAnalyze, SiteReportCarriesTheSiteObject) {
  Input in = InputFromString("od", ReadFile(TestData("compiler/go1.19-boundspanic-objdump.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto site = ResolveReturnAddress(*l, "main.(*table).lookup+0x33");
  ASSERT_TRUE(site.ok());
  Report r = SiteReport(*site, "od", "main.(*table).lookup+0x33");
  ASSERT_TRUE(r.extra.contains("site"));
  EXPECT_EQ(r.extra["site"]["check"], "bounds");
  EXPECT_EQ(r.extra["site"]["file"], "main.go");
  EXPECT_EQ(r.extra["site"]["line"], 14);
  EXPECT_EQ(r.extra["site"]["instruction"], "CALL runtime.panicIndex(SB)");
  EXPECT_EQ(r.summary["panic_sites"], 1);
}

TEST(AsmAnalyze, LeavesRuntimeOutUnlessAsked) {
  std::string text =
      "TEXT runtime.f(SB) /go/src/runtime/x.go\n"
      "  x.go:1\t\t0x1000\t\te800000000\t\tCALL runtime.throw(SB)\t\n"
      "TEXT main.g(SB) /src/main.go\n"
      "  main.go:2\t\t0x2000\t\te800000000\t\tCALL runtime.panicshift(SB)\t\n";
  auto l = ReadListing(InputFromString("t", text));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(AnalyzeListing(*l, "t").summary["panic_sites"], 1);
  AsmOptions all;
  all.include_runtime = true;
  EXPECT_EQ(AnalyzeListing(*l, "t", all).summary["panic_sites"], 2);
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

TEST(AsmTraceback, ResolvesEveryFrameOfTheRealCrash) {
  Input in = InputFromString("od", ReadFile(TestData("compiler/go1.19-boundspanic-objdump.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto frames = ParseTracebackFrames(ReadFile(TestData("compiler/go1.19-boundspanic-panic.txt")));
  auto r = TracebackReport(*l, frames, "od", "panic.txt");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->summary["resolved_frames"], 2);
  EXPECT_EQ(r->summary["check"], "bounds");
  EXPECT_EQ(r->extra["site"]["function"], "main.(*table).lookup");
  EXPECT_EQ(r->extra["frames"][1]["site"]["callee"], "main.(*table).lookup");
  EXPECT_TRUE(r->warnings.empty());
}

TEST(AsmTraceback, WarnsWhenTheListingIsFromAnotherBuild) {
  // The crash of boundspanic against the -S listing of a different program: main.main exists
  // there, but +0x7a follows no call and touches no memory.
  Input in = InputFromString("S", ReadFile(TestData("compiler/go1.19-escapes-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto frames = ParseTracebackFrames(ReadFile(TestData("compiler/go1.19-boundspanic-panic.txt")));
  auto r = TracebackReport(*l, frames, "S", "panic.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->summary["check"].is_null());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("another build"), std::string::npos);
  // No frame at all in the listing is an error.
  std::vector<TracebackFrame> none = {TracebackFrame{"main.absent", "x.go", 1, 0x10, 1, {}}};
  EXPECT_FALSE(TracebackReport(*l, none, "S", "t").ok());
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

// The real crash of each release's boundspanic, resolved in that release's listings of the same
// binary: "panic: runtime error: index out of range [4] with length 4" at main.go:14.
TEST(AsmTraceback, NamesTheBoundsKindOnEveryRelease) {
  for (const std::string rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    std::string panic = ReadFile(TestData("compiler/go" + rel + "-boundspanic-panic.txt"));
    auto frames = ParseTracebackFrames(panic);
    ASSERT_FALSE(frames.empty());
    // Go 1.19's objdump names the entry point; Go 1.26+'s -S has the PCDATA.
    std::string listing = rel == "1.19" ? "-objdump.txt" : "-S.txt";
    Input in =
        InputFromString("l", ReadFile(TestData("compiler/go" + rel + "-boundspanic" + listing)));
    auto l = ReadListing(in);
    ASSERT_TRUE(l.ok());
    auto r = TracebackReport(*l, frames, "l", "panic.txt", panic);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->summary["check"], "bounds");
    EXPECT_EQ(r->summary["bounds_kind"], "index");
    EXPECT_EQ(r->extra["site"]["bounds"]["signed"], true);
    EXPECT_NE(r->title.find("bounds check in main.(*table).lookup at main.go:14 (index, signed)"),
              std::string::npos)
        << r->title;
    EXPECT_TRUE(r->warnings.empty()) << r->warnings[0];
    bool fits = false;
    for (const auto& f : r->facts)
      if (f.label == "Panic message")
        fits = f.value == "index out of range [4] with length 4: fits the check";
    EXPECT_TRUE(fits);
    if (rel != "1.19") {
      // x (i, an int) in BX and the length in CX: the registers CMPQ BX, CX compared.
      EXPECT_EQ(r->extra["site"]["bounds"]["message"], "index out of range [BX] with length CX");
      EXPECT_EQ(r->extra["site"]["bounds"]["pcdata"], 1431);
    }
  }
}

TEST(AsmTraceback, SaysWhatObjdumpCannotTellFromGo126On) {
  std::string panic = ReadFile(TestData("compiler/go1.26-boundspanic-panic.txt"));
  Input in = InputFromString("od", ReadFile(TestData("compiler/go1.26-boundspanic-objdump.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto site = ResolveReturnAddress(*l, "main.(*table).lookup+0x1f");
  ASSERT_TRUE(site.ok());
  Report at = SiteReport(*site, "od", "main.(*table).lookup+0x1f");
  EXPECT_NE(at.title.find("bounds check at main.go:14 (kind not in objdump listings from Go 1.26 "
                          "on; use -S)"),
            std::string::npos)
      << at.title;
  EXPECT_EQ(at.summary["bounds_kind"], "unknown");
  // With the traceback, the runtime's message still names the kind.
  auto r = TracebackReport(*l, ParseTracebackFrames(panic), "od", "panic.txt", panic);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->summary["bounds_kind"], "unknown");
  bool told = false;
  for (const auto& f : r->facts)
    if (f.label == "Panic message")
      told = f.value == "index out of range [4] with length 4: the runtime prints this for index "
                        "checks";
  EXPECT_TRUE(told);
}

TEST(AsmTraceback, WarnsWhenThePanicMessageIsAnotherKind) {
  std::string panic = ReadFile(TestData("compiler/go1.26-boundspanic-panic.txt"));
  std::string other = panic;
  other.replace(other.find("index out of range [4] with length 4"), 36,
                "slice bounds out of range [:5] with capacity 4");
  Input in = InputFromString("S", ReadFile(TestData("compiler/go1.26-boundspanic-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto r = TracebackReport(*l, ParseTracebackFrames(other), "S", "panic.txt", other);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("is not printed by index checks"), std::string::npos)
      << r->warnings[0];
}

TEST(AsmAnalyze, CountsBoundsKindsOfGo127Listings) {
  Input in = InputFromString("S", ReadFile(TestData("compiler/go1.27-escapes-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  Report r = AnalyzeListing(*l, "S", AsmOptions{}, AnalyzeOptions{.json = true});
  // Go 1.19's listing of the same source: panicIndex 1, panicSliceAcap 2, panicSliceB 1.
  const Json& k = r.summary["by_bounds_kind"];
  EXPECT_EQ(k["index"], 1);
  EXPECT_EQ(k["slice-acap"], 2);
  EXPECT_EQ(k["slice-b"], 1);
  EXPECT_EQ(k["unknown"], 0);
  bool fact = false;
  for (const auto& f : r.facts)
    if (f.label == "Bounds checks") fact = f.value == "1 index · 2 slice-acap · 1 slice-b";
  EXPECT_TRUE(fact);
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

// testdata/gen/boundsinline: the index panic happens in get, which the compiler inlined into
// handler. The traceback prints "main.get(...)" at main.go:21 without an offset, then
// "main.handler(...)" at main.go:28 with the offset; the listings put the inlined body's
// position, main.go:21, on the check. The site is get's check at line 21, and the listing fits.
TEST(AsmTraceback, ResolvesACrashInsideAnInlinedFunction) {
  for (const std::string& rel : godx::testing::MatrixReleases()) {
    std::string panic = ReadFile(TestData("compiler/go" + rel + "-boundsinline-panic.txt"));
    auto frames = ParseTracebackFrames(panic);
    ASSERT_EQ(frames.size(), 2u) << rel;  // handler and main; get is inlined into handler
    EXPECT_EQ(frames[0].function, "main.handler");
    EXPECT_EQ(frames[0].line, 28u);
    ASSERT_EQ(frames[0].inlined.size(), 1u);
    EXPECT_EQ(frames[0].inlined[0].function, "main.get");
    EXPECT_EQ(frames[0].inlined[0].line, 21u);
    EXPECT_TRUE(frames[1].inlined.empty());
    for (const char* listing : {"-S.txt", "-objdump.txt", "-objdump-S.txt"}) {
      SCOPED_TRACE("go" + rel + listing);
      Input in =
          InputFromString("l", ReadFile(TestData("compiler/go" + rel + "-boundsinline" + listing)));
      auto l = ReadListing(in);
      ASSERT_TRUE(l.ok());
      auto r = TracebackReport(*l, frames, "l", "panic.txt", panic);
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(r->summary["check"], "bounds");
      EXPECT_EQ(r->summary["inlined_frames"], 1);
      EXPECT_NE(r->title.find("bounds check in main.get (inlined into main.handler at main.go:28) "
                              "at main.go:21"),
                std::string::npos)
          << r->title;
      for (const auto& w : r->warnings)
        EXPECT_EQ(w.find("another build"), std::string::npos) << w;
      EXPECT_EQ(r->extra["site"]["function"], "main.handler");
      if (std::string(listing) != "-objdump-S.txt") {
        EXPECT_EQ(r->extra["site"]["line"], 21);
      }
      EXPECT_EQ(r->extra["frames"][0]["inlined"][0]["function"], "main.get");
    }
  }
}

// The same traceback against a listing whose line for that offset is not the inlined call's:
// the "another build" note stays for a listing that does not fit.
TEST(AsmTraceback, StillWarnsWhenAnInlinedFrameDoesNotFit) {
  std::string panic = ReadFile(TestData("compiler/go1.26-boundsinline-panic.txt"));
  std::string other = panic;
  other.replace(other.find("main.go:21"), 10, "main.go:19");
  Input in = InputFromString("od", ReadFile(TestData("compiler/go1.26-boundsinline-objdump.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto r = TracebackReport(*l, ParseTracebackFrames(other), "od", "panic.txt", other);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find("traceback line 19 but the listing says 21"), std::string::npos)
      << r->warnings[0];
}

}  // namespace
}  // namespace godx::compiler
