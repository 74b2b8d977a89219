#include "cli/commands.h"
#include "schedlog/analyze.h"

namespace godx::cli {

void AddSchedCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> inputs;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "sched",
      "Analyse GODEBUG=schedtrace=N[,scheddetail=1] output for scheduler trouble.\n"
      "Run-queue backlog, idle Ps with queued work, thread growth, per-P imbalance; with\n"
      "scheddetail, goroutines by status and wait reason, blocked Ms, locked goroutines.\n"
      "gctrace and program lines may be interleaved.\n"
      "Example: GODEBUG=schedtrace=1000 ./server 2> sched.log; godx sched sched.log");

  cmd->add_option("inputs", args->inputs, "Log files ('-' for stdin)")->required();
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    ctx.exit_code = RunPerInput(args->inputs, args->out, [](const Input& in, const AnalyzeOptions& o) { return schedlog::AnalyzeInput(in, o); });
  });
}

}  // namespace godx::cli
