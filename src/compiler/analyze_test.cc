#include "compiler/analyze.h"

#include <gtest/gtest.h>

#include "compiler/reader.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

struct Loaded {
  Input input;
  EscapeBuild build;
};

Loaded Load(const std::string& fixture) {
  Input in = InputFromString(fixture, ReadFile(TestData("compiler/" + fixture)));
  auto b = ReadEscapeText(in);
  EXPECT_TRUE(b.ok()) << b.status().message();
  return Loaded{std::move(in), std::move(b).value()};
}

TEST(EscapeAnalyze, ExplainsFmtEscapesAsInterfaceCalls) {
  Loaded l = Load("go1.19-escapes-m2.txt");
  const Diagnostic* name = nullptr;
  for (const auto& d : l.build.diagnostics)
    if (d.kind == DiagKind::kEscapesToHeap && d.line == 28 && d.col == 21) name = &d;
  ASSERT_NE(name, nullptr);
  // ./main.go:28:21: name escapes to heap:
  //   flow: {storage for ... argument} = &{storage for name}: ... (slice-literal-element)
  //   flow: {heap} = {storage for ... argument}: from fmt.Sprintf(...) (call parameter)
  EscapeWhy w = ExplainDiagnostic(l.build, *name);
  EXPECT_EQ(w.cause, EscapeCause::kInterfaceCall);
  EXPECT_EQ(w.callee, "fmt.Sprintf");
  EXPECT_EQ(w.chain, "name → ... argument → {heap}");
}

TEST(EscapeAnalyze, ReportsSummaryFindingsAndTables) {
  Loaded l = Load("go1.19-escapes-m2.txt");
  AnalyzeOptions json;
  json.json = true;
  Report r = AnalyzeEscapes(l.build, "m2", EscapeOptions{}, json);
  EXPECT_EQ(r.kind, "escape");
  // Counted from the fixture: one "moved to heap" line (n), and 26 distinct "X escapes to heap"
  // result lines (grep -E '^\./[a-z]+\.go:[0-9:]+: .* escapes to heap$' | sort -u), of which 2
  // are the constant (interface {})(string("strings: illegal use ...")): static data, counted
  // apart (see EscapeConformance for the independent count).
  EXPECT_EQ(r.summary["moved_to_heap"], 1);
  EXPECT_EQ(r.summary["escapes_to_heap"], 24);
  EXPECT_EQ(r.summary["constant_conversions"], 2);
  EXPECT_EQ(r.summary["not_inlinable_functions"],
            5);  // main, Polynomial, NoInline, Recurse, Checks
  const Finding* iface = godx::testing::FindFinding(r, "escape-via-interface");
  ASSERT_NE(iface, nullptr);
  EXPECT_EQ(iface->severity, Severity::kWarning);
  EXPECT_NE(iface->title.find("fmt.Sprintf"), std::string::npos);
  const Finding* closure = godx::testing::FindFinding(r, "escape-via-closure");
  ASSERT_NE(closure, nullptr);
  EXPECT_NE(closure->evidence[0].find("./main.go:33:2 in Counter: moved to heap: n"),
            std::string::npos);
  ASSERT_NE(godx::testing::FindFinding(r, "escape-non-constant-size"), nullptr);
  const Finding* over = godx::testing::FindFinding(r, "inline-just-over-budget");
  ASSERT_NE(over, nullptr);
  EXPECT_NE(over->evidence[0].find("Checks: cost 87 exceeds budget 80"), std::string::npos);
  ASSERT_TRUE(r.extra.contains("escapes"));
  EXPECT_EQ(r.extra["escapes"].size(), 25u);  // every heap value (24 + 1), positions may repeat
}

TEST(EscapeAnalyze, FlagsFunctionsNearTheBudget) {
  Loaded l = Load("go1.19-escapesnew-m2.txt");  // Polynomial was trimmed to cost 79
  Report r = AnalyzeEscapes(l.build, "new", EscapeOptions{});
  const Finding* near = godx::testing::FindFinding(r, "inline-near-budget");
  ASSERT_NE(near, nullptr);
  EXPECT_NE(near->evidence[0].find("Polynomial: cost 79 of 80"), std::string::npos);
  EscapeOptions tight;
  tight.near_budget = 0;
  EXPECT_EQ(godx::testing::FindFinding(AnalyzeEscapes(l.build, "new", tight), "inline-near-budget"), nullptr);
}

TEST(EscapeAnalyze, WarnsThatMOneHasNoExplanations) {
  Loaded l = Load("go1.19-escapes-m1.txt");
  Report r = AnalyzeEscapes(l.build, "m1", EscapeOptions{});
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("-m=2"), std::string::npos);
  EXPECT_EQ(r.summary["moved_to_heap"], 1);
}

TEST(EscapeExplain, ExplainsALineAsAChain) {
  Loaded l = Load("go1.19-escapes-m2.txt");
  auto r = ExplainAt(l.build, "m2", "main.go:33");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->extra["explain"].size(), 1u);
  const Json& e = r->extra["explain"][0];
  EXPECT_EQ(e["subject"], "n");
  EXPECT_EQ(e["cause"], "closure");
  EXPECT_EQ(e["function"], "Counter");
  EXPECT_EQ(e["steps"][0]["hops"][0]["why"], "captured by a closure");
}

TEST(EscapeExplain, MatchesPathSuffixesOnly) {
  Loaded l = Load("go1.19-escapes-m2.txt");
  EXPECT_TRUE(ExplainAt(l.build, "m2", "./main.go:28").ok());
  EXPECT_FALSE(ExplainAt(l.build, "m2", "ain.go:28").ok());  // not a path component
  auto none = ExplainAt(l.build, "m2", "main.go:2");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no compiler diagnostic"), std::string::npos);
  auto bad = ExplainAt(l.build, "m2", "main.go");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("FILE:LINE"), std::string::npos);
}

}  // namespace
}  // namespace godx::compiler
