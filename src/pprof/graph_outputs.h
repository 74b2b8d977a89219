// The pprof outputs built on the call graph rather than on text tables: -dot and the pictures
// Graphviz renders from it, -callgrind/-kcachegrind, -topproto and -proto. One entry point so
// the command line (and the interactive shell) dispatch them alike.
#pragma once

#include <string>

#include "core/status.h"
#include "pprof/model.h"
#include "pprof/options.h"
#include "pprof/text_report.h"

namespace godx::pprof {

bool IsGraphOutput(OutputFormat f);
// The bytes of output `ctx.options.format` for a profile prepared by PreparePprofReport. -proto
// with -divide_by scales `p`'s values in place, as pprof does.
Result<std::string> GenerateGraphOutput(Profile& p, ReportContext& ctx);

}  // namespace godx::pprof
