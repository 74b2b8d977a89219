// One number per fact: the -m, -m=2 and -json forms of one build, and every view of each (the
// header, the tables, the findings, `escape diff`, --json), must count the same heap facts.
#include "compiler/counts.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "compiler/analyze.h"
#include "compiler/reader.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

// Subjects as the fixtures print them (go1.19-escapes-m2.txt, go1.26-escapes-m2.txt).
TEST(EscapeCounts, ConstantConversionsAreStaticData) {
  EXPECT_TRUE(IsConstantConversion("\"q\""));
  EXPECT_TRUE(IsConstantConversion("\"strings: illegal use of non-zero Builder copied by value\""));
  EXPECT_TRUE(IsConstantConversion(
      "(interface {})(string(\"strings: illegal use of non-zero Builder copied by value\"))"));
  EXPECT_FALSE(IsConstantConversion("Recurse(5)"));  // a call's result
  EXPECT_FALSE(IsConstantConversion("NoInline(3)"));
  EXPECT_FALSE(IsConstantConversion("len(st.items)"));
  EXPECT_FALSE(IsConstantConversion("~R0"));
  EXPECT_FALSE(IsConstantConversion("&Point{...}"));
  EXPECT_FALSE(IsConstantConversion("make([]byte, n)"));
  EXPECT_FALSE(IsConstantConversion("name"));
}

struct View {
  std::string name;
  EscapeBuild build;
  std::unique_ptr<Input> keep;
};

const Table* FindTable(const Report& r, std::string_view prefix) {
  for (const auto& t : r.tables)
    if (t.title.rfind(prefix, 0) == 0) return &t;
  return nullptr;
}

std::string FactValue(const Report& r, std::string_view name) {
  for (const auto& f : r.facts)
    if (f.label == name) return f.value;
  return "";
}

uint64_t Sum(const Table& t, size_t col) {
  uint64_t n = 0;
  for (const auto& row : t.rows) n += std::stoull(row[col]);
  return n;
}

// Every view of one build: the per-file table sums to the header's numbers, the causes of the
// findings add up to the escapes counted, and a diff of the build with itself prints the same
// total and no change.
void ExpectViewsAgree(const EscapeBuild& b, const std::string& name) {
  SCOPED_TRACE(name);
  EscapeOptions o;
  o.top = 1000;
  Report r = AnalyzeEscapes(b, name, o, AnalyzeOptions{.json = true});
  const Json& s = r.summary;
  const uint64_t moved = s["moved_to_heap"], escapes = s["escapes_to_heap"],
                 leaks = s["leaking_params"];
  EXPECT_NE(r.title.find(std::to_string(escapes) + " escaping expression"), std::string::npos)
      << r.title;
  const Table* files = FindTable(r, "Files by heap allocations");
  ASSERT_NE(files, nullptr);
  EXPECT_EQ(Sum(*files, 2), moved);
  EXPECT_EQ(Sum(*files, 3), escapes);
  EXPECT_EQ(Sum(*files, 4), leaks);
  EXPECT_EQ(Sum(*files, 5), s["inlinable_functions"].get<uint64_t>());
  if (!s["not_inlinable_functions"].is_null()) {
    EXPECT_EQ(Sum(*files, 6), s["not_inlinable_functions"].get<uint64_t>());
  }
  if (const Table* fns = FindTable(r, "Functions by heap allocations")) {
    EXPECT_EQ(Sum(*fns, 2), moved);
    EXPECT_EQ(Sum(*fns, 3), escapes);
  }
  uint64_t by_cause = 0;
  for (const auto& [cause, n] : s["escape_causes"].items()) by_cause += n.get<uint64_t>();
  EXPECT_EQ(by_cause, moved + escapes);
  EXPECT_EQ(r.extra["escapes"].size(), moved + escapes);
  // The near-budget table lists what the Inlining fact counts.
  const std::string inlining = FactValue(r, "Inlining");
  if (!s["near_budget_functions"].is_null()) {
    const uint64_t near = s["near_budget_functions"], over = s["just_over_budget_functions"];
    EXPECT_NE(inlining.find(std::to_string(near) + " within"), std::string::npos) << inlining;
    EXPECT_NE(inlining.find(std::to_string(over) + " just over"), std::string::npos) << inlining;
    const Table* nb = FindTable(r, "Functions near the inlining budget");
    EXPECT_EQ(nb == nullptr ? 0 : nb->rows.size(), near + over);
  }
  Report same = DiffBuilds(b, b, name, name);
  EXPECT_EQ(same.summary["new_heap_escapes"], 0);
  EXPECT_EQ(same.summary["removed_heap_escapes"], 0);
  EXPECT_EQ(FactValue(same, "Heap escapes").rfind(fmt::format("{} → {} (", moved + escapes,
                                                              moved + escapes), 0),
            0u)
      << FactValue(same, "Heap escapes");
  EXPECT_EQ(FactValue(same, "Leaking params"), fmt::format("{} → {}", leaks, leaks));
}

TEST(EscapeCounts, EveryViewAndEveryFormOfOneBuildCountsTheSame) {
  size_t compared = 0;
  for (const std::string& rel : godx::testing::MatrixReleases()) {
    SCOPED_TRACE("go" + rel);
    std::map<std::string, Report> reports;
    std::vector<View> views;
    for (const char* form : {"m1.txt", "m2.txt", "json"}) {
      View v;
      v.name = "go" + rel + "-escapes-" + form;
      auto b = ReadEscapeAny(TestData("compiler/" + v.name), {}, &v.keep);
      ASSERT_TRUE(b.ok()) << b.status().message();
      v.build = std::move(b).value();
      ExpectViewsAgree(v.build, v.name);
      reports[form] = AnalyzeEscapes(v.build, v.name);
      views.push_back(std::move(v));
    }
    const Json &m1 = reports["m1.txt"].summary, &m2 = reports["m2.txt"].summary,
               &json = reports["json"].summary;
    EXPECT_EQ(m2["not_inlined_calls"], json["not_inlined_calls"]);
    for (const char* key : {"moved_to_heap", "escapes_to_heap", "leaking_params",
                            "constant_conversions", "inlinable_functions"}) {
      EXPECT_EQ(m2[key], json[key]) << key;
      EXPECT_EQ(m1[key], m2[key]) << key;
    }
    // Go 1.19's -json leaves out the functions it cannot inline because they are recursive;
    // the text names them. Everything else is the same list.
    const std::string text = ReadFile(TestData("compiler/go" + rel + "-escapes-m2.txt"));
    uint64_t recursive = 0;
    for (size_t at = 0; (at = text.find(": recursive\n", at)) != std::string::npos; ++at)
      ++recursive;
    EXPECT_EQ(m2["not_inlinable_functions"].get<uint64_t>(),
              json["not_inlinable_functions"].get<uint64_t>() + (rel == "1.19" ? recursive : 0));
    // The -m=2 text and the -json of one build are the same build: their diff is empty.
    Report same = DiffBuilds(views[1].build, views[2].build, views[1].name, views[2].name);
    for (const char* key : {"new_heap_escapes", "removed_heap_escapes", "new_param_leaks",
                            "removed_param_leaks"})
      EXPECT_EQ(same.summary[key], 0) << key;
    // What a form does not record is null, never 0.
    EXPECT_TRUE(json["inlined_calls"].is_null());
    EXPECT_TRUE(json["devirtualized_calls"].is_null());
    EXPECT_GT(m2["inlined_calls"].get<uint64_t>(), 0u);
    EXPECT_TRUE(m1["not_inlinable_functions"].is_null());
    ++compared;
  }
  EXPECT_GE(compared, 3u);
}

// The fixtures convert string constants to interfaces (fmt.Println(Describe(*q, "q")), the
// strings.Builder copy check's panic message): escape analysis says they escape, the compiler
// uses static data. They are counted apart, not as heap escapes.
TEST(EscapeCounts, ConstantsConvertedToInterfacesAreNotHeapEscapes) {
  for (const std::string& rel : godx::testing::MatrixReleases()) {
    SCOPED_TRACE(rel);
    Input in = InputFromString("m2", ReadFile(TestData("compiler/go" + rel + "-escapes-m2.txt")));
    auto b = ReadEscapeText(in);
    ASSERT_TRUE(b.ok());
    size_t constants = 0;
    for (const auto& d : b->diagnostics)
      if (d.kind == DiagKind::kEscapesToHeap && IsConstantConversion(b->pool.Get(d.subject)))
        ++constants;
    EXPECT_GE(constants, 2u);
    Report r = AnalyzeEscapes(*b, "m2", {}, AnalyzeOptions{.json = true});
    EXPECT_EQ(r.summary["constant_conversions"], constants);
    for (const auto& e : r.extra["escapes"])
      EXPECT_FALSE(IsConstantConversion(e["subject"].get<std::string>())) << e.dump();
    EXPECT_NE(FactValue(r, "Not counted").find("static data"), std::string::npos);
  }
}

// "(*URL).String(ru) (call parameter)" and its kind in real -m=2 output: the callee has a name.
TEST(EscapeCounts, EveryCalleeHasAName) {
  size_t calls = 0;
  bool method_expression = false;
  for (const auto& f : godx::testing::MatrixFixtures("compiler-m2")) {
    SCOPED_TRACE(f.path);
    Input in = InputFromString("m2", ReadFile(TestData(f.path)));
    auto b = ReadEscapeText(in);
    ASSERT_TRUE(b.ok());
    for (const auto& d : b->diagnostics) {
      if (d.kind != DiagKind::kMovedToHeap && d.kind != DiagKind::kEscapesToHeap &&
          d.kind != DiagKind::kLeakParam)
        continue;
      EscapeWhy w = ExplainDiagnostic(*b, d);
      if (w.cause != EscapeCause::kInterfaceCall && w.cause != EscapeCause::kCallParameter)
        continue;
      ++calls;
      EXPECT_FALSE(w.callee.empty()) << PositionText(*b, d);
      method_expression |= w.callee.rfind("(*", 0) == 0;
    }
  }
  EXPECT_GT(calls, 0u);
  EXPECT_TRUE(method_expression);
}

}  // namespace
}  // namespace godx::compiler
