#include "cli/commands.h"
#include "gclog/analyze.h"

namespace godx::cli {

void AddGcCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> inputs;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "gc",
      "Analyse GODEBUG=gctrace=1 output: pauses, GC CPU, mark assists, live heap growth.\n"
      "Reads every format since Go 1.4; other lines in the log are skipped and counted.\n"
      "Example: GODEBUG=gctrace=1 ./server 2> gc.log; godx gc gc.log");
  cmd->add_option("inputs", args->inputs, "Log files ('-' for stdin)")->required();
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    ctx.exit_code = RunPerInput(args->inputs, args->out, [](const Input& in, const AnalyzeOptions& o) { return gclog::AnalyzeInput(in, o); });
  });
}

}  // namespace godx::cli
