#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/signals.h"
#include "core/dispatch.h"
#include "core/plural.h"

namespace godx::cli {

void AddAnalyzeCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> inputs;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  std::string signals;
  for (const Signal& s : Signals()) signals += fmt::format("\n  {:<8} {}", s.name, s.description);
  auto* cmd = root.add_subcommand(
      "analyze",
      "Recognise each input by its content (not its name) and analyse every signal it holds.\n"
      "A log with gctrace and schedtrace lines gets both reports. A directory is a capture\n"
      "bundle (analysed as 'godx doctor DIR'), a -json=0,DIR tree (as 'godx escape DIR'), or\n"
      "else every file in it that holds a signal.\n"
      "Examples:\n"
      "  godx analyze service.log.gz\n"
      "  godx analyze ./godx-doctor-20261127T013000Z\n"
      "Signals:" +
          signals);
  cmd->add_option("inputs", args->inputs, "Files or directories ('-' for stdin)")->required();
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    std::vector<Report> reports;
    bool failed = false;
    AnalyzeOptions options;
    options.json = ToAnalyzeOptions(args->out).json;
    for (const auto& path : args->inputs) {
      SignalResults results;
      std::error_code ec;
      if (path != "-" && std::filesystem::is_directory(path, ec)) {
        results = AnalyzeDirBySignals(Signals(), path, ToInputOptions(args->out), options);
        if (!results.skipped.empty() && !results.reports.empty()) {
          std::string first;
          for (size_t i = 0; i < results.skipped.size() && i < 3; ++i) {
            first += (i ? ", " : "") +
                     std::filesystem::path(results.skipped[i]).lexically_relative(path).string();
          }
          PrintNote(fmt::format("{}: {} skipped, not a signal godx reads ({}{})", path,
                                Plural(results.skipped.size(), "file"), first,
                                results.skipped.size() > 3 ? ", ..." : ""));
        }
      } else {
        auto input = Input::Open(path, ToInputOptions(args->out));
        if (!input.ok()) {
          PrintError(input.status().message());
          failed = true;
          continue;
        }
        results = AnalyzeBySignals(Signals(), *input, options);
      }
      for (const auto& error : results.errors) PrintError(error);
      if (!results.errors.empty()) failed = true;
      for (auto& r : results.reports) reports.push_back(std::move(r));
    }
    int code = reports.empty() ? kExitOk : EmitReports(std::move(reports), args->out);
    ctx.exit_code = failed ? kExitError : code;
  });
}

}  // namespace godx::cli
