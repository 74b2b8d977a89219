#include "report/text_renderer.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

Report Sample() {
  Report r;
  r.kind = "gc";
  r.source = "app.log";
  r.title = "GC trace: 3 cycles";
  r.facts = {{"Cycles", "3"}, {"Pause (STW)", "p50 1 ms"}};
  r.findings.push_back({"a", Severity::kInfo, "info one", {"e1"}, "do x"});
  r.findings.push_back({"b", Severity::kCritical, "critical one", {}, ""});
  r.SortFindings();
  r.tables.push_back(Table{"T", {"name", "value"}, {false, true}, {{"x", "1"}, {"yy", "100"}}, 2});
  r.warnings = {"5 lines skipped"};
  return r;
}

TEST(TextRenderer, FindingsMostSevereFirstThenTablesAndNotes) {
  std::string out = RenderText(Sample(), TextStyle{});
  size_t crit = out.find("CRITICAL critical one");
  size_t info = out.find("INFO     info one");
  ASSERT_NE(crit, std::string::npos) << out;
  ASSERT_NE(info, std::string::npos) << out;
  EXPECT_LT(crit, info);
  EXPECT_NE(out.find("→ do x"), std::string::npos);
  EXPECT_NE(out.find("· 5 lines skipped"), std::string::npos);
  EXPECT_NE(out.find("... 2 more rows"), std::string::npos);
  EXPECT_EQ(out.find("\033["), std::string::npos) << "no colour unless asked";
}

TEST(TextRenderer, FactLabelsAreAligned) {
  std::string out = RenderText(Sample(), TextStyle{});
  EXPECT_NE(out.find("  Cycles       3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  Pause (STW)  p50 1 ms\n"), std::string::npos) << out;
}

TEST(TextRenderer, TableNumbersAreRightAligned) {
  Table t{"", {"name", "value"}, {false, true}, {{"x", "1"}, {"yy", "100"}}, 0};
  EXPECT_EQ(RenderTable(t, TextStyle{}), "  name  value\n  x         1\n  yy      100\n");
}

TEST(TextRenderer, ColourWhenAsked) {
  TextStyle style;
  style.color = true;
  EXPECT_NE(RenderText(Sample(), style).find("\033[1;31m"), std::string::npos);
}

TEST(TextRenderer, WidthCountsCodePoints) { EXPECT_EQ(DisplayWidth("µs →"), 4u); }

}  // namespace
}  // namespace godx
