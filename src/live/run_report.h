// What `godx run` prints when the program ends, and the crash bundle it writes when the program
// crashed (traceback, runtime log, exit status), so the crash can be re-read with `godx doctor
// DIR`.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/report.h"
#include "core/signal.h"
#include "live/runner.h"

namespace godx::live {

// Writes traceback.txt, runtime.log, stderr-tail.txt and exit.json into a new bundle at `dir`.
Result<std::string> WriteRunBundle(const RunOptions& options, const RunOutcome& outcome,
                                   const std::string& dir);

// The run report (exit status, crash finding), then the reports of every signal that claims the
// runtime log (GC, scheduler) and the traceback (goroutine dump reader), in that order.
std::vector<Report> RunReports(const RunOptions& options, const RunOutcome& outcome,
                               const std::string& bundle_dir, std::span<const Signal> table,
                               const AnalyzeOptions& analyze);

}  // namespace godx::live
