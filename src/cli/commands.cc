#include "cli/commands.h"

namespace godx::cli {

std::span<const AddCommandFn> Commands() {
  static constexpr AddCommandFn kCommands[] = {
      AddAnalyzeCommand,
      AddGcCommand,
      AddPprofCommand,
      AddSchedCommand,
  };
  return kCommands;
}

}  // namespace godx::cli
