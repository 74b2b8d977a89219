#include "cli/report_pages.h"

#include <filesystem>

#include "cli/signals.h"
#include "core/dispatch.h"
#include "live/bundle.h"
#include "live/doctor.h"
#include "pprof/analyze.h"
#include "pprof/export.h"
#include "pprof/graph_outputs.h"
#include "pprof/reader.h"
#include "report/html_svg.h"

namespace godx::cli {

namespace {

// The page draws from the series the JSON form carries.
AnalyzeOptions PageOptions() {
  AnalyzeOptions o;
  o.json = true;
  return o;
}

// Every signal that claims `input`, with the flame graph for profiles.
SignalResults FileReports(const Input& input) {
  SignalResults results = AnalyzeBySignals(Signals(), input, PageOptions());
  for (auto& r : results.reports) {
    if (r.kind == "pprof") AddFlameData(input, &r);
  }
  return results;
}

}  // namespace

void AddFlameData(const Input& input, Report* report) {
  auto p = pprof::ReadProfile(input);
  if (!p.ok()) return;
  auto idx = pprof::ResolveSampleIndex(*p, "");
  if (!idx.ok()) return;
  report->extra["flame"] = Json::parse(pprof::FlameData(*p, *idx));
  AddCallGraph(std::move(*p), "", report);
}

void AddCallGraph(pprof::Profile p, const std::string& sample_index, Report* report) {
  pprof::PprofOptions o;
  o.format = pprof::OutputFormat::kSvg;
  o.format_name = "svg";
  o.sample_index = sample_index;
  Result<std::string> svg = Status::Error("");
  auto ctx = pprof::PreparePprofReport(o, &p);
  svg = ctx.ok() ? pprof::GenerateGraphOutput(p, *ctx) : Result<std::string>(ctx.status());
  if (svg.ok()) {
    report->extra["callgraph"] = Json{{"svg", SanitizeSvg(*svg)}};
  } else {
    report->extra["callgraph"] = Json{{"note", "no call graph: " + svg.status().message()}};
  }
}

std::vector<Report> BundleFileReports(const std::string& dir, const InputOptions& input_options) {
  std::vector<Report> out;
  auto m = live::ReadManifest(dir);
  if (!m.ok()) return out;
  for (const auto& e : m->entries) {
    if (e.file.empty() || !e.error.empty() || live::IsBundleOwnFile(e.file)) continue;
    std::string path = dir + "/" + e.file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    auto in = Input::Open(path, input_options);
    if (!in.ok()) continue;
    for (auto& r : FileReports(*in).reports) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Report>> PageReports(const std::string& path,
                                        const InputOptions& input_options) {
  std::vector<Report> out;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (live::IsBundleDir(path)) {
      GODX_ASSIGN_OR_RETURN(Report doctor, live::AnalyzeBundle(path, Signals(), PageOptions()));
      out.push_back(std::move(doctor));
      for (auto& r : BundleFileReports(path, input_options)) out.push_back(std::move(r));
      return out;
    }
    SignalResults results = AnalyzeDirBySignals(Signals(), path, input_options, PageOptions());
    if (results.reports.empty()) {
      return Status::Error(results.errors.empty() ? path + ": no input godx reads"
                                                  : results.errors.front());
    }
    return std::move(results.reports);
  }
  GODX_ASSIGN_OR_RETURN(Input in, Input::Open(path, input_options));
  SignalResults results = FileReports(in);
  if (results.reports.empty()) {
    return Status::Error(results.errors.empty() ? path + ": no input godx reads"
                                                : results.errors.front());
  }
  return std::move(results.reports);
}

}  // namespace godx::cli
