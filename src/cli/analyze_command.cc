#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/signals.h"
#include "core/text.h"

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
      std::string_view head = input->data().substr(0, 1 << 20);
      if (input->data().empty()) {
        PrintError(fmt::format("{}: empty input, nothing to analyse", input->name()));
        failed = true;
        continue;
      }
      auto matched = SignalsFor(Signals(), head);
      if (matched.empty()) {
        PrintError(fmt::format(
            "{}: not a signal godx reads ({} data starting '{}'); see 'godx help analyze'",
            input->name(), LooksBinary(head) ? "binary" : "text", LooksBinary(head) ? "" : std::string(FirstLine(head))));
        failed = true;
        continue;
      }
      for (const Signal* s : matched) {
        AnalyzeOptions options;
        options.json = args->out.json;
        auto report = s->analyze(*input, options);
        if (!report.ok()) {
          PrintError(report.status().message());
          failed = true;
          continue;
        }
        if (!input->cut_note().empty()) report->warnings.push_back(input->cut_note());
        reports.push_back(std::move(report).value());
      }
    }
    int code = reports.empty() ? kExitOk : EmitReports(std::move(reports), args->out);
    ctx.exit_code = failed ? kExitError : code;
  });
}

}  // namespace godx::cli
