#include <fmt/format.h>

#include <filesystem>
#include <tuple>

#include "cli/commands.h"
#include "cli/report_pages.h"
#include "cli/signals.h"
#include "live/bundle.h"
#include "live/capture.h"
#include "live/doctor.h"
#include "live/duration.h"
#include "live/target.h"

namespace godx::cli {

void AddDoctorCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::string target;
    std::string out_dir;
    std::string cpu = "10s", trace = "2s", timeout = "30s";
    uint64_t max_file_mib = 256;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "doctor",
      "Capture a running Go program and diagnose it: one report merging every signal's findings.\n"
      "TARGET is the base URL of a service with net/http/pprof, a PID on this machine (its\n"
      "/proc data, and its pprof endpoints when one of its listening sockets serves them), or a\n"
      "bundle directory from an earlier run. Everything captured is written to a bundle\n"
      "directory with a manifest, one request at a time, with bounded time and size, and\n"
      "report.html (the report with charts of every captured file) beside it.\n"
      "Where the service offers /debug/pprof/goroutineleak (Go 1.27, or 1.26 built with\n"
      "GOEXPERIMENT=goroutineleakprofile) it is captured last, as it runs a GC, and the\n"
      "runtime's own leak verdict is set against the goroutine growth godx measures.\n"
      "Examples: godx doctor http://127.0.0.1:6060\n"
      "          godx doctor 4242 --cpu 30s --out /tmp/incident-42\n"
      "          godx doctor /tmp/incident-42 --json");
  cmd->add_option("target", args->target, "URL, PID or bundle directory")->required();
  cmd->add_option("--out", args->out_dir,
                  "Bundle directory to create (default: ./godx-doctor-<UTC time>)");
  cmd->add_option("--cpu", args->cpu, "CPU profile length; 0 skips it")->capture_default_str();
  cmd->add_option("--trace", args->trace, "Execution trace length; 0 skips it")
      ->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Deadline of each request, on top of its length")
      ->capture_default_str();
  cmd->add_option("--max-file", args->max_file_mib, "Largest file captured, in MiB")
      ->capture_default_str();
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    AnalyzeOptions analyze;
    analyze.json = ToAnalyzeOptions(args->out).json;
    std::error_code ec;
    std::string dir;
    if (!live::IsPidTarget(args->target) && std::filesystem::is_directory(args->target, ec)) {
      dir = args->target;
    } else {
      live::CaptureOptions co;
      for (auto [flag, text, field] : {std::tuple{"--cpu", &args->cpu, &co.cpu_s},
                                       {"--trace", &args->trace, &co.trace_s},
                                       {"--timeout", &args->timeout, &co.timeout_s}}) {
        auto d = live::ParseDurationSeconds(*text);
        if (!d.ok()) {
          ctx.exit_code =
              PrintUsageError("doctor", fmt::format("{} {}", flag, d.status().message()));
          return;
        }
        *field = *d;
      }
      co.max_bytes = args->max_file_mib << 20;
      auto captured = live::CaptureTarget(
          args->target, co,
          args->out_dir.empty() ? "godx-doctor-" + live::UtcStamp() : args->out_dir);
      if (!captured.ok()) {
        PrintError(captured.status().message());
        ctx.exit_code = kExitError;
        return;
      }
      dir = *captured;
      if (!args->out.json) fmt::print(stderr, "godx: bundle written to {}\n", dir);
    }
    auto report = live::AnalyzeBundle(dir, Signals(), analyze);
    if (!report.ok()) {
      PrintError(report.status().message());
      ctx.exit_code = kExitError;
      return;
    }
    int captured = report->summary.value("captured", 0);
    // The page: doctor's merged report first, then the charts of each captured file. A bundle
    // godx just captured gets it as report.html; a bundle read again only with --html (it may be
    // read-only, or someone else's).
    std::vector<std::string> pages;
    if (dir != args->target) pages.push_back(dir + "/report.html");
    if (!args->out.html.empty()) pages.push_back(args->out.html);
    if (!pages.empty()) {
      std::vector<Report> page{*report};
      for (auto& r : BundleFileReports(dir, ToInputOptions(args->out))) page.push_back(std::move(r));
      for (const auto& path : pages) {
        Status st = WriteHtmlReport(page, path);
        if (!st.ok()) PrintError(st.message());
      }
    }
    OutputOptions text_out = args->out;
    text_out.html.clear();  // written above, with the files' charts
    std::vector<Report> reports;
    reports.push_back(std::move(report).value());
    int code = EmitReports(std::move(reports), text_out);
    if (captured == 0) {
      PrintError(fmt::format("nothing could be captured from {}; see the bundle's manifest.json",
                             args->target));
      code = kExitError;
    }
    ctx.exit_code = code;
  });
}

}  // namespace godx::cli
