// Rejoining runtime records that other writers cut into pieces.
//
// The Go runtime prints a gctrace or schedtrace record in many small writes (one per field). A
// program writing whole lines to the same stream lands between them, so in a busy service's log
// one record comes out as fragments, each at the start of a line and followed by the program's
// own line (real output of testdata/gen/chatty):
//
//   SCHED {"level":"info","ts":"2026-11-27T02:06:48.488241882Z",...}
//   308ms: gomaxprocs={"level":"info",...}
//   2 idleprocs=0{"level":"info",...}
//    threads=5 spinningthreads=0 idlethreads=1 runqueue=0 [0 0]
//
// RejoinRecord glues the fragments back together, guided by the record's own parser.
//
// Log collectors put a prefix before every line (kubectl logs --timestamps, --prefix), the
// fragments' lines included; LogPrefixLength finds it so that readers and RejoinRecord can look
// past it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/line_cursor.h"

namespace godx {

// The length of the log collector's prefix at the start of `line`, 0 when there is none: an
// RFC 3339 timestamp and a space ("2024-08-09T01:45:13.123456789Z ", kubectl logs --timestamps),
// a bracketed source and a space ("[pod/web-0/app] ", kubectl logs --prefix), or both in either
// order. A bracket with a space inside ("[0 0]", a run-queue list) is not a prefix.
size_t LogPrefixLength(std::string_view line);

// Returns true when `text` is a whole record; otherwise sets `*stop` to how many bytes of `text`
// it could parse before giving up.
using RecordParser = std::function<bool(std::string_view text, size_t* stop)>;

// `head` is a line whose record parsed up to `stop` and then met other text. Looks at the lines
// after `lines`' position (at most 32, and none past a line that starts with the record's first
// word, which is the next record) for the rest: each either continues the record at its start (the
// fragment is as long as the parser can read) or is program output alone. On success
// `record` holds the whole record, `lines` is advanced past its last fragment, and
// `program_lines` is the number of lines (the head included) that held program output.
// `prefixed`: the head's line carried a log prefix (LogPrefixLength), so every later line does
// too and it is looked past.
bool RejoinRecord(std::string_view head, size_t stop, LineCursor* lines, const RecordParser& parse,
                  std::string* record, uint64_t* program_lines, bool prefixed = false);

}  // namespace godx
