// The command table: one row per command, each defined in its own file.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "cli/command.h"

namespace godx::cli {

void AddGcCommand(CLI::App& root, CommandContext& ctx);
void AddSchedCommand(CLI::App& root, CommandContext& ctx);
void AddAnalyzeCommand(CLI::App& root, CommandContext& ctx);
void AddDoctorCommand(CLI::App& root, CommandContext& ctx);
void AddWatchCommand(CLI::App& root, CommandContext& ctx);
void AddRunCommand(CLI::App& root, CommandContext& ctx);
void AddStacksCommand(CLI::App& root, CommandContext& ctx);
void AddEscapeCommand(CLI::App& root, CommandContext& ctx);
void AddAsmCommand(CLI::App& root, CommandContext& ctx);
void AddPprofCommand(CLI::App& root, CommandContext& ctx);
// `godx pprof` given pprof's own command line (args after "pprof"): single-dash pprof flags.
bool IsPprofFlagsCommandLine(const std::vector<std::string>& args);
int RunPprofFlagsCommandLine(const std::vector<std::string>& args);
void AddTraceCommand(CLI::App& root, CommandContext& ctx);
void AddServeCommand(CLI::App& root, CommandContext& ctx);

std::span<const AddCommandFn> Commands();

}  // namespace godx::cli
