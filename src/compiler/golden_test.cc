// End-to-end runs of the godx binary on the Go 1.19 fixtures, compared with golden outputs under
// testdata/compiler/golden/. How each golden was checked:
//  - escape-diff.txt: the four changes made on purpose in testdata/gen/escapesnew (see its
//    header) and nothing else; positions checked against go1.19-escapesnew-m2.txt.
//  - escape-explain.txt: the flow lines at ./main.go:33:2 of go1.19-escapes-m2.txt, by hand.
//  - asm-at.json: go1.19-boundspanic-panic.txt says main.(*table).lookup main.go:14 +0x33; in
//    go1.19-boundspanic-objdump.txt the function starts at 0x480fc0, 0x480fc0+0x33 = 0x480ff3 is
//    the NOPL after `CALL runtime.panicIndex(SB)` at 0x480fee (+0x2e), line 14: an index check
//    with a signed index (panicIndex, not panicIndexU), as the crash's "index out of range [4]
//    with length 4" says; objdump names no operands (x, y null). Its go_release
//    (max 1.25) rests on that panicIndex call: Go 1.26's listings call runtime.panicBounds.
// GODX_UPDATE_GOLDEN=1 rewrites the files (then review the diff by hand before committing).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::ReadFile;
using godx::testing::RunGodx;
using godx::testing::TestData;

std::string Fixture(const std::string& name) { return TestData("compiler/" + name); }

// Output names inputs by the paths given; golden files name them relative to testdata/compiler.
std::string Relative(std::string out) {
  const std::string prefix = TestData("compiler/");
  for (size_t at; (at = out.find(prefix)) != std::string::npos;) out.erase(at, prefix.size());
  return out;
}

void ExpectGolden(const std::string& golden, const std::string& got) {
  godx::testing::ExpectGolden(TestData("compiler/golden/" + golden), got);
}

TEST(CompilerGolden, EscapeDiffText) {
  auto r = RunGodx("escape diff --no-color --fail-on warning " + Fixture("go1.19-escapes-m2.txt") +
                   " " + Fixture("go1.19-escapesnew-m2.txt"));
  EXPECT_EQ(r.exit_code, 1) << r.err;  // --fail-on warning: regressions found
  EXPECT_EQ(r.err, "");
  ExpectGolden("escape-diff.txt", Relative(r.out));
}

TEST(CompilerGolden, EscapeExplainText) {
  auto r = RunGodx("escape --no-color --explain main.go:33 " + Fixture("go1.19-escapes-m2.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("escape-explain.txt", Relative(r.out));
}

TEST(CompilerGolden, AsmAtJson) {
  auto r = RunGodx("asm --json --at 'main.(*table).lookup+0x33' " +
                   Fixture("go1.19-boundspanic-objdump.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("asm-at.json", Relative(r.out));
}

TEST(CompilerGolden, AsmTracebackText) {
  auto r = RunGodx("asm --no-color --traceback " + Fixture("go1.19-boundspanic-panic.txt") + " " +
                   Fixture("go1.19-boundspanic-objdump.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bounds check in main.(*table).lookup at main.go:14"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0x75 CALL main.(*table).lookup(SB)"), std::string::npos) << r.out;
  auto none = RunGodx("asm --traceback " + Fixture("go1.19-escapes-m1.txt") + " " +
                      Fixture("go1.19-boundspanic-objdump.txt"));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no traceback frames"), std::string::npos) << none.err;
}

TEST(CompilerGolden, EscapeJsonSummaryFromDirectory) {
  auto r = RunGodx("escape --json " + Fixture("go1.19-escapes-json"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"moved_to_heap\": 1,"), std::string::npos) << r.out.substr(0, 600);
  // The -m=2 text of the same build counts the same (EscapeCounts tests every release).
  EXPECT_NE(r.out.find("\"escapes_to_heap\": 24,"), std::string::npos);
  EXPECT_NE(r.out.find("\"kind\": \"escape\""), std::string::npos);
}

TEST(CompilerGolden, AnalyzeRoutesCompilerOutput) {
  auto m2 = RunGodx("analyze --json " + Fixture("go1.19-escapes-m2.txt"));
  EXPECT_EQ(m2.exit_code, 0) << m2.err;
  EXPECT_NE(m2.out.find("\"kind\": \"escape\""), std::string::npos);
  auto s = RunGodx("analyze --json " + Fixture("go1.19-escapes-S.txt"));
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("\"kind\": \"asm\""), std::string::npos);
}

TEST(CompilerGolden, BadInputIsOneLineAndExitTwo) {
  auto r = RunGodx("escape " + Fixture("go1.19-boundspanic-panic.txt"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("go1.19-boundspanic-panic.txt: line 1: expected compiler diagnostics"),
            std::string::npos)
      << r.err;
  auto at = RunGodx("asm --at main.nope+0x1 " + Fixture("go1.19-boundspanic-objdump.txt"));
  EXPECT_EQ(at.exit_code, 2);
  EXPECT_NE(at.err.find("no function main.nope"), std::string::npos) << at.err;
  auto help = RunGodx("escape --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Example"), std::string::npos);
  auto asm_help = RunGodx("asm --help");
  EXPECT_NE(asm_help.out.find("godx asm --at"), std::string::npos);
}

// Needs the go command (Debian's golang-go); skipped visibly without it.
TEST(CompilerGolden, EscapeRunBuildsWithAFreshJsonDir) {
  if (std::system("go version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no go command on PATH";
  auto r = RunGodx("escape run --json --dir " + TestData("gen/escapes") + " .");
  if (r.exit_code != 0 && r.err.find("GOCACHE") != std::string::npos)
    GTEST_SKIP() << "the go command has no build cache here: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"format\": \"-json\""), std::string::npos) << r.out.substr(0, 400);
  // The same program as the matrix's escapes-json fixture of the release the go command is
  // (escape analysis changes between releases: Go 1.19 moves 1 variable to the heap, 1.26 3).
  auto run = nlohmann::json::parse(r.out);
  std::string version = run["summary"]["go_version"].get<std::string>();  // "go1.26.8"
  bool compared = false;
  for (const auto& f : godx::testing::MatrixFixtures("compiler-json")) {
    if (f.path.find("-escapes-json") == std::string::npos ||
        godx::testing::MatrixGoVersion(f.release).find(version + " ") == std::string::npos)
      continue;
    auto fixture = nlohmann::json::parse(RunGodx("escape --json " + TestData(f.path)).out);
    for (const char* key : {"moved_to_heap", "escapes_to_heap", "leaking_params"}) {
      EXPECT_EQ(run["summary"][key], fixture["summary"][key]) << key << " vs " << f.path;
    }
    compared = true;
  }
  if (!compared) {
    // A go command outside the matrix: the program still moves something to the heap.
    EXPECT_GE(run["summary"]["moved_to_heap"].get<int>(), 1) << version << " has no fixture";
  }
  // The binary went to the temporary directory, not into the source tree.
  EXPECT_FALSE(std::ifstream(TestData("gen/escapes/escapes")).good());
  EXPECT_NE(r.out.find("\"source\": \"go build .\""), std::string::npos);
  // A library package: go build refuses -o DIR/ without a main package; the run still works.
  auto lib = RunGodx("escape run --json --dir " + TestData("gen/escapes") + " errors");
  EXPECT_EQ(lib.exit_code, 0) << lib.err;
  EXPECT_NE(lib.out.find("\"format\": \"-json\""), std::string::npos) << lib.out.substr(0, 300);
  auto bad = RunGodx("escape run --dir " + TestData("gen/escapes") + " ./does-not-exist");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("go build failed"), std::string::npos) << bad.err;
}

TEST(CompilerGolden, StdinWorks) {
  auto r = RunGodx("escape --json -", ReadFile(Fixture("go1.19-escapes-m1.txt")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"moved_to_heap\": 1,"), std::string::npos);
}

}  // namespace
}  // namespace godx::compiler
