// Reads Go execution traces (runtime/trace, go test -trace) of every format: the old one (headers
// "go 1.5" .. "go 1.21") and the generation-based new one (Go 1.22+), handing events to an
// EventSink one at a time. Zero-copy: strings and stacks are views into the input.
//
// Errors (corrupt or inconsistent input) are one line naming the file and the byte offset and
// what was expected there. A trace that simply ends early — a program that died before
// trace.Stop, a capture cut by a timeout, a flight-recorder snapshot — is not an error: what is
// there is read and TraceInfo::cut says what was cut.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/input.h"
#include "core/status.h"
#include "trace/model.h"

namespace godx::trace {

inline constexpr size_t kHeaderSize = 16;

// The N of a "go 1.N trace" header at the start of `data`; an error naming `name` when there is
// none or N is a version no Go release wrote.
Result<int> ParseHeader(std::string_view data, const std::string& name);

// Content sniffing for `godx analyze`: 100 for a trace header, 0 otherwise.
int SniffTrace(std::string_view head);

struct ReadOptions {
  // The old format has no generations: its string table, stacks and frequency may sit anywhere,
  // so the whole file is mapped and read in two passes. Refused above this size.
  uint64_t max_old_format_bytes = uint64_t{4} << 30;
  // Fail on an inconsistent trace (see order.h); when false, events that cannot be ordered are
  // handed out without a transition and reading goes on.
  bool validate = true;
};

// Reads `data` (a whole trace) into `sink`. `name` is used in error messages.
Result<TraceInfo> ReadTraceBytes(std::string_view data, const std::string& name, EventSink& sink,
                                 const ReadOptions& options = {});
Result<TraceInfo> ReadTrace(const Input& input, EventSink& sink, const ReadOptions& options = {});

}  // namespace godx::trace
