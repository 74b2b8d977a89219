// The message vocabulary: each form below is quoted from Go 1.19 output (testdata/compiler/) or,
// for forms Go 1.19 does not print, from the compiler sources named beside it.
#include "compiler/messages.h"

#include <gtest/gtest.h>

#include "compiler/reader.h"

namespace godx::compiler {
namespace {

TEST(CompilerMessages, ClassifiesMovedToHeap) {
  Message m = ClassifyMessage("moved to heap: n");
  EXPECT_EQ(m.kind, DiagKind::kMovedToHeap);
  EXPECT_EQ(m.subject, "n");
}

TEST(CompilerMessages, ClassifiesEscapesAndDoesNotEscape) {
  Message m = ClassifyMessage("&Point{...} escapes to heap");
  EXPECT_EQ(m.kind, DiagKind::kEscapesToHeap);
  EXPECT_EQ(m.subject, "&Point{...}");
  m = ClassifyMessage("... argument does not escape");
  EXPECT_EQ(m.kind, DiagKind::kDoesNotEscape);
  EXPECT_EQ(m.subject, "... argument");
  // escape.go with -d=escapemutationscalls (Go 1.22+).
  m = ClassifyMessage("p does not escape, mutate, or call");
  EXPECT_EQ(m.kind, DiagKind::kDoesNotEscape);
  EXPECT_EQ(m.subject, "p");
}

TEST(CompilerMessages, ClassifiesLeakingParams) {
  Message m = ClassifyMessage("leaking param: p");
  EXPECT_EQ(m.kind, DiagKind::kLeakParam);
  EXPECT_EQ(m.subject, "p");
  EXPECT_EQ(m.detail, "{heap}");
  EXPECT_EQ(m.level, 0);
  m = ClassifyMessage("leaking param content: s");
  EXPECT_EQ(m.kind, DiagKind::kLeakParam);
  EXPECT_EQ(m.subject, "s");
  EXPECT_EQ(m.level, 1);
  m = ClassifyMessage("leaking param: p to result ~r0 level=0");
  EXPECT_EQ(m.subject, "p");
  EXPECT_EQ(m.detail, "~r0");
  EXPECT_EQ(m.level, 0);
  // Before Go 1.18 results were counted after the parameters (test/escape2.go).
  m = ClassifyMessage("leaking param: x to result ~r2 level=1");
  EXPECT_EQ(m.detail, "~r2");
  EXPECT_EQ(m.level, 1);
}

TEST(CompilerMessages, ClassifiesInliningForms) {
  Message m = ClassifyMessage(
      "can inline (*ParseError).Unwrap with cost 3 as: method(*ParseError) func() error { return "
      "e.Err }");
  EXPECT_EQ(m.kind, DiagKind::kCanInline);
  EXPECT_EQ(m.subject, "(*ParseError).Unwrap");
  EXPECT_EQ(m.cost, 3);
  m = ClassifyMessage("can inline NewPoint");  // -m
  EXPECT_EQ(m.subject, "NewPoint");
  EXPECT_EQ(m.cost, kUnknown);
  m = ClassifyMessage("cannot inline main: function too complex: cost 191 exceeds budget 80");
  EXPECT_EQ(m.kind, DiagKind::kCannotInline);
  EXPECT_EQ(m.subject, "main");
  EXPECT_EQ(m.detail, "function too complex: cost 191 exceeds budget 80");
  EXPECT_EQ(m.cost, 191);
  EXPECT_EQ(m.budget, 80);
  m = ClassifyMessage("cannot inline NoInline: marked go:noinline");
  EXPECT_EQ(m.cost, kUnknown);
  EXPECT_EQ(m.detail, "marked go:noinline");
  m = ClassifyMessage("cannot inline f into g: repeated recursive cycle");
  EXPECT_EQ(m.kind, DiagKind::kCannotInlineCall);
  EXPECT_EQ(m.subject, "f");
  m = ClassifyMessage("inlining call to strings.(*Builder).WriteString");
  EXPECT_EQ(m.kind, DiagKind::kInliningCall);
  EXPECT_EQ(m.subject, "strings.(*Builder).WriteString");
  // Go ≤1.12 printed the body after the name.
  m = ClassifyMessage("inlining call to fmt.Println func(...interface {}) (int, error) { ... }");
  EXPECT_EQ(m.subject, "fmt.Println");
  // Generic shapes keep their brackets, spaces included.
  m = ClassifyMessage("inlining call to Map[go.shape.struct { X int }]");
  EXPECT_EQ(m.subject, "Map[go.shape.struct { X int }]");
}

TEST(CompilerMessages, ClassifiesDevirtualizationCaptureAndBce) {
  Message m = ClassifyMessage("devirtualizing s.Area to Square");
  EXPECT_EQ(m.kind, DiagKind::kDevirtualized);
  EXPECT_EQ(m.subject, "s.Area");
  EXPECT_EQ(m.detail, "Square");
  m = ClassifyMessage("PGO devirtualizing interface call r.Read to *bytes.Reader.Read");
  EXPECT_EQ(m.kind, DiagKind::kDevirtualized);
  EXPECT_EQ(m.subject, "r.Read");
  m = ClassifyMessage("Counter capturing by ref: n (addr=false assign=true width=8)");
  EXPECT_EQ(m.kind, DiagKind::kCapture);
  EXPECT_EQ(m.subject, "n");
  EXPECT_EQ(m.detail, "ref");
  EXPECT_EQ(ClassifyMessage("Found IsInBounds").kind, DiagKind::kBoundsCheck);
  EXPECT_EQ(ClassifyMessage("Found IsSliceInBounds").kind, DiagKind::kSliceBoundsCheck);
  EXPECT_EQ(ClassifyMessage("undefined: foo").kind, DiagKind::kOther);
}

TEST(CompilerMessages, ParsesExplanationHeaders) {
  ExplanationHeader h;
  ASSERT_TRUE(ParseExplanationHeader("&T{...} escapes to heap:", &h));
  EXPECT_EQ(h.subject, "&T{...}");
  EXPECT_EQ(h.sink, "{heap}");
  ASSERT_TRUE(ParseExplanationHeader("parameter s leaks to {heap} with derefs=1:", &h));
  EXPECT_EQ(h.subject, "s");
  EXPECT_EQ(h.sink, "{heap}");
  EXPECT_EQ(h.derefs, 1);
  ASSERT_TRUE(ParseExplanationHeader("parameter z leaks to ~r0 with derefs=0:", &h));
  EXPECT_EQ(h.sink, "~r0");
  EXPECT_FALSE(ParseExplanationHeader("&T{...} escapes to heap", &h));  // a result, not a header
}

// Go 1.26's -m=2 headers name the function (lines of testdata/compiler/go1.26-*-m2.txt).
TEST(CompilerMessages, ParsesExplanationHeadersThatNameTheFunction) {
  ExplanationHeader h;
  ASSERT_TRUE(ParseExplanationHeader("append(s.items, p) escapes to heap in (*Store).Add:", &h));
  EXPECT_EQ(h.subject, "append(s.items, p)");
  EXPECT_EQ(h.sink, "{heap}");
  EXPECT_EQ(h.function, "(*Store).Add");
  ASSERT_TRUE(ParseExplanationHeader(
      "\"strings: illegal use of non-zero Builder copied by value\" escapes to heap in (*URL).String:", &h));
  EXPECT_EQ(h.subject, "\"strings: illegal use of non-zero Builder copied by value\"");
  EXPECT_EQ(h.function, "(*URL).String");
  ASSERT_TRUE(ParseExplanationHeader("parameter s leaks to {heap} for (*Store).Add with derefs=1:", &h));
  EXPECT_EQ(h.subject, "s");
  EXPECT_EQ(h.sink, "{heap}");
  EXPECT_EQ(h.function, "(*Store).Add");
  EXPECT_EQ(h.derefs, 1);
  // A braced sink may hold " for " itself; the function follows its closing brace.
  ASSERT_TRUE(ParseExplanationHeader(
      "parameter name leaks to {storage for name} for Describe with derefs=0:", &h));
  EXPECT_EQ(h.sink, "{storage for name}");
  EXPECT_EQ(h.function, "Describe");
  ASSERT_TRUE(ParseExplanationHeader("parameter p leaks to ~r0 for Identity with derefs=0:", &h));
  EXPECT_EQ(h.sink, "~r0");
  EXPECT_EQ(h.function, "Identity");
  // Go 1.19's forms name none.
  ASSERT_TRUE(ParseExplanationHeader("parameter z leaks to ~r0 with derefs=0:", &h));
  EXPECT_EQ(h.function, "");
}

TEST(CompilerPosition, SplitsUnixWindowsAndColumnlessPositions) {
  PositionedLine p;
  ASSERT_TRUE(SplitPosition("./main.go:7:25: &T{...} escapes to heap", &p));
  EXPECT_EQ(p.file, "./main.go");
  EXPECT_EQ(p.line, 7u);
  EXPECT_EQ(p.col, 25u);
  EXPECT_EQ(p.msg, "&T{...} escapes to heap");
  ASSERT_TRUE(SplitPosition(R"(C:\src\my-app@v1\main.go:9:13: moved to heap: x)", &p));
  EXPECT_EQ(p.file, R"(C:\src\my-app@v1\main.go)");
  EXPECT_EQ(p.line, 9u);
  EXPECT_EQ(p.col, 13u);
  ASSERT_TRUE(SplitPosition("x.go:10: moved to heap: y", &p));  // -C drops the column
  EXPECT_EQ(p.line, 10u);
  EXPECT_EQ(p.col, 0u);
  ASSERT_TRUE(SplitPosition("x.go:10:3[orig.go:5:1]: moved to heap: y", &p));  // -L
  EXPECT_EQ(p.file, "x.go");
  EXPECT_EQ(p.col, 3u);
  ASSERT_TRUE(SplitPosition("<autogenerated>:1: leaking param: .this", &p));
  EXPECT_EQ(p.file, "<autogenerated>");
  EXPECT_FALSE(SplitPosition("# godx.test/gen/escapes", &p));
  EXPECT_FALSE(SplitPosition("go: downloading example.com/x v1.0.0", &p));
  EXPECT_FALSE(SplitPosition("main.go:x: nope", &p));
}

}  // namespace
}  // namespace godx::compiler
