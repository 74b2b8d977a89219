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
  // Directory walks only: files no signal claimed (not an error there: a directory holds other
  // files too), as paths.
  std::vector<std::string> skipped;
};

// Sniffs the first MiB of `input`, runs each claiming signal's analysis, and appends the input's
// cut note (truncated compressed stream, size cap) to every report's warnings.
SignalResults AnalyzeBySignals(std::span<const Signal> table, const Input& input,
                               const AnalyzeOptions& options);

// A directory: when a signal of the table claims it whole (a capture bundle, a -json=0,DIR tree),
// that signal's analysis; otherwise every file under it, in name order, through AnalyzeBySignals,
// with subdirectories a signal claims analysed whole. Files no signal claims are `skipped`; an
// error is a file a signal claimed but could not read, or a directory with no signal at all.
// Bounded: at most kMaxDirFiles files are looked at (an error says so when there are more).
inline constexpr size_t kMaxDirFiles = 10000;
SignalResults AnalyzeDirBySignals(std::span<const Signal> table, const std::string& dir,
                                  const InputOptions& input_options,
                                  const AnalyzeOptions& options);

// The signal names of `table` as "gc, pprof, sched, ..." (for "expected one of ..." messages).
std::string SignalNames(std::span<const Signal> table);

// The first bytes of `head` for a one-line message: Go-quoted with escapes, so that binary data
// shows as "PK\x03\x04" and text as its first characters, never as an empty ''.
std::string QuoteHead(std::string_view head, size_t max = 24);

}  // namespace godx
