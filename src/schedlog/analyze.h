// Turns a SchedTrace into a Report. Thresholds: docs/formats/schedtrace.md ("Findings").
#pragma once

#include <string>

#include "core/input.h"
#include "core/report.h"
#include "schedlog/model.h"

namespace godx::schedlog {

Report AnalyzeSchedTrace(const SchedTrace& trace, const std::string& source,
                         const AnalyzeOptions& options = {});
Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options = {});

}  // namespace godx::schedlog
