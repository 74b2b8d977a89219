#include "cli/command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "report/html_renderer.h"
#include "report/json_renderer.h"
#include "report/text_renderer.h"

namespace godx::cli {

void AddOutputOptions(CLI::App* app, OutputOptions* out) {
  app->add_flag("--json", out->json, "Print JSON (schema: docs/json-schema.md) instead of text");
  app->add_option("--html", out->html,
                  "Also write the report as one self-contained HTML page with charts to FILE");
  app->add_flag("--no-color", out->no_color, "Never colour the output (also: NO_COLOR=1)");
  app->add_option("--fail-on", out->fail_on,
                  "Exit 1 when a finding is at least this severe (info, warning, critical)")
      ->check(CLI::IsMember({"info", "warning", "critical"}));
  app->add_option("--max-input", out->max_input_mib,
                  "Largest input held in memory after decompression, in MiB")
      ->capture_default_str();
}

InputOptions ToInputOptions(const OutputOptions& out) {
  InputOptions o;
  o.max_bytes = out.max_input_mib << 20;
  return o;
}

AnalyzeOptions ToAnalyzeOptions(const OutputOptions& out) {
  AnalyzeOptions o;
  o.json = out.json || !out.html.empty();
  return o;
}

Status WriteHtmlReport(const std::vector<Report>& reports, const std::string& path) {
  std::string html = RenderHtml(reports);
  std::ofstream f(path, std::ios::binary);
  f.write(html.data(), static_cast<std::streamsize>(html.size()));
  f.close();
  if (!f) return Status::Error(fmt::format("{}: cannot write the HTML report", path));
  return Status::Ok();
}

void PrintError(const std::string& message) {
  std::fflush(stdout);
  fmt::print(stderr, "godx: {}\n", message);
}

void PrintNote(const std::string& message) { PrintError(message); }

int PrintUsageError(std::string_view command, std::string_view message) {
  std::fflush(stdout);
  std::string prefix = command.empty() ? "godx" : fmt::format("godx {}", command);
  fmt::print(stderr, "{}: {}\nRun '{} --help' for usage.\n", prefix, message, prefix);
  return kExitError;
}

int EmitReports(std::vector<Report> reports, const OutputOptions& out) {
  for (auto& r : reports) r.SortFindings();
  if (out.json) {
    std::fputs(RenderJson(reports).c_str(), stdout);
  } else {
    TextStyle style;
    style.color = !out.no_color && std::getenv("NO_COLOR") == nullptr && isatty(STDOUT_FILENO);
    bool first = true;
    for (const auto& r : reports) {
      if (!first) std::fputs("\n", stdout);
      first = false;
      std::fputs(RenderText(r, style).c_str(), stdout);
    }
  }
  std::fflush(stdout);
  if (!out.html.empty()) {
    Status st = WriteHtmlReport(reports, out.html);
    if (!st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
  }
  if (out.fail_on.empty()) return kExitOk;
  Severity threshold = *ParseSeverity(out.fail_on);
  for (const auto& r : reports) {
    for (const auto& f : r.findings) {
      if (f.severity >= threshold) return kExitFindings;
    }
  }
  return kExitOk;
}

int RunPerInput(const std::vector<std::string>& inputs, const OutputOptions& out,
                const std::function<Result<Report>(const Input&, const AnalyzeOptions&)>& analyze) {
  std::vector<Report> reports;
  bool failed = false;
  for (const auto& path : inputs) {
    auto input = Input::Open(path, ToInputOptions(out));
    if (!input.ok()) {
      PrintError(input.status().message());
      failed = true;
      continue;
    }
    AnalyzeOptions options = ToAnalyzeOptions(out);
    auto report = analyze(*input, options);
    if (!report.ok()) {
      PrintError(report.status().message());
      failed = true;
      continue;
    }
    if (!input->cut_note().empty()) report->warnings.push_back(input->cut_note());
    reports.push_back(std::move(report).value());
  }
  int code = reports.empty() ? kExitOk : EmitReports(std::move(reports), out);
  return failed ? kExitError : code;
}

}  // namespace godx::cli
