#include "report/html_renderer.h"

#include <gtest/gtest.h>

#include "gclog/analyze.h"
#include "report/html_assets.h"
#include "testing/testing.h"

namespace godx {
namespace {

// The JSON the page embeds, read back from the page.
Json EmbeddedData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"godx-data\">";
  size_t from = html.find(open);
  EXPECT_NE(from, std::string::npos);
  from += open.size();
  size_t to = html.find("</script>", from);
  return Json::parse(html.substr(from, to - from));
}

TEST(HtmlRenderer, AssetsAreCompiledIn) {
  // uPlot from node_modules (npm ci of web/package-lock.json) and godx's own script.
  EXPECT_NE(HtmlAsset("uplot.js").find("uPlot"), std::string_view::npos);
  EXPECT_NE(HtmlAsset("uplot.css").find(".uplot"), std::string_view::npos);
  EXPECT_NE(HtmlAsset("report.js").find("godxCharts"), std::string_view::npos);
  EXPECT_TRUE(HtmlAsset("nothing.js").empty());
}

TEST(HtmlRenderer, FindingsBeforeChartsAndInputCannotCloseTheScript) {
  Report r;
  r.kind = "gc";
  r.source = "</script><b>x.log";
  r.title = "GC trace & more";
  r.facts.push_back({"Pauses", "p50 <1ms"});
  r.findings.push_back({"low", Severity::kInfo, "low one", {"e1"}, "a1"});
  r.findings.push_back({"high", Severity::kCritical, "high one", {"</script>"}, "a2"});
  r.tables.push_back({"T", {"name", "n"}, {false, true}, {{"a", "1"}}, 3});
  std::string html = RenderHtml({r});
  // Most severe first, then the charts' box, then the tables.
  size_t high = html.find("high one"), low = html.find("low one");
  size_t charts = html.find("class=\"charts\""), table = html.find("<table");
  ASSERT_NE(high, std::string::npos);
  EXPECT_LT(high, low);
  EXPECT_LT(low, charts);
  EXPECT_LT(charts, table);
  EXPECT_NE(html.find("3 more rows left out"), std::string::npos);
  EXPECT_NE(html.find("<title>GC trace &amp; more</title>"), std::string::npos);
  EXPECT_EQ(html.find("<b>x.log"), std::string::npos);
  // Exactly the page's own scripts close: the data holds "</script>" twice, escaped.
  size_t closes = 0;
  for (size_t at = 0; (at = html.find("</script>", at)) != std::string::npos; ++at) ++closes;
  EXPECT_EQ(closes, 3u);  // data, uPlot, report.js
  Json data = EmbeddedData(html);
  EXPECT_EQ(data[0]["source"], "</script><b>x.log");
  EXPECT_EQ(data[0]["findings"][0]["id"], "high");
  EXPECT_EQ(data[0]["facts"][0]["value"], "p50 <1ms");
}

TEST(HtmlRenderer, NeedsNoNetwork) {
  Report r;
  r.kind = "sched";
  std::string html = RenderHtml({r});
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(HtmlRenderer, EmbedsTheSeriesOfARealGcTrace) {
  std::string path = testing::TestData("gclog/go1.26-gcsteady.log");
  auto input = Input::Open(path);
  ASSERT_TRUE(input.ok()) << input.status().message();
  AnalyzeOptions options;
  options.json = true;
  auto r = gclog::AnalyzeInput(*input, options);
  ASSERT_TRUE(r.ok());
  Json data = EmbeddedData(RenderHtml({*r}));
  const Json& series = data[0]["series"];
  ASSERT_TRUE(series.is_object());
  EXPECT_EQ(series["pause_ms"].size(), r->summary["cycles"].get<size_t>());
  EXPECT_EQ(series["pause_ms"], r->extra["series"]["pause_ms"]);
}

}  // namespace
}  // namespace godx
