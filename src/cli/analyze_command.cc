#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/signals.h"
#include "core/dispatch.h"

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
      "A log with gctrace and schedtrace lines gets both reports.\n"
      "Example: godx analyze service.log.gz   Signals:" +
          signals);
  cmd->add_option("inputs", args->inputs, "Files ('-' for stdin)")->required();
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    std::vector<Report> reports;
    bool failed = false;
    for (const auto& path : args->inputs) {
      auto input = Input::Open(path, ToInputOptions(args->out));
      if (!input.ok()) {
        PrintError(input.status().message());
        failed = true;
        continue;
      }
      AnalyzeOptions options;
      options.json = args->out.json;
      SignalResults results = AnalyzeBySignals(Signals(), *input, options);
      for (const auto& error : results.errors) PrintError(error);
      if (!results.errors.empty()) failed = true;
      for (auto& r : results.reports) reports.push_back(std::move(r));
    }
    int code = reports.empty() ? kExitOk : EmitReports(std::move(reports), args->out);
    ctx.exit_code = failed ? kExitError : code;
  });
}

}  // namespace godx::cli
