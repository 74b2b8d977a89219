#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/crash_check.h"
#include "report/text_renderer.h"
#include "stacks/analyze.h"
#include "stacks/diff.h"
#include "stacks/filter.h"
#include "stacks/reader.h"

namespace godx::cli {

namespace {

struct StacksArgs {
  std::vector<std::string> inputs;
  OutputOptions out;
  std::string similarity = "args";
  size_t top = 20;
  size_t frames = 12;
  bool stream = false;
  bool no_stream = false;
  std::vector<std::string> diff_inputs;
  std::string objdump;  // listing of the crashed binary (go tool objdump, -S)
  stacks::FilterOptions filter;
};

stacks::ReadOptions ReadOptionsFor(const StacksArgs& a) {
  stacks::ReadOptions o;
  o.similarity = a.similarity == "exact"   ? stacks::Similarity::kExact
                 : a.similarity == "lines" ? stacks::Similarity::kLines
                                           : stacks::Similarity::kArgs;
  return o;
}

bool Colour(const OutputOptions& out) {
  return !out.no_color && std::getenv("NO_COLOR") == nullptr && isatty(STDOUT_FILENO);
}

bool Fails(const Report& r, const OutputOptions& out) {
  if (out.fail_on.empty()) return false;
  Severity threshold = *ParseSeverity(out.fail_on);
  for (const auto& f : r.findings)
    if (f.severity >= threshold) return true;
  return false;
}

// Passes the text around the dumps through as it arrives and prints each dump, when it ends, in
// its bucketed form.
int RunStream(const StacksArgs& a) {
  stacks::ViewOptions view{a.top, a.frames};
  TextStyle style;
  style.color = Colour(a.out);
  bool fail = false;
  stacks::StreamSinks sinks;
  sinks.on_text = [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  };
  // Check the patterns before reading: a typo should not wait for the first dump.
  stacks::Dump probe;
  if (Status s = stacks::FilterDump(&probe, a.filter); !s.ok()) {
    PrintError(s.message());
    return kExitError;
  }
  sinks.on_section = [&](stacks::DumpParser& parser) {
    stacks::Dump d = parser.Take();
    (void)stacks::FilterDump(&d, a.filter);
    d.other_lines = 0;  // they were just printed above the report
    Report r = stacks::AnalyzeDump(d, {}, view);
    r.SortFindings();
    fail = fail || Fails(r, a.out);
    std::string text = RenderText(r, style);
    std::fputs(style.color ? "\033[2m┌── godx stacks\033[0m\n" : "┌── godx stacks\n", stdout);
    std::fputs(text.c_str(), stdout);
    std::fputs(style.color ? "\033[2m└──\033[0m\n" : "└──\n", stdout);
    std::fflush(stdout);
  };
  sinks.on_block = [] { std::fflush(stdout); };
  for (const auto& path : a.inputs) {
    auto result = stacks::ReadDumpStream(path, ReadOptionsFor(a), a.out.max_input_mib << 20, sinks);
    if (!result.ok()) {
      PrintError(result.status().message());
      return kExitError;
    }
  }
  std::fflush(stdout);
  return fail ? kExitFindings : kExitOk;
}

int RunReports(const StacksArgs& a) {
  stacks::ViewOptions view{a.top, a.frames};
  std::vector<Report> reports;
  bool failed = false;
  for (const auto& path : a.inputs) {
    auto dump = stacks::ReadDumpStream(path, ReadOptionsFor(a), a.out.max_input_mib << 20);
    if (!dump.ok()) {
      PrintError(dump.status().message());
      failed = true;
      continue;
    }
    if (Status s = stacks::FilterDump(&*dump, a.filter); !s.ok()) {
      PrintError(s.message());
      return kExitError;
    }
    AnalyzeOptions options;
    options.json = ToAnalyzeOptions(a.out).json;
    // Two processes' dumps interleaved behind their prefixes are read apart (unfiltered only:
    // the filter applies to the dump as read).
    Report report = a.filter.focus.empty() && a.filter.ignore.empty()
                        ? stacks::AnalyzeDumpAt(*dump, path, options, view)
                        : stacks::AnalyzeDump(*dump, options, view);
    if (!a.objdump.empty()) {
      if (Status s = AddCrashCheck(path, a.objdump, &report); !s.ok()) {
        PrintError(s.message());
        failed = true;
      }
    }
    reports.push_back(std::move(report));
  }
  int code = reports.empty() ? kExitOk : EmitReports(std::move(reports), a.out);
  return failed ? kExitError : code;
}

int RunDiff(const StacksArgs& a) {
  stacks::ViewOptions view{a.top, a.frames};
  auto before =
      stacks::ReadDumpStream(a.diff_inputs[0], ReadOptionsFor(a), a.out.max_input_mib << 20);
  if (!before.ok()) {
    PrintError(before.status().message());
    return kExitError;
  }
  auto after =
      stacks::ReadDumpStream(a.diff_inputs[1], ReadOptionsFor(a), a.out.max_input_mib << 20);
  if (!after.ok()) {
    PrintError(after.status().message());
    return kExitError;
  }
  for (stacks::Dump* d : {&*before, &*after}) {
    if (Status s = stacks::FilterDump(d, a.filter); !s.ok()) {
      PrintError(s.message());
      return kExitError;
    }
  }
  AnalyzeOptions options;
  options.json = ToAnalyzeOptions(a.out).json;
  stacks::DumpDiff diff = stacks::DiffDumps(*before, *after);
  std::vector<Report> reports;
  reports.push_back(stacks::AnalyzeDiff(*before, *after, diff, options, view));
  return EmitReports(std::move(reports), a.out);
}

void AddViewOptions(CLI::App* cmd, StacksArgs* a) {
  cmd->add_option("--similarity", a->similarity,
                  "How goroutines are grouped: exact (argument values too), args (same functions "
                  "and lines, any arguments), lines (same functions, any line)")
      ->check(CLI::IsMember({"exact", "args", "lines"}))
      ->capture_default_str();
  cmd->add_option("--top", a->top, "Stacks shown in text (0: all)")->capture_default_str();
  cmd->add_option("--frames", a->frames, "Frames shown per stack in text (0: all)")
      ->capture_default_str();
  cmd->add_option("--focus", a->filter.focus,
                  "Keep only stacks where a function, the creator or the state matches this RE2 "
                  "pattern, and otherwise only the goroutines with a matching label (pprof "
                  "labels, each matched as key=value: debug=1 '# labels:', Go 1.27 headers), "
                  "e.g. --focus 'myapp/|semacquire', --focus '^role=locker$'");
  cmd->add_option("--ignore", a->filter.ignore,
                  "Leave out stacks where a function, the creator or the state matches this RE2 "
                  "pattern, and goroutines with a matching key=value label, e.g. --ignore "
                  "'net/http\\.\\(\\*persistConn\\)' or --ignore '^worker=0$'");
}

}  // namespace

void AddStacksCommand(CLI::App& root, CommandContext& ctx) {
  auto args = std::make_shared<StacksArgs>();
  auto* cmd = root.add_subcommand(
      "stacks",
      "Read goroutine dumps and crash reports: panics, fatal errors (deadlock, concurrent map\n"
      "writes, stack overflow), SIGQUIT dumps, runtime.Stack and /debug/pprof/goroutine?debug=2\n"
      "or ?debug=1 (and Go 1.26+'s goroutineleak profile), race reports, 'http: panic serving'\n"
      "logs; from Go 1.5 to Go 1.27, also inside test output or service logs. Prints the crash\n"
      "first (panic value, crashed goroutine, the first frame in your code), findings (leaks,\n"
      "goroutines the runtime itself proved leaked, deadlock, lock convoys, syscalls, runaway\n"
      "goroutine creation, data races), then goroutines grouped by identical stack with their\n"
      "pprof labels. The report names the Go release the dump came from, as precisely as the\n"
      "text allows.\n"
      "With '-' (stdin) the surrounding text streams through and each dump is replaced by its\n"
      "grouped form as soon as it ends.\n"
      "Examples:\n"
      "  curl -s localhost:6060/debug/pprof/goroutine?debug=2 > g.txt; godx stacks g.txt\n"
      "  go test ./... 2>&1 | godx stacks -\n"
      "  godx stacks diff before.txt after.txt\n"
      "  godx stacks --objdump objdump.txt crash.txt   # which check panicked");
  cmd->add_option("inputs", args->inputs, "Dump files or logs ('-' for stdin)");
  AddOutputOptions(cmd, &args->out);
  AddViewOptions(cmd, args.get());
  cmd->add_flag("--stream", args->stream,
                "Pass the text around dumps through and print each dump grouped (default for '-')");
  cmd->add_flag("--no-stream", args->no_stream, "Read '-' to the end and print one report");
  cmd->add_option("--objdump", args->objdump,
                  "Listing of the crashed binary (go tool objdump, or -gcflags=-S): name the "
                  "runtime check the crash hit (bounds, nil, divide, ...)");

  auto* diff = cmd->add_subcommand(
      "diff",
      "Compare two dumps of the same process: stacks that grew, shrank, appeared or vanished.\n"
      "Example: godx stacks diff dump-10h00.txt dump-10h05.txt");
  diff->add_option("dumps", args->diff_inputs, "OLD and NEW dumps")->required()->expected(2);
  AddOutputOptions(diff, &args->out);
  AddViewOptions(diff, args.get());
  diff->callback([args, &ctx] { ctx.exit_code = RunDiff(*args); });

  cmd->callback([args, cmd, diff, &ctx] {
    if (diff->parsed()) return;
    if (args->inputs.empty()) {
      ctx.exit_code = PrintUsageError("stacks", "inputs is required");
      return;
    }
    (void)cmd;
    bool only_stdin = args->inputs.size() == 1 && args->inputs[0] == "-";
    bool stream = !args->out.json && !args->no_stream && (args->stream || only_stdin) &&
                  args->objdump.empty();
    ctx.exit_code = stream ? RunStream(*args) : RunReports(*args);
  });
}

}  // namespace godx::cli
