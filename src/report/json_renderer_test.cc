#include "report/json_renderer.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(JsonRenderer, EnvelopeKeysInOrder) {
  Report r;
  r.kind = "sched";
  r.source = "s.log";
  r.summary["samples"] = 3;
  r.extra["series"] = Json{{"t_ms", {0, 1000}}};
  r.findings.push_back({"id1", Severity::kWarning, "t", {"e"}, "a"});
  r.warnings = {"w"};
  Json j = Json::parse(RenderJson({r}));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"kind", "source", "godx_version", "summary", "series",
                                            "findings", "warnings"}));
  EXPECT_EQ(j["findings"][0]["severity"], "warning");
  EXPECT_EQ(j["findings"][0]["evidence"][0], "e");
  EXPECT_EQ(j["summary"]["samples"], 3);
}

TEST(JsonRenderer, SeveralReportsMakeAnArray) {
  Report a, b;
  a.kind = "gc";
  b.kind = "sched";
  Json j = Json::parse(RenderJson({a, b}));
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j[1]["kind"], "sched");
}

TEST(JsonRenderer, InvalidUtf8FromInputDoesNotThrow) {
  Report r;
  r.kind = "gc";
  r.source = std::string("bad\xff.log");
  EXPECT_NO_THROW(RenderJson({r}));
}

}  // namespace
}  // namespace godx
