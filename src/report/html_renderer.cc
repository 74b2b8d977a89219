#include "report/html_renderer.h"

#include <fmt/format.h>

#include "report/html_assets.h"
#include "report/json_renderer.h"

namespace godx {

namespace {

// Text that goes inside <script> or <style>: only "</script" and "</style" end those elements
// (any case), so only they are broken up ("<\/" means "</" in a JavaScript string or regex).
std::string ScriptSafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto ends_element = [&](size_t i) {
    for (std::string_view tag : {"script", "style"}) {
      if (s.size() - i < 2 + tag.size()) continue;
      bool same = true;
      for (size_t k = 0; k < tag.size(); ++k) {
        same = same && (s[i + 2 + k] | 0x20) == tag[k];
      }
      if (same) return true;
    }
    return false;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/' && ends_element(i)) {
      out += "<\\/";
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// JSON for a <script type="application/json">: '<' escaped inside strings (it appears nowhere
// else in JSON), so no string of the input can close the element.
std::string JsonForScript(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendTable(const Table& t, std::string* out) {
  *out += "<div class=\"table\">";
  if (!t.title.empty()) *out += fmt::format("<h3>{}</h3>", HtmlEscape(t.title));
  *out += "<table class=\"sortable\"><thead><tr>";
  for (size_t c = 0; c < t.columns.size(); ++c) {
    bool right = c < t.right.size() && t.right[c];
    *out += fmt::format("<th{}>{}</th>", right ? " class=\"num\"" : "", HtmlEscape(t.columns[c]));
  }
  *out += "</tr></thead><tbody>";
  for (const auto& row : t.rows) {
    *out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      bool right = c < t.right.size() && t.right[c];
      *out += fmt::format("<td{}>{}</td>", right ? " class=\"num\"" : "", HtmlEscape(row[c]));
    }
    *out += "</tr>";
  }
  *out += "</tbody></table>";
  if (t.omitted_rows > 0) {
    *out += fmt::format("<p class=\"note\">{} more rows left out</p>", t.omitted_rows);
  }
  *out += "</div>";
}

void AppendReport(const Report& r, size_t index, std::string* out) {
  *out += fmt::format("<section class=\"report\" id=\"report-{}\" data-kind=\"{}\">", index,
                      HtmlEscape(r.kind));
  *out += fmt::format("<h1>{}</h1>", HtmlEscape(r.title.empty() ? r.source : r.title));
  if (!r.source.empty()) *out += fmt::format("<p class=\"source\">{}</p>", HtmlEscape(r.source));
  if (!r.facts.empty()) {
    *out += "<dl class=\"facts\">";
    for (const auto& f : r.facts) {
      *out += fmt::format("<dt>{}</dt><dd>{}</dd>", HtmlEscape(f.label), HtmlEscape(f.value));
    }
    *out += "</dl>";
  }
  *out += "<div class=\"findings\">";
  if (r.findings.empty()) *out += "<p class=\"none\">No findings.</p>";
  for (const auto& f : r.findings) {
    std::string_view sev = SeverityName(f.severity);
    *out += fmt::format("<div class=\"finding {}\" data-id=\"{}\"><h2><span class=\"sev\">{}</span> {}</h2>",
                        sev, HtmlEscape(f.id), sev, HtmlEscape(f.title));
    if (!f.evidence.empty()) {
      *out += "<ul>";
      for (const auto& e : f.evidence) *out += fmt::format("<li>{}</li>", HtmlEscape(e));
      *out += "</ul>";
    }
    if (!f.advice.empty()) *out += fmt::format("<p class=\"advice\">{}</p>", HtmlEscape(f.advice));
    *out += "</div>";
  }
  *out += "</div>";
  if (!r.warnings.empty()) {
    *out += "<ul class=\"warnings\">";
    for (const auto& w : r.warnings) *out += fmt::format("<li>{}</li>", HtmlEscape(w));
    *out += "</ul>";
  }
  // Filled by report.js from the embedded data.
  *out += fmt::format("<div class=\"charts\" data-report=\"{}\"></div>", index);
  for (const auto& t : r.tables) AppendTable(t, out);
  *out += "</section>";
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

Json HtmlPageData(const std::vector<Report>& reports) {
  Json arr = Json::array();
  for (const auto& r : reports) {
    Json j = ReportToJson(r);
    j["title"] = r.title;
    Json facts = Json::array();
    for (const auto& f : r.facts) facts.push_back(Json{{"label", f.label}, {"value", f.value}});
    j["facts"] = std::move(facts);
    arr.push_back(std::move(j));
  }
  return arr;
}

std::string RenderHtml(const std::vector<Report>& reports, const HtmlOptions& options) {
  std::vector<Report> sorted = reports;
  for (auto& r : sorted) r.SortFindings();
  std::string title = options.title;
  if (title.empty() && !sorted.empty()) title = sorted[0].title.empty() ? sorted[0].source : sorted[0].title;
  if (title.empty()) title = "godx report";
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  // Nothing on the page may reach the network: everything it needs is inline.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'\">";
  out += fmt::format("<title>{}</title>\n<style>", HtmlEscape(title));
  out += ScriptSafe(HtmlAsset("uplot.css"));
  out += ScriptSafe(HtmlAsset("report.css"));
  out += "</style></head>\n<body><main>\n";
  out += "<header class=\"page\"><span class=\"brand\">godx</span>";
  out += "<nav>";
  for (size_t i = 0; i < sorted.size(); ++i) {
    out += fmt::format("<a href=\"#report-{}\">{}</a>", i, HtmlEscape(sorted[i].kind));
  }
  out += "</nav></header>\n";
  out += options.controls_html;
  for (size_t i = 0; i < sorted.size(); ++i) {
    AppendReport(sorted[i], i, &out);
    out += "\n";
  }
  out += "</main>\n<script type=\"application/json\" id=\"godx-data\">";
  out += JsonForScript(HtmlPageData(sorted));
  out += "</script>\n";
  if (options.refresh_s > 0) {
    out += fmt::format("<script>window.GODX_REFRESH_S={};</script>\n", options.refresh_s);
  }
  out += "<script>";
  out += ScriptSafe(HtmlAsset("uplot.js"));
  out += "</script>\n<script>";
  out += ScriptSafe(HtmlAsset("report.js"));
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace godx
