// `go tool pprof`'s command line, verbatim: `[flags] [binary] source...` with Go's flag syntax
// (-flag, --flag, -flag=value, -flag value; parsing stops at the first non-flag argument, as Go's
// flag package does). Fills PprofOptions with pprof's defaults and meanings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "pprof/options.h"

namespace godx::pprof {

// True when `args` (after "pprof") use pprof's own spelling: some argument before the first
// source is a single-dash flag longer than one letter that pprof knows (-top, -lines, -focus=x).
bool IsPprofCommandLine(const std::vector<std::string>& args);

// Parses `args` (after "pprof"). Errors read as pprof's do ("flag provided but not defined: -x").
Result<PprofOptions> ParsePprofFlags(const std::vector<std::string>& args);

// The output name pprof uses for `f` ("text", "tree", ...).
std::string_view OutputFormatName(OutputFormat f);

}  // namespace godx::pprof
