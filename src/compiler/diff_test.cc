// testdata/gen/escapesnew is testdata/gen/escapes with four deliberate changes (see its header):
// every line moved, Identity now stores its argument, Small grew past the budget and Polynomial
// shrank under it. The diff must find exactly those, from text and from -json alike.
#include <gtest/gtest.h>

#include "compiler/analyze.h"
#include "compiler/reader.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

void ExpectTheFourChanges(const Report& r) {
  EXPECT_EQ(r.summary["new_heap_escapes"], 1);  // &Point{3, 4} passed to Identity in main
  EXPECT_EQ(r.summary["new_param_leaks"], 1);   // Identity's p
  EXPECT_EQ(r.summary["removed_heap_escapes"], 0);
  EXPECT_EQ(r.summary["lost_inlining"], 1);    // Small
  EXPECT_EQ(r.summary["gained_inlining"], 1);  // Polynomial
  EXPECT_EQ(r.summary["cost_growth"], 1);      // Identity 2 → 5
  const Finding* lost = godx::testing::FindFinding(r, "lost-inlining");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->severity, Severity::kWarning);
  EXPECT_NE(lost->evidence[0].find("Small: was cost 6"), std::string::npos);
  const Finding* leak = godx::testing::FindFinding(r, "new-param-leak");
  ASSERT_NE(leak, nullptr);
  EXPECT_NE(leak->evidence[0].find("in Identity: leaking param: p"), std::string::npos);
  const Finding* heap = godx::testing::FindFinding(r, "new-heap-escape");
  ASSERT_NE(heap, nullptr);
  EXPECT_NE(heap->evidence[0].find("in main: &Point{...} escapes to heap"), std::string::npos);
}

TEST(EscapeDiff, FindsTheDeliberateChangesInM2Text) {
  Input a = InputFromString("base", ReadFile(TestData("compiler/go1.19-escapes-m2.txt")));
  Input b = InputFromString("new", ReadFile(TestData("compiler/go1.19-escapesnew-m2.txt")));
  auto ba = ReadEscapeText(a);
  auto bb = ReadEscapeText(b);
  ASSERT_TRUE(ba.ok() && bb.ok());
  ExpectTheFourChanges(DiffBuilds(*ba, *bb, "base", "new"));
}

// -json names no function: godx reads the names from the sources, which the fixtures name under
// /tmp/godx-gen (where scripts/gen-compiler-fixtures built them). Point that at testdata/gen.
// (Go 1.19's fixtures were made before the directory carried the release.)
SourceMap Sources(const std::string& new_sources = TestData("gen/escapesnew"),
                  const std::string& sources = TestData("gen/escapes")) {
  SourceMap m;
  for (const std::string root : {"/tmp/godx-gen/go1.19", "/tmp/godx-gen/go1.26",
                                 "/tmp/godx-gen/go1.27", "/tmp/godx-gen"}) {
    m.push_back({root + "/new/escapes", new_sources});
    m.push_back({root + "/escapes", sources});
  }
  return m;
}

TEST(EscapeDiff, FindsTheDeliberateChangesInJsonDirs) {
  auto ba = ReadEscapeJsonDir(TestData("compiler/go1.19-escapes-json"), {}, Sources());
  auto bb = ReadEscapeJsonDir(TestData("compiler/go1.19-escapesnew-json"), {}, Sources());
  ASSERT_TRUE(ba.ok() && bb.ok());
  ExpectTheFourChanges(DiffBuilds(*ba, *bb, "base", "new"));
}

TEST(EscapeDiff, ComparesTextWithJsonOfTheNextBuild) {
  // A stored -m=2 log against the -json=0 output of the next build (what `godx escape run`
  // produces): -json calls the package "main", the text its import path.
  Input a = InputFromString("base", ReadFile(TestData("compiler/go1.19-escapes-m2.txt")));
  auto ba = ReadEscapeText(a);
  auto bb = ReadEscapeJsonDir(TestData("compiler/go1.19-escapesnew-json"), {}, Sources());
  ASSERT_TRUE(ba.ok() && bb.ok());
  Report r = DiffBuilds(*ba, *bb, "base", "new");
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("package main of new is taken to be godx.test/gen/escapes"),
            std::string::npos);
  EXPECT_EQ(r.summary["new_heap_escapes"], 1);
  EXPECT_EQ(r.summary["new_param_leaks"], 1);
  EXPECT_EQ(r.summary["lost_inlining"], 1);
}

// Without the sources a -json directory names its functions by position, and every line of
// escapesnew moved: the diff must still find the same heap changes as the -m=2 text of the same
// builds, whether one side has its sources, or neither.
TEST(EscapeDiff, JsonDirsWithoutSourcesMatchTheTextDiff) {
  for (const std::string& rel : godx::testing::MatrixReleases()) {
    SCOPED_TRACE(rel);
    Input ta = InputFromString("base", ReadFile(TestData("compiler/go" + rel + "-escapes-m2.txt")));
    Input tb =
        InputFromString("new", ReadFile(TestData("compiler/go" + rel + "-escapesnew-m2.txt")));
    auto xa = ReadEscapeText(ta);
    auto xb = ReadEscapeText(tb);
    ASSERT_TRUE(xa.ok() && xb.ok());
    Report text = DiffBuilds(*xa, *xb, "base", "new");
    const std::string base = TestData("compiler/go" + rel + "-escapes-json");
    const std::string next = TestData("compiler/go" + rel + "-escapesnew-json");
    // Sources that are on no machine: functions are named by their position.
    const SourceMap only_base = Sources("/nonexistent/godx-sources");
    const SourceMap none = Sources("/nonexistent/godx-sources", "/nonexistent/godx-sources");
    for (const SourceMap* sources : {&only_base, &none}) {
      const SourceMap& m = *sources;
      auto ja = ReadEscapeJsonDir(base, {}, m);
      auto jb = ReadEscapeJsonDir(next, {}, m);
      ASSERT_TRUE(ja.ok() && jb.ok());
      Report json = DiffBuilds(*ja, *jb, "base", "new");
      for (const char* key : {"new_heap_escapes", "new_param_leaks", "removed_heap_escapes",
                              "removed_param_leaks"})
        EXPECT_EQ(json.summary[key], text.summary[key])
            << key << (sources == &none ? "" : " base named");
      // And it is the same value: &Point{3, 4} passed to Identity in main.
      const Finding* heap = godx::testing::FindFinding(json, "new-heap-escape");
      ASSERT_NE(heap, nullptr);
      EXPECT_NE(heap->evidence[0].find("main.go:112:16"), std::string::npos) << heap->evidence[0];
      // Functions named by position are not compared for inlining (they would pair wrongly).
      EXPECT_EQ(json.summary["cost_growth"], 0);
      bool said = false;
      for (const auto& w : json.warnings) said |= w.find("named by position") != std::string::npos;
      EXPECT_TRUE(said);
      // An unchanged package diffs to nothing.
      Report same = DiffBuilds(*ja, *ja, "base", "base");
      EXPECT_EQ(same.summary["new_heap_escapes"], 0);
      EXPECT_EQ(same.summary["removed_heap_escapes"], 0);
    }
    EXPECT_NE(text.title.find(": 1 new heap escape, 0 removed"), std::string::npos) << text.title;
  }
}

TEST(EscapeDiff, SameBuildHasNoChangesEvenWhenLinesMove) {
  Input a = InputFromString("base", ReadFile(TestData("compiler/go1.19-escapes-m2.txt")));
  auto ba = ReadEscapeText(a);
  ASSERT_TRUE(ba.ok());
  Report same = DiffBuilds(*ba, *ba, "a", "a");
  EXPECT_TRUE(same.findings.empty());
  // Shift every line by 10: matching is by function and expression, so nothing changes.
  std::string moved =
      "# m\n./a.go:13:6: can inline f with cost 10 as: func() {}\n./a.go:14:2: moved to heap: x\n";
  std::string base =
      "# m\n./a.go:3:6: can inline f with cost 10 as: func() {}\n./a.go:4:2: moved to heap: x\n";
  auto x = ReadEscapeText(InputFromString("x", base));
  auto y = ReadEscapeText(InputFromString("y", moved));
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_TRUE(DiffBuilds(*x, *y, "x", "y").findings.empty());
  // A second x in the same function is new even though the first one matched.
  auto z = ReadEscapeText(InputFromString("z", moved + "./a.go:20:2: moved to heap: x\n"));
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(DiffBuilds(*x, *z, "x", "z").summary["new_heap_escapes"], 1);
}

}  // namespace
}  // namespace godx::compiler
