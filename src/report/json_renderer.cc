#include "report/json_renderer.h"

#include "core/version.h"

namespace godx {

Json ReportToJson(const Report& r) {
  Json j = Json::object();
  j["kind"] = r.kind;
  j["source"] = r.source;
  j["godx_version"] = std::string(kVersion);
  j["summary"] = r.summary;
  for (auto it = r.extra.begin(); it != r.extra.end(); ++it) j[it.key()] = it.value();
  Json findings = Json::array();
  for (const auto& f : r.findings) {
    findings.push_back(Json{{"id", f.id},
                            {"severity", std::string(SeverityName(f.severity))},
                            {"title", f.title},
                            {"evidence", f.evidence},
                            {"advice", f.advice}});
  }
  j["findings"] = std::move(findings);
  j["warnings"] = r.warnings;
  return j;
}

std::string RenderJson(const std::vector<Report>& reports) {
  if (reports.size() == 1) return ReportToJson(reports[0]).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  Json arr = Json::array();
  for (const auto& r : reports) arr.push_back(ReportToJson(r));
  return arr.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace godx
