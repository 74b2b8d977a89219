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
  std::vector<TracebackFrame> none = {TracebackFrame{"main.absent", "x.go", 1, 0x10, 1}};
  EXPECT_FALSE(TracebackReport(*l, none, "S", "t").ok());
}

}  // namespace
}  // namespace godx::compiler
