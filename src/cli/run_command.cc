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
#include "trace/analyze.h"

namespace godx::cli {

void AddRunCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> argv;
    std::string godebug = std::string(live::kDefaultGodebug);
    bool quiet_runtime = false;
    std::string crash_dir;
    std::string report_file;
    std::string trace_file;
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
  cmd->add_option("--trace", args->trace_file,
                  "Record an execution trace to FILE and add its analysis to the summary. Only\n"
                  "for tests: `go test` (godx passes -trace) or a test binary built with\n"
                  "`go test -c` (named *.test; godx passes -test.trace). Any other program must\n"
                  "call runtime/trace.Start itself: the runtime has no switch to start tracing.");
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    live::RunOptions ro;
    ro.argv = args->argv;
    if (!args->trace_file.empty()) {
      // The only ways to trace a program that does not call trace.Start are go test's flags.
      auto& av = ro.argv;
      const std::string& prog = av[0];
      const auto base = prog.substr(prog.find_last_of('/') + 1);
      if (base == "go" && av.size() >= 2 && av[1] == "test") {
        av.insert(av.begin() + 2, "-trace=" + args->trace_file);
      } else if (base.size() > 5 && base.ends_with(".test")) {
        av.insert(av.begin() + 1, "-test.trace=" + args->trace_file);
      } else {
        PrintError(fmt::format("--trace: {} is neither `go test` nor a test binary (*.test): a "
                               "program records a trace only if it calls runtime/trace.Start",
                               prog));
        ctx.exit_code = 2;
        return;
      }
    }
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
    analyze.json = ToAnalyzeOptions(args->out).json;
    auto reports = live::RunReports(ro, *outcome, bundle_dir, Signals(), analyze);
    if (!args->trace_file.empty()) {
      if (auto in = Input::Open(args->trace_file, InputOptions{}); !in.ok()) {
        PrintError(fmt::format("--trace: no trace was recorded: {}", in.status().message()));
      } else if (auto tr = trace::AnalyzeInput(*in, analyze); !tr.ok()) {
        PrintError(tr.status().message());
      } else {
        reports.push_back(std::move(*tr));
      }
    }
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
    if (!args->out.html.empty()) {
      if (Status st = WriteHtmlReport(reports, args->out.html); !st.ok()) PrintError(st.message());
    }
    ctx.exit_code = outcome->exit_code;
  });
}

}  // namespace godx::cli
