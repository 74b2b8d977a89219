// Output of two or more processes interleaved line by line in one input: two services' logs of
// `docker compose logs`, or two programs writing to one terminal. A runtime trace numbers or times
// its records (gctrace's "gc N @Ts", schedtrace's "SCHED Tms"), so records whose numbers or times
// go back without the trace starting over show that more than one process wrote the input. Read
// as one, it gives one trace with wrong rates and trends; SplitInterleaved gives each process's
// lines apart, and MergeProcessReports puts the reports of each back into one.
#pragma once

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/input.h"
#include "core/report.h"
#include "core/status.h"

namespace godx {

// A record's place in its process's sequence: `num` its number (NaN when the format has none),
// `at` its time in seconds.
struct SequenceKey {
  double num = NAN;
  double at = NAN;
};

// Finds a record in `line`: sets `*start` to where it begins (the text before it is the line's
// prefix, e.g. "api-1  | ") and `*key`; false for any other line.
using SequenceKeyParser =
    std::function<bool(std::string_view line, size_t* start, SequenceKey* key)>;

struct InterleavedProcesses {
  // False: the lines cannot be told apart (no distinguishing prefix, and the records' numbers do
  // not link them up); `texts` is then empty.
  bool separable = false;
  bool by_prefix = false;  // told apart by the prefix each line carries
  std::vector<std::string> labels;  // "api-1" (the prefix) or "process 2"
  std::vector<std::string> texts;   // each process's lines, in order, prefix kept
  std::vector<uint64_t> first_lines;  // the input line of each process's first record
  size_t count = 0;                   // processes found (at least 2)
  // Lines that are not records and carry no prefix that names a process (told apart by the
  // records' numbers only): in no process's text.
  uint64_t unassigned_lines = 0;
  // The first record whose number or time goes back: its line, and its and the previous key.
  uint64_t back_line = 0;
  SequenceKey back_prev, back_key;
};

// nullopt when the records of `data` form one sequence, or several that follow one another (a
// program restarted and appended to the same log: each record's sequence has ended before the
// next begins). `unnumbered`: the records carry no number or time (goroutine headers), so only
// distinct prefixes whose lines alternate tell processes apart; back_line is then the second
// process's first record.
std::optional<InterleavedProcesses> SplitInterleaved(std::string_view data,
                                                     const SequenceKeyParser& parse,
                                                     bool unnumbered = false);

// One report from each process's report: facts, findings, tables and warnings are labelled with
// the process they belong to, and summary.processes holds each one's summary
// (docs/json-schema.md, "Interleaved processes").
Report MergeProcessReports(std::vector<Report> parts, const InterleavedProcesses& split,
                           const std::string& source, const std::string& evidence);

// Reads and analyses each process of `split` on its own — `analyze` gets its text as an Input
// named "SOURCE [label]" — and merges the reports (MergeProcessReports). The first error of any
// process is returned.
Result<Report> AnalyzeEachProcess(InterleavedProcesses split, const std::string& source,
                                  const std::string& evidence,
                                  const std::function<Result<Report>(const Input&)>& analyze);

}  // namespace godx
