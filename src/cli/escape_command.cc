// `godx escape`: escape analysis and inlining decisions from -gcflags=-m / -m=2 / -json=0,DIR;
// `godx escape diff BASE NEW` for CI; `godx escape run [PACKAGES]` builds with a fresh -json dir.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "compiler/analyze.h"
#include "compiler/reader.h"

namespace godx::cli {

namespace {

// The go command on PATH, or "" when there is none.
std::string FindGo() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view p = path;
  while (!p.empty()) {
    size_t colon = p.find(':');
    std::string dir(p.substr(0, colon));
    p = colon == std::string_view::npos ? std::string_view() : p.substr(colon + 1);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/go";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// "FROM=TO" pairs; a pair without '=' maps nothing.
compiler::SourceMap SourceMapOf(const std::vector<std::string>& pairs) {
  compiler::SourceMap m;
  for (const auto& p : pairs) {
    size_t eq = p.find('=');
    if (eq != std::string::npos && eq > 0) m.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return m;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace

void AddEscapeCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> inputs;
    std::string explain;
    std::vector<std::string> source_map;
    compiler::EscapeOptions options;
    OutputOptions out;
    // diff
    std::string base, next;
    compiler::DiffOptions diff;
    OutputOptions diff_out;
    // run
    std::vector<std::string> packages;
    std::string gcflags_scope;
    std::string dir;
    bool keep = false;
    OutputOptions run_out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "escape",
      "Explain escape analysis and inlining from go build -gcflags=-m, -m=2 or -json=0,DIR:\n"
      "values moved to the heap and why (the -m=2 flow reassembled into one path), leaking\n"
      "parameters, functions near or over the inlining budget, devirtualized calls.\n"
      "Inputs are -m text (lines in any order, repeated, from Go 1.13 on) or a -json=0 directory.\n"
      "Examples:\n"
      "  go build -gcflags=-m=2 ./... 2> m2.txt; godx escape m2.txt\n"
      "  godx escape --explain main.go:42 m2.txt\n"
      "  godx escape diff base.txt new.txt --fail-on warning\n"
      "  godx escape run ./cmd/server");
  cmd->add_option("inputs", args->inputs, "-m text files ('-' for stdin) or -json=0 directories");
  cmd->add_option("--source-map", args->source_map,
                  "FROM=TO: read the sources a -json dir names under FROM from TO instead (to "
                  "name functions when the build ran elsewhere); repeatable");
  cmd->add_option("--explain", args->explain,
                  "Why the values at FILE:LINE escape (FILE may be a path suffix: main.go:42)");
  cmd->add_option("--near", args->options.near_budget,
                  "Show inlinable functions whose cost is within N of the budget (80)")
      ->capture_default_str();
  cmd->add_option("--top", args->options.top, "Rows per table")->capture_default_str();
  AddOutputOptions(cmd, &args->out);

  auto* diff = cmd->add_subcommand(
      "diff",
      "Compare two builds' diagnostics: new heap escapes, parameters that now leak, functions\n"
      "that lost inlining, inlining cost growth. Values are matched by file, function and\n"
      "expression, so moved lines do not count as changes (-json dirs without their sources,\n"
      "whose functions are named by position, by file and expression in source order). Exit 1\n"
      "with --fail-on warning when something regressed.\n"
      "Example: godx escape diff --fail-on warning main-m2.txt pr-m2.txt");
  diff->add_option("base", args->base, "The base build's -m output or -json dir")->required();
  diff->add_option("new", args->next, "The new build's -m output or -json dir")->required();
  diff->add_option("--cost-growth", args->diff.cost_growth,
                   "Report inlining cost growth of at least this much")
      ->capture_default_str();
  diff->add_option("--source-map", args->source_map, "FROM=TO, as for 'godx escape'");
  diff->add_option("--near", args->diff.near_budget,
                   "Cost growth ending within N of the budget is a warning")
      ->capture_default_str();
  AddOutputOptions(diff, &args->diff_out);

  auto* run = cmd->add_subcommand(
      "run",
      "Build PACKAGES with the go command on PATH and a fresh -gcflags=-json=0,DIR directory\n"
      "(so the build cache cannot hide the diagnostics), then analyse them like 'godx escape'.\n"
      "-json records no inlined or devirtualized calls: build with -gcflags=-m=2 for those.\n"
      "Example: godx escape run ./internal/... --scope all");
  run->add_option("packages", args->packages, "Package patterns (default: .)");
  run->add_option("--scope", args->gcflags_scope,
                  "-gcflags package pattern: '' = the named packages, 'all' = dependencies too");
  run->add_option("--dir", args->dir, "Run the build in this directory (the module to build)");
  run->add_flag("--keep", args->keep, "Keep the -json directory and print its path");
  AddOutputOptions(run, &args->run_out);

  diff->callback([args, &ctx] {
    InputOptions io = ToInputOptions(args->diff_out);
    std::unique_ptr<Input> keep_a, keep_b;
    auto a = compiler::ReadEscapeAny(args->base, io, &keep_a, SourceMapOf(args->source_map));
    if (!a.ok()) {
      PrintError(a.status().message());
      ctx.exit_code = kExitError;
      return;
    }
    auto b = compiler::ReadEscapeAny(args->next, io, &keep_b, SourceMapOf(args->source_map));
    if (!b.ok()) {
      PrintError(b.status().message());
      ctx.exit_code = kExitError;
      return;
    }
    std::vector<Report> reports;
    reports.push_back(compiler::DiffBuilds(*a, *b, args->base, args->next, args->diff));
    ctx.exit_code = EmitReports(std::move(reports), args->diff_out);
  });

  run->callback([args, &ctx] {
    std::string go = FindGo();
    if (go.empty()) {
      PrintError(
          "escape run: no 'go' command on PATH; build with -gcflags=-json=0,DIR yourself "
          "and pass DIR to 'godx escape'");
      ctx.exit_code = kExitError;
      return;
    }
    char tmpl[] = "/tmp/godx-escape-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      PrintError("escape run: cannot create a temporary directory");
      ctx.exit_code = kExitError;
      return;
    }
    std::string dir = tmpl;
    std::string json_dir = dir + "/json";
    std::string scope = args->gcflags_scope.empty() ? "" : args->gcflags_scope + "=";
    std::vector<std::string> pkgs = args->packages;
    if (pkgs.empty()) pkgs.push_back(".");
    // -o DIR/ keeps binaries of main packages out of the working directory.
    // -o DIR/ keeps binaries of main packages out of the source tree; go build refuses it when
    // no named package is a main package, and then writes nothing anyway, so retry without it.
    auto build = [&](bool with_output) {
      std::string command = args->dir.empty() ? "" : "cd " + ShellQuote(args->dir) + " && ";
      command += ShellQuote(go) + " build ";
      if (with_output) command += "-o " + ShellQuote(dir + "/bin/") + " ";
      command += "-gcflags=" + ShellQuote(scope + "-json=0,file://" + json_dir) + " ";
      for (const auto& p : pkgs) command += ShellQuote(p) + " ";
      command += "2>" + ShellQuote(dir + "/stderr");
      return std::system(command.c_str());
    };
    auto read_stderr = [&] {
      std::string err;
      if (FILE* f = std::fopen((dir + "/stderr").c_str(), "r")) {
        char buf[512];
        size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        err = buf;
        std::fclose(f);
      }
      return err;
    };
    int status = build(true);
    if (status != 0 && read_stderr().find("no main packages to build") != std::string::npos)
      status = build(false);
    auto cleanup = [&] {
      std::error_code ec;
      if (!args->keep) std::filesystem::remove_all(dir, ec);
    };
    if (status != 0) {
      std::string err = read_stderr();
      while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
      for (char& c : err)
        if (c == '\n') c = ' ';
      PrintError(fmt::format("escape run: go build failed (exit {}): {}",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1, err));
      cleanup();
      ctx.exit_code = kExitError;
      return;
    }
    auto b = compiler::ReadEscapeJsonDir(json_dir, ToInputOptions(args->run_out));
    if (!b.ok()) {
      PrintError(b.status().message());
      cleanup();
      ctx.exit_code = kExitError;
      return;
    }
    AnalyzeOptions ao;
    ao.json = ToAnalyzeOptions(args->run_out).json;
    std::vector<Report> reports;
    std::string source = "go build";
    for (const auto& p : pkgs) source += " " + p;
    reports.push_back(compiler::AnalyzeEscapes(*b, source, args->options, ao));
    if (args->keep) reports.back().warnings.push_back("kept the -json directory " + json_dir);
    cleanup();
    ctx.exit_code = EmitReports(std::move(reports), args->run_out);
  });

  cmd->callback([cmd, diff, run, args, &ctx] {
    if (diff->parsed() || run->parsed()) return;
    if (args->inputs.empty()) {
      ctx.exit_code = PrintUsageError("escape", "inputs is required");
      return;
    }
    (void)cmd;
    InputOptions io = ToInputOptions(args->out);
    std::vector<Report> reports;
    bool failed = false;
    AnalyzeOptions ao;
    ao.json = ToAnalyzeOptions(args->out).json;
    for (const auto& path : args->inputs) {
      std::unique_ptr<Input> keep;
      auto b = compiler::ReadEscapeAny(path, io, &keep, SourceMapOf(args->source_map));
      if (!b.ok()) {
        PrintError(b.status().message());
        failed = true;
        continue;
      }
      if (!args->explain.empty()) {
        auto r = compiler::ExplainAt(*b, path, args->explain);
        if (!r.ok()) {
          PrintError(r.status().message());
          failed = true;
          continue;
        }
        reports.push_back(std::move(r).value());
      } else {
        reports.push_back(compiler::AnalyzeEscapes(*b, path, args->options, ao));
      }
      if (keep && !keep->cut_note().empty()) reports.back().warnings.push_back(keep->cut_note());
    }
    int code = reports.empty() ? kExitOk : EmitReports(std::move(reports), args->out);
    ctx.exit_code = failed ? kExitError : code;
  });
}

}  // namespace godx::cli
