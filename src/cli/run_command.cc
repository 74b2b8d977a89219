#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "cli/commands.h"
#include "cli/signals.h"
#include "live/bundle.h"
#include "live/run_report.h"
#include "live/runner.h"
#include "report/json_renderer.h"
#include "report/text_renderer.h"

namespace godx::cli {

void AddRunCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> argv;
    std::string godebug = std::string(live::kDefaultGodebug);
    bool quiet_runtime = false;
    std::string crash_dir;
    std::string report_file;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "run",
      "Run a Go program with GODEBUG=gctrace=1,schedtrace=1000 (added to your own GODEBUG),\n"
      "pass its output through, read the runtime's lines as they arrive, and print the GC and\n"
      "scheduler summary when it ends. When it crashes, the traceback is analysed and a crash\n"
      "bundle (traceback, runtime log, exit status) is written. godx exits with the program's\n"
      "status (128+N when signal N killed it). The summary goes to stderr (or --report FILE),\n"
      "so the program's stdout stays its own.\n"
      "Example: godx run --quiet-runtime -- ./server -addr :8080");
  cmd->add_option("command", args->argv, "The program and its arguments, after --")->required();
  cmd->add_option("--godebug", args->godebug, "GODEBUG settings godx adds")->capture_default_str();
  cmd->add_flag("--quiet-runtime", args->quiet_runtime,
                "Keep the runtime's gctrace/schedtrace lines off the terminal");
  cmd->add_option("--crash-dir", args->crash_dir,
                  "Crash bundle directory (default: ./godx-crash-<UTC time>)");
  cmd->add_option("--report", args->report_file, "Write the summary to this file, not stderr");
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    live::RunOptions ro;
    ro.argv = args->argv;
    ro.godebug = args->godebug;
    ro.quiet_runtime = args->quiet_runtime;
    auto outcome = live::RunProgram(ro);
    if (!outcome.ok()) {
      PrintError(outcome.status().message());
      ctx.exit_code = 127;
      return;
    }
    std::string bundle_dir;
    if (outcome->Crashed()) {
      std::string dir =
          args->crash_dir.empty() ? "godx-crash-" + live::UtcStamp() : args->crash_dir;
      auto written = live::WriteRunBundle(ro, *outcome, dir);
      if (written.ok()) {
        bundle_dir = *written;
      } else {
        PrintError(written.status().message());
      }
    }
    AnalyzeOptions analyze;
    analyze.json = args->out.json;
    auto reports = live::RunReports(ro, *outcome, bundle_dir, Signals(), analyze);
    for (auto& r : reports) r.SortFindings();
    std::string text;
    if (args->out.json) {
      text = RenderJson(reports);
    } else {
      TextStyle style;
      style.color = !args->out.no_color && std::getenv("NO_COLOR") == nullptr &&
                    args->report_file.empty() && isatty(STDERR_FILENO);
      for (size_t i = 0; i < reports.size(); ++i) {
        text += (i ? "\n" : "\n") + RenderText(reports[i], style);
      }
    }
    if (args->report_file.empty()) {
      std::fflush(stdout);
      std::fputs(text.c_str(), stderr);
    } else {
      std::ofstream f(args->report_file, std::ios::trunc);
      f << text;
      if (!f) PrintError(fmt::format("{}: cannot write the report", args->report_file));
    }
    ctx.exit_code = outcome->exit_code;
  });
}

}  // namespace godx::cli
