// Reads GODEBUG=gctrace=1 output (every format since Go 1.4) and scavtrace lines from a log that
// may interleave them with anything else.
#pragma once

#include <optional>
#include <string_view>

#include "core/input.h"
#include "core/interleave.h"
#include "core/status.h"
#include "gclog/model.h"

namespace godx::gclog {

// Parses one line that starts at a gctrace record ("gc 1 @..." or "gc76(1): ...").
// nullopt when the line is not a well-formed record; then `why` (if given) says what was expected
// and `stop` (if given) how many bytes parsed before that.
std::optional<GcCycle> ParseGcLine(std::string_view line, std::string* why = nullptr,
                                   size_t* stop = nullptr);

// Finds a gctrace record in `line` for SplitInterleaved (core/interleave.h): where it starts
// after any prefix, its cycle number and its time.
bool GcSequenceKey(std::string_view line, size_t* start, SequenceKey* key);

struct GcReadOptions {
  // Keep every cycle's whole record in GcTrace::cycles (for --json's per-cycle series), not just
  // the columns.
  bool keep_cycles = false;
};

// Reads every GC and scavenger line of the input. Fails, naming the input, when the input is
// empty, binary, or holds no gctrace line at all.
Result<GcTrace> ReadGcTrace(const Input& input, const GcReadOptions& options = {});

// Sniffer for `godx analyze`: how sure we are that `head` holds gctrace lines (0..100).
int SniffGcTrace(std::string_view head);

}  // namespace godx::gclog
