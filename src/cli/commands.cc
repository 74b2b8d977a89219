#include "cli/commands.h"

namespace godx::cli {

std::span<const AddCommandFn> Commands() {
  static constexpr AddCommandFn kCommands[] = {
      AddAnalyzeCommand,
      AddGcCommand,
      AddPprofCommand,
      AddSchedCommand,
      AddDoctorCommand,
      AddWatchCommand,
      AddRunCommand,
      AddStacksCommand,
      AddEscapeCommand,
      AddAsmCommand,
      AddTraceCommand,
      AddServeCommand,
  };
  return kCommands;
}

}  // namespace godx::cli
