// Runs every signal of a table that claims an input (by content, never by name). Shared by
// `godx analyze` and by `godx doctor`, which routes every file of a capture bundle this way so that
// each reader's findings land in one merged report.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/input.h"
#include "core/report.h"
#include "core/signal.h"

namespace godx {

struct SignalResults {
  std::vector<Report> reports;      // one per signal that claimed and read the input
  std::vector<std::string> errors;  // one line each: no signal matched, or a reader failed
};

// Sniffs the first MiB of `input`, runs each claiming signal's analysis, and appends the input's
// cut note (truncated compressed stream, size cap) to every report's warnings.
SignalResults AnalyzeBySignals(std::span<const Signal> table, const Input& input,
                               const AnalyzeOptions& options);

}  // namespace godx
