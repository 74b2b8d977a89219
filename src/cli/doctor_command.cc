#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/signals.h"
#include "live/bundle.h"
#include "live/capture.h"
#include "live/doctor.h"
#include "live/duration.h"
#include "live/proc.h"

namespace godx::cli {

namespace {

bool IsPid(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

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
      "directory with a manifest, one request at a time, with bounded time and size.\n"
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
    analyze.json = args->out.json;
    std::error_code ec;
    std::string dir;
    if (!IsPid(args->target) && std::filesystem::is_directory(args->target, ec)) {
      dir = args->target;
    } else {
      live::CaptureOptions co;
      for (auto [text, field] : {std::pair{&args->cpu, &co.cpu_s},
                                 {&args->trace, &co.trace_s},
                                 {&args->timeout, &co.timeout_s}}) {
        auto d = live::ParseDurationSeconds(*text);
        if (!d.ok()) {
          PrintError(d.status().message());
          ctx.exit_code = kExitError;
          return;
        }
        *field = *d;
      }
      co.max_bytes = args->max_file_mib << 20;
      std::optional<live::ProcessInfo> process;
      std::optional<live::Url> url;
      if (IsPid(args->target)) {
        auto p = live::ReadProcess(std::stoll(args->target));
        if (!p.ok()) {
          PrintError(p.status().message());
          ctx.exit_code = kExitError;
          return;
        }
        process = std::move(p).value();
      } else {
        auto u = live::ParseUrl(args->target);
        if (!u.ok()) {
          PrintError(fmt::format("{} (TARGET is a URL, a PID or a bundle directory)",
                                 u.status().message()));
          ctx.exit_code = kExitError;
          return;
        }
        url = live::PprofBase(*u);
        // A service on this machine: its process is found by its listening port, so the report
        // gets /proc data (threads, RSS against Go memory) too.
        if (live::IsLoopbackHost(u->host)) {
          int64_t pid = live::FindListenerPid(static_cast<uint16_t>(u->port));
          if (pid >= 0) {
            if (auto p = live::ReadProcess(pid); p.ok()) process = std::move(p).value();
          }
        }
      }
      dir = args->out_dir.empty() ? "godx-doctor-" + live::UtcStamp() : args->out_dir;
      live::Manifest m;
      m.target = args->target;
      m.target_kind = url ? "url" : "pid";
      auto bundle = live::Bundle::Create(dir, std::move(m));
      if (!bundle.ok()) {
        PrintError(bundle.status().message());
        ctx.exit_code = kExitError;
        return;
      }
      if (process) {
        live::CaptureProcess(*process, &*bundle);
      }
      if (process && !url) {
        if (process->go_version.empty()) {
          bundle->manifest().facts["go_buildinfo_note"] = process->go_buildinfo_note;
        }
        std::vector<std::string> tried;
        url = live::ProbePprof(*process, 2.0, &tried);
        bundle->manifest().facts["pprof_probe"] = tried;
        (void)bundle->WriteManifest();
      }
      if (url) {
        live::CaptureUrl(*url, co, &*bundle);
      } else {
        bundle->manifest().complete = true;
        (void)bundle->WriteManifest();
      }
      if (!args->out.json) fmt::print(stderr, "godx: bundle written to {}\n", dir);
    }
    auto report = live::AnalyzeBundle(dir, Signals(), analyze);
    if (!report.ok()) {
      PrintError(report.status().message());
      ctx.exit_code = kExitError;
      return;
    }
    int captured = report->summary.value("captured", 0);
    std::vector<Report> reports;
    reports.push_back(std::move(report).value());
    int code = EmitReports(std::move(reports), args->out);
    if (captured == 0) {
      PrintError(fmt::format("nothing could be captured from {}; see the bundle's manifest.json",
                             args->target));
      code = kExitError;
    }
    ctx.exit_code = code;
  });
}

}  // namespace godx::cli
