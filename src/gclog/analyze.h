// Turns a GcTrace into a Report: summary, per-cycle series and findings. The thresholds are
// documented in docs/formats/gctrace.md ("Findings").
#pragma once

#include <string>

#include "core/input.h"
#include "core/report.h"
#include "gclog/model.h"

namespace godx::gclog {

Report AnalyzeGcTrace(const GcTrace& trace, const std::string& source,
                      const AnalyzeOptions& options = {});
// ReadGcTrace + AnalyzeGcTrace: the row `godx analyze` uses.
Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options = {});

}  // namespace godx::gclog
