#include "compiler/reader.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "compiler/analyze.h"
#include "compiler/messages.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

const Diagnostic* Find(const EscapeBuild& b, DiagKind kind, std::string_view subject,
                       uint32_t line = 0) {
  for (const auto& d : b.diagnostics)
    if (d.kind == kind && b.pool.Get(d.subject) == subject && (line == 0 || d.line == line))
      return &d;
  return nullptr;
}

// Go 1.26 names the function in explanation headers and draws flows with "←":
//   ./main.go:33:2: n escapes to heap in Counter:
//   ./main.go:33:2:   flow: {storage for func literal} ← &n:
//   ./main.go:33:2:     from n (captured by a closure) at ./main.go:35:3
TEST(EscapeTextReader, ReadsGo126M2Explanations) {
  Input in = InputFromString("m2", ReadFile(TestData("compiler/go1.26-escapes-m2.txt")));
  auto b = ReadEscapeText(in);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->format, "-m=2 text");
  const Diagnostic* n = Find(*b, DiagKind::kMovedToHeap, "n");
  ASSERT_NE(n, nullptr);
  ASSERT_NE(n->explanation, kNoExplanation);
  auto steps = ParseExplanation(*b, b->explanations[n->explanation]);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].dst, "{storage for func literal}");
  EXPECT_EQ(steps[0].src, "&n");
  ASSERT_EQ(steps[0].hops.size(), 2u);
  EXPECT_EQ(steps[0].hops[0].why, "captured by a closure");
  // "parameter p leaks to {heap} for (*Store).Add with derefs=0:" explains the leak.
  const Diagnostic* p = Find(*b, DiagKind::kLeakParam, "p", 21);
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p->explanation, kNoExplanation);
}

TEST(EscapeTextReader, ReadsGo119M2WithExplanations) {
  Input in = InputFromString("m2", ReadFile(TestData("compiler/go1.19-escapes-m2.txt")));
  auto b = ReadEscapeText(in);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->format, "-m=2 text");
  const Diagnostic* n = Find(*b, DiagKind::kMovedToHeap, "n");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(b->pool.Get(n->file), "./main.go");
  EXPECT_EQ(n->line, 33u);
  EXPECT_EQ(n->col, 2u);
  EXPECT_EQ(b->pool.Get(n->package), "godx.test/gen/escapes");
  EXPECT_EQ(b->pool.Get(n->function), "Counter");
  ASSERT_NE(n->explanation, kNoExplanation);
  // ./main.go:33:2:   flow: {storage for func literal} = &n:
  // ./main.go:33:2:     from n (captured by a closure) at ./main.go:35:3
  // ./main.go:33:2:     from n (reference) at ./main.go:35:3
  auto steps = ParseExplanation(*b, b->explanations[n->explanation]);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].dst, "{storage for func literal}");
  EXPECT_EQ(steps[0].src, "&n");
  ASSERT_EQ(steps[0].hops.size(), 2u);
  EXPECT_EQ(steps[0].hops[0].expr, "n");
  EXPECT_EQ(steps[0].hops[0].why, "captured by a closure");
  EXPECT_EQ(steps[0].hops[0].at, "./main.go:35:3");

  const Diagnostic* poly = Find(*b, DiagKind::kCannotInline, "Polynomial");
  ASSERT_NE(poly, nullptr);
  EXPECT_EQ(poly->cost, 125);
  EXPECT_EQ(poly->budget, 80);
  const Diagnostic* small = Find(*b, DiagKind::kCanInline, "Small");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->cost, 6);
  const Diagnostic* leak = Find(*b, DiagKind::kLeakParam, "p", 24);
  ASSERT_NE(leak, nullptr);
  EXPECT_EQ(b->pool.Get(leak->detail), "~r0");
  EXPECT_EQ(b->pool.Get(leak->function), "Identity");
  EXPECT_NE(Find(*b, DiagKind::kDevirtualized, "s.Area"), nullptr);
}

TEST(EscapeTextReader, ReadsGo119M1WithoutExplanations) {
  Input in = InputFromString("m1", ReadFile(TestData("compiler/go1.19-escapes-m1.txt")));
  auto b = ReadEscapeText(in);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->format, "-m text");
  EXPECT_TRUE(b->explanations.empty());
  const Diagnostic* n = Find(*b, DiagKind::kMovedToHeap, "n");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->explanation, kNoExplanation);
  EXPECT_EQ(Find(*b, DiagKind::kCannotInline, "Polynomial"), nullptr);  // -m omits them
}

TEST(EscapeTextReader, DeduplicatesRepeatedLinesInAnyOrder) {
  std::string text =
      "# example.com/m\n"
      "./b.go:9:2: moved to heap: y\n"
      "./a.go:3:6: can inline f\n"
      "./a.go:4:2: moved to heap: x\n"
      "./b.go:9:2: moved to heap: y\n"  // a closure's copy repeats the line
      "./a.go:4:2: moved to heap: x\n";
  auto b = ReadEscapeText(InputFromString("t", text));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->diagnostics.size(), 3u);
  EXPECT_EQ(b->duplicates, 2u);
  EXPECT_EQ(b->pool.Get(b->diagnostics[0].file), "./b.go");  // files keep first-seen order
  EXPECT_EQ(b->pool.Get(Find(*b, DiagKind::kMovedToHeap, "x")->function), "f");
}

TEST(EscapeTextReader, KeepsTestVariantPackagesAndSkipsOtherLines) {
  std::string text =
      "go: downloading example.com/x v1.0.0\n"
      "# example.com/m [example.com/m.test]\n"
      "./m_test.go:5:2: moved to heap: z\n";
  auto b = ReadEscapeText(InputFromString("t", text));
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->diagnostics.size(), 1u);
  EXPECT_EQ(b->pool.Get(b->diagnostics[0].package), "example.com/m");
  EXPECT_EQ(b->other_lines, 1u);
  EXPECT_EQ(b->first_other_line, 1u);
}

TEST(EscapeTextReader, ReadsWindowsPathsAndOldBodyForms) {
  std::string text =
      ".\\main.go:9:13: moved to heap: x\n"
      ".\\main.go:12:6: can inline add as: func(int, int) int { return a + b }\n";
  auto b = ReadEscapeText(InputFromString("t", text));
  ASSERT_TRUE(b.ok());
  const Diagnostic* x = Find(*b, DiagKind::kMovedToHeap, "x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(b->pool.Get(x->file), ".\\main.go");
  const Diagnostic* add = Find(*b, DiagKind::kCanInline, "add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->cost, kUnknown);
}

TEST(EscapeTextReader, AttachesExplanationsWhoseSubjectIsPrintedDifferently) {
  // Quoted from Go 1.19's net/http -m=2 output (server.go:1116, lines shortened to the parts
  // that matter): the header names the call with its argument, the result with "... argument".
  std::string text =
      "# net/http\n"
      "s.go:1116:20: fmt.Sprintf(\"invalid WriteHeader code %v\", code) escapes to heap:\n"
      "s.go:1116:20:   flow: {heap} = &{storage for fmt.Sprintf(\"invalid WriteHeader code %v\", "
      "code)}:\n"
      "s.go:1116:20:     from panic(fmt.Sprintf(\"invalid WriteHeader code %v\", code)) (call "
      "parameter) at s.go:1116:8\n"
      "s.go:1116:20: fmt.Sprintf(\"invalid WriteHeader code %v\", ... argument...) escapes to "
      "heap\n";
  auto b = ReadEscapeText(InputFromString("t", text));
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->diagnostics.size(), 1u);
  ASSERT_NE(b->diagnostics[0].explanation, kNoExplanation);
  EscapeWhy w = ExplainDiagnostic(*b, b->diagnostics[0]);
  EXPECT_EQ(w.cause, EscapeCause::kCallParameter);
  EXPECT_EQ(w.callee, "panic");
}

TEST(EscapeTextReader, ReadsGoBuildJsonEvents) {
  // Go 1.24+ `go build -json` (golang/go#62067): cmd/go's BuildEvent {ImportPath, Action,
  // Output} objects, one per line, carrying the compiler text. Written here in that shape (no
  // Go 1.24 toolchain on the build machine to record it).
  std::string text =
      R"j({"ImportPath":"example.com/m","Action":"build-output","Output":"# example.com/m\n"})j"
      "\n"
      R"j({"ImportPath":"example.com/m","Action":"build-output","Output":"./m.go:3:6: can inline f with cost 4 as: func() *int { return new(int) }\n./m.go:3:30: new(int) escapes to heap\n"})j"
      "\n"
      R"j({"ImportPath":"example.com/m/sub","Action":"build-output","Output":"sub/s.go:5:2: moved to heap: x\n"})j"
      "\n"
      R"j({"ImportPath":"example.com/m/sub","Action":"build-fail"})j"
      "\n";
  EXPECT_GE(SniffEscapeText(text), 50);
  auto b = ReadEscapeText(InputFromString("events.json", text));
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->format, "-m text (go build -json)");
  ASSERT_EQ(b->diagnostics.size(), 3u);
  const Diagnostic* x = Find(*b, DiagKind::kMovedToHeap, "x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(b->pool.Get(x->package), "example.com/m/sub");
  const Diagnostic* n = Find(*b, DiagKind::kEscapesToHeap, "new(int)");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(b->pool.Get(n->function), "f");
  // The build owns the decoded text: moving it keeps the views valid.
  EscapeBuild moved = std::move(b).value();
  EXPECT_EQ(moved.pool.Get(moved.diagnostics[0].subject).size() > 0, true);
  EXPECT_NE(moved.text.find("moved to heap: x"), std::string_view::npos);
}

TEST(EscapeTextReader, ReadsPreGo113ExplanationsAfterTheResult) {
  // The -m -m form before the 1.13 rewrite (golang/go test/escape_because.go): the result line,
  // then tab-indented "from" lines at the same position, no column on some lines.
  std::string text =
      "# example.com/m\n"
      "./x.go:5:9: &T literal escapes to heap\n"
      "./x.go:5:9: \tfrom ~r0 (return) at ./x.go:5:2\n"
      "./x.go:9: leaking param: p\n"
      "./x.go:9: \tfrom *q (indirection) at ./x.go:10\n";
  auto b = ReadEscapeText(InputFromString("old", text));
  ASSERT_TRUE(b.ok());
  const Diagnostic* lit = Find(*b, DiagKind::kEscapesToHeap, "&T literal");
  ASSERT_NE(lit, nullptr);
  ASSERT_NE(lit->explanation, kNoExplanation);
  EscapeWhy w = ExplainDiagnostic(*b, *lit);
  EXPECT_EQ(w.cause, EscapeCause::kReturned);
  auto steps = ParseExplanation(*b, b->explanations[lit->explanation]);
  ASSERT_EQ(steps.size(), 1u);
  ASSERT_EQ(steps[0].hops.size(), 1u);
  EXPECT_EQ(steps[0].hops[0].expr, "~r0");
  EXPECT_EQ(steps[0].hops[0].at, "./x.go:5:2");
  const Diagnostic* p = Find(*b, DiagKind::kLeakParam, "p");
  ASSERT_NE(p, nullptr);
  ASSERT_NE(p->explanation, kNoExplanation);
  EXPECT_EQ(ParseExplanation(*b, b->explanations[p->explanation])[0].hops[0].why, "indirection");
}

TEST(EscapeTextReader, RejectsEmptyBinaryAndForeignInput) {
  auto empty = ReadEscapeText(InputFromString("e.txt", ""));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("e.txt"), std::string::npos);
  auto bin = ReadEscapeText(InputFromString("b.bin", std::string("\x00\x01\x02\x03garbage", 11)));
  ASSERT_FALSE(bin.ok());
  EXPECT_NE(bin.status().message().find("binary"), std::string::npos);
  auto other = ReadEscapeText(InputFromString("gc.log", "gc 1 @0.01s 2%: 0.1+0.2+0.3 ms clock\n"));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("line 1"), std::string::npos);
}

TEST(EscapeTextReader, SniffsMTextButNotCheckBceAlone) {
  std::string m2 = ReadFile(TestData("compiler/go1.19-escapes-m2.txt"));
  EXPECT_GE(SniffEscapeText(m2), 50);
  EXPECT_LT(SniffEscapeText("./a.go:1:2: Found IsInBounds\n./a.go:2:2: Found IsInBounds\n"), 50);
  EXPECT_EQ(SniffEscapeText("gc 1 @0.01s 2%: 0.1+0.2+0.3 ms clock\n"), 0);
}

}  // namespace
}  // namespace godx::compiler
