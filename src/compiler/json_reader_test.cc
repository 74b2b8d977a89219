#include <gtest/gtest.h>

#include <set>
#include <string>

#include "compiler/analyze.h"
#include "compiler/lsp_line.h"
#include "compiler/messages.h"
#include "compiler/reader.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

// Lines quoted from the Go 1.19 -json=0 output of a small program (logopt's format).
constexpr const char* kHeader =
    R"j({"version":0,"package":"main","goos":"linux","goarch":"amd64","gc_version":"go1.19.8","file":"/nonexistent/main.go"})j"
    "\n";

TEST(EscapeJsonReader, ReadsHeaderInliningAndChecks) {
  std::string text =
      std::string(kHeader) +
      R"j({"range":{"start":{"line":7,"character":6},"end":{"line":7,"character":6}},"severity":3,"code":"canInlineFunction","source":"go compiler","message":"cost: 7"})j"
      "\n"
      R"j({"range":{"start":{"line":11,"character":6},"end":{"line":11,"character":6}},"severity":3,"code":"cannotInlineFunction","source":"go compiler","message":"function too complex: cost 191 exceeds budget 80"})j"
      "\n"
      R"j({"range":{"start":{"line":9,"character":42},"end":{"line":9,"character":42}},"severity":3,"code":"isInBounds","source":"go compiler","message":""})j"
      "\n";
  EscapeBuild b;
  ASSERT_TRUE(ReadEscapeJsonFile(InputFromString("main.json", text), "example.com/m", &b).ok());
  FinishBuild(&b);
  EXPECT_EQ(b.go_version, "go1.19.8");
  ASSERT_EQ(b.diagnostics.size(), 3u);
  int can = 0, cannot = 0, bounds = 0;
  for (const auto& d : b.diagnostics) {
    EXPECT_EQ(b.pool.Get(d.package), "example.com/m");
    if (d.kind == DiagKind::kCanInline) {
      ++can;
      EXPECT_EQ(d.cost, 7);
      // The source is not on this machine: the function is named by its position.
      EXPECT_EQ(b.pool.Get(d.subject), "func@main.go:7");
    }
    if (d.kind == DiagKind::kCannotInline) {
      ++cannot;
      EXPECT_EQ(d.cost, 191);
      EXPECT_EQ(d.budget, 80);
    }
    if (d.kind == DiagKind::kBoundsCheck) ++bounds;
  }
  EXPECT_EQ(can, 1);
  EXPECT_EQ(cannot, 1);
  EXPECT_EQ(bounds, 1);
}

TEST(EscapeJsonReader, TellsMovedFromEscapingByTheBareEntry) {
  std::string text =
      std::string(kHeader) +
      // A variable: only the explained entry.
      R"j({"range":{"start":{"line":33,"character":2},"end":{"line":33,"character":2}},"severity":3,"code":"escape","source":"go compiler","message":"n escapes to heap","relatedInformation":[{"location":{"uri":"file:///x/main.go","range":{"start":{"line":33,"character":2},"end":{"line":33,"character":2}}},"message":"escflow:    flow: {storage for func literal} = \u0026n:"},{"location":{"uri":"file:///x/main.go","range":{"start":{"line":35,"character":3},"end":{"line":35,"character":3}}},"message":"escflow:      from n (captured by a closure)"}]})j"
      "\n"
      // An expression: explained entry plus the bare result at the same position.
      R"j({"range":{"start":{"line":7,"character":25},"end":{"line":7,"character":25}},"severity":3,"code":"escape","source":"go compiler","message":"\u0026T{...} escapes to heap","relatedInformation":[{"location":{"uri":"file:///x/main.go","range":{"start":{"line":7,"character":18},"end":{"line":7,"character":18}}},"message":"escflow:      from return \u0026T{...} (return)"}]})j"
      "\n"
      R"j({"range":{"start":{"line":7,"character":25},"end":{"line":7,"character":25}},"severity":3,"code":"escape","source":"go compiler","message":""})j"
      "\n";
  EscapeBuild b;
  ASSERT_TRUE(ReadEscapeJsonFile(InputFromString("main.json", text), "m", &b).ok());
  FinishBuild(&b);
  ASSERT_EQ(b.diagnostics.size(), 2u);
  const Diagnostic *moved = nullptr, *esc = nullptr;
  for (const auto& d : b.diagnostics) {
    if (d.kind == DiagKind::kMovedToHeap) moved = &d;
    if (d.kind == DiagKind::kEscapesToHeap) esc = &d;
  }
  ASSERT_NE(moved, nullptr);
  ASSERT_NE(esc, nullptr);
  EXPECT_EQ(b.pool.Get(moved->subject), "n");
  EXPECT_EQ(b.pool.Get(esc->subject), "&T{...}");
  auto steps = ParseExplanation(b, b.explanations[moved->explanation]);
  ASSERT_EQ(steps.size(), 1u);
  ASSERT_EQ(steps[0].hops.size(), 1u);
  EXPECT_EQ(steps[0].hops[0].why, "captured by a closure");
  EXPECT_EQ(steps[0].hops[0].at, "/x/main.go:35:3");
}

TEST(EscapeJsonReader, CountsBadLinesAndRejectsBadHeaders) {
  EscapeBuild b;
  std::string text = std::string(kHeader) + "{not json\n" + R"j({"range":{}})j" + "\n";
  ASSERT_TRUE(ReadEscapeJsonFile(InputFromString("x.json", text), "m", &b).ok());
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("2 lines skipped, first at line 2"), std::string::npos);
  EscapeBuild c;
  Status s = ReadEscapeJsonFile(InputFromString("y.json", "[1,2]\n"), "m", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("y.json: line 1"), std::string::npos);
}

TEST(EscapeJsonReader, ReadsTheGo119DirectoryLikeTheM2Text) {
  auto dir = ReadEscapeJsonDir(TestData("compiler/go1.19-escapes-json"));
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  Input in = InputFromString("m2", ReadFile(TestData("compiler/go1.19-escapes-m2.txt")));
  auto text = ReadEscapeText(in);
  ASSERT_TRUE(text.ok());
  // The same build seen through both outputs: the same values escape at the same positions.
  auto positions = [](const EscapeBuild& b, DiagKind k) {
    std::set<std::string> out;
    for (const auto& d : b.diagnostics) {
      if (d.kind != k) continue;
      std::string_view f = b.pool.Get(d.file);
      f = f.substr(f.find_last_of('/') + 1);
      out.insert(std::string(f) + ":" + std::to_string(d.line) + ":" + std::to_string(d.col));
    }
    return out;
  };
  EXPECT_EQ(positions(*dir, DiagKind::kMovedToHeap), positions(*text, DiagKind::kMovedToHeap));
  EXPECT_EQ(positions(*dir, DiagKind::kEscapesToHeap), positions(*text, DiagKind::kEscapesToHeap));
  // Go 1.19's -json log has no entry for "cannot inline Recurse: recursive" (main.go:83:6): the
  // inliner reports that reason only as text.
  auto json_cannot = positions(*dir, DiagKind::kCannotInline);
  auto text_cannot = positions(*text, DiagKind::kCannotInline);
  EXPECT_EQ(text_cannot.erase("main.go:83:6"), 1u);
  EXPECT_EQ(json_cannot, text_cannot);
  EXPECT_EQ(dir->format, "-json");
  EXPECT_EQ(dir->pool.Get(dir->diagnostics.front().package), "main");
}

TEST(EscapeJsonReader, RejectsDirectoriesWithoutJson) {
  auto r = ReadEscapeJsonDir(TestData("gen/escapes"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no .json files"), std::string::npos);
  auto missing = ReadEscapeJsonDir(TestData("compiler/does-not-exist"));
  ASSERT_FALSE(missing.ok());
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

TEST(LspScanner, ExtractsTheFieldsGodxUses) {
  LspDiagnostic d;
  ASSERT_TRUE(ScanLspDiagnostic(
      R"j({"range":{"start":{"line":12,"character":11},"end":{"line":12,"character":11}},"severity":3,"code":"escape","source":"go compiler","message":"\u0026T{...} escapes to heap","relatedInformation":[{"location":{"uri":"file:///tmp/cx/main.go","range":{"start":{"line":7,"character":25},"end":{"line":7,"character":25}}},"message":"inlineLoc"},{"location":{"uri":"file:///tmp/cx/main.go","range":{"start":{"line":12,"character":11},"end":{"line":12,"character":11}}},"message":"escflow:    flow: ~R0 = \u0026{storage for \u0026T{...}}:"}]})j",
      &d));
  EXPECT_TRUE(d.has_start);
  EXPECT_EQ(d.line, 12u);
  EXPECT_EQ(d.col, 11u);
  EXPECT_EQ(d.code, "escape");
  EXPECT_EQ(d.message, "&T{...} escapes to heap");
  ASSERT_EQ(d.related.size(), 2u);
  EXPECT_EQ(d.related[0].message, "inlineLoc");
  EXPECT_EQ(d.related[0].line, 7u);
  EXPECT_EQ(d.related[0].col, 25u);
  EXPECT_EQ(d.related[1].uri, "file:///tmp/cx/main.go");
  EXPECT_EQ(d.related[1].message, "escflow:    flow: ~R0 = &{storage for &T{...}}:");
}

TEST(LspScanner, DecodesEscapesAndRejectsBrokenJson) {
  LspDiagnostic d;
  ASSERT_TRUE(ScanLspDiagnostic(
      R"j({"code":"x","message":"a\"b\\c\u00e9\ud83d\ude00","extra":[1,2.5e3,true,null,{"k":[]}]})j",
      &d));
  EXPECT_EQ(d.message, "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_FALSE(d.has_start);
  EXPECT_FALSE(ScanLspDiagnostic(R"j({"code":"x")j", &d));
  EXPECT_FALSE(ScanLspDiagnostic(R"j({"code":"x"} trailing)j", &d));
  EXPECT_FALSE(ScanLspDiagnostic("[1,2]", &d));
  EXPECT_FALSE(ScanLspDiagnostic(std::string(100, '[') + std::string(100, ']'), &d));
  std::string deep = R"j({"a":)j" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_FALSE(ScanLspDiagnostic(deep, &d));  // deeper than the nesting limit
}

TEST(EscapeJsonReader, HeaderFieldsOfTheWrongTypeAreIgnored) {
  EscapeBuild b;
  std::string text = R"j({"version":0,"file":7,"gc_version":[1]})j"
                     "\n";
  EXPECT_TRUE(ReadEscapeJsonFile(InputFromString("h.json", text), "m", &b).ok());
  EXPECT_EQ(b.go_version, "");
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

TEST(EscapeJsonReader, NamesFunctionsFromMappedSources) {
  // The build ran in /elsewhere; its sources are testdata/gen/escapes here. main.go:16:6 is
  // "func NewPoint", 21:6 "func (s *Store) Add".
  std::string text =
      R"j({"version":0,"package":"main","goos":"linux","goarch":"amd64","gc_version":"go1.19.8","file":"/elsewhere/escapes/main.go"})j"
      "\n"
      R"j({"range":{"start":{"line":16,"character":6},"end":{"line":16,"character":6}},"severity":3,"code":"canInlineFunction","source":"go compiler","message":"cost: 7"})j"
      "\n"
      R"j({"range":{"start":{"line":21,"character":6},"end":{"line":21,"character":6}},"severity":3,"code":"canInlineFunction","source":"go compiler","message":"cost: 7"})j"
      "\n";
  EscapeBuild b;
  SourceMap map = {{"/elsewhere/escapes", godx::testing::TestData("gen/escapes")}};
  ASSERT_TRUE(ReadEscapeJsonFile(InputFromString("main.json", text), "m", &b, map).ok());
  FinishBuild(&b);
  ASSERT_EQ(b.diagnostics.size(), 2u);
  EXPECT_EQ(b.pool.Get(b.diagnostics[0].subject), "NewPoint");
  EXPECT_EQ(b.pool.Get(b.diagnostics[1].subject), "(*Store).Add");
  EscapeBuild unmapped;
  ASSERT_TRUE(ReadEscapeJsonFile(InputFromString("main.json", text), "m", &unmapped).ok());
  EXPECT_EQ(unmapped.pool.Get(unmapped.diagnostics[0].subject), "func@main.go:16");
}

}  // namespace
}  // namespace godx::compiler
