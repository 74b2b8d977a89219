#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pprof/export.h"
#include "pprof/merge.h"

namespace godx::pprof {
namespace {

Profile Two() {
  Profile p;
  auto s = [&](std::string_view x) { return p.strings.Intern(x); };
  p.sample_types = {{s("cpu"), s("nanoseconds")}};
  for (auto n : {"main.leaf;odd", "main.main"}) p.functions.push_back({p.functions.size() + 1, s(n), s(n), 0, 0});
  p.lines = {{0, 1, 0}, {1, 2, 0}};
  p.locations = {{1, kNoIndex, 1, 0, 1, false}, {2, kNoIndex, 2, 1, 1, false}};
  uint32_t st[] = {0, 1}, st2[] = {1};
  int64_t v[] = {30}, v2[] = {12};
  p.AddSample(st, v);
  p.AddSample(st2, v2);
  p.AddSample(st, v);
  return p;
}

TEST(PprofExport, FoldedIsRootFirstAndSummed) {
  EXPECT_EQ(ExportFolded(Two(), 0), "main.main 12\nmain.main;main.leaf:odd 60\n");
}

TEST(PprofExport, FoldedDiffHasBaseAndNewColumns) {
  Profile base = Two(), now = Two();
  now.values[0] = 50;
  Merger m;
  ASSERT_TRUE(m.Add(base, "base", -1, true).ok());
  ASSERT_TRUE(m.Add(now, "new").ok());
  EXPECT_EQ(ExportFolded(m.Finish(), 0), "main.main 12 12\nmain.main;main.leaf:odd 60 80\n");
}

TEST(PprofExport, SpeedscopeIsValidJson) {
  auto out = ExportSpeedscope(Two(), 0, "t");
  ASSERT_TRUE(out.ok());
  auto j = nlohmann::json::parse(*out);
  EXPECT_EQ(j["profiles"][0]["type"], "sampled");
  EXPECT_EQ(j["profiles"][0]["unit"], "nanoseconds");
  EXPECT_EQ(j["profiles"][0]["endValue"], 72);
  EXPECT_EQ(j["shared"]["frames"][0]["name"], "main.main");  // root first
  EXPECT_EQ(j["profiles"][0]["samples"][0].size(), 2u);
}

TEST(PprofExport, SpeedscopeRejectsNegativeWeights) {
  Profile p = Two();
  p.values[0] = -5;
  EXPECT_FALSE(ExportSpeedscope(p, 0, "t").ok());
}

TEST(PprofExport, FlameHtmlEmbedsTheTree) {
  std::string html = ExportFlameHtml(Two(), 0, "cpu <test>");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("\"tree\":[0,72,0,"), std::string::npos);
  EXPECT_NE(html.find("cpu &lt;test>"), std::string::npos);
  EXPECT_NE(html.find("icicle"), std::string::npos);
  EXPECT_EQ(html.find("@DATA@"), std::string::npos);
}

}  // namespace
}  // namespace godx::pprof
