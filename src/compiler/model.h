// The model of a build's optimisation diagnostics (`-gcflags=-m`, `-m=2`, `-json=0,DIR`): one
// Diagnostic per distinct (position, message), with -m=2 explanation chains reassembled, and the
// function each position belongs to. Strings are interned in the build's pool; positions are
// 1-based lines and 1-based byte columns (0 when the compiler printed no column).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/string_pool.h"

namespace godx::compiler {

enum class DiagKind : uint8_t {
  kMovedToHeap,       // moved to heap: x                  (subject: the variable)
  kEscapesToHeap,     // EXPR escapes to heap              (subject: the expression)
  kDoesNotEscape,     // EXPR does not escape / p does not escape
  kLeakParam,         // leaking param: p [to result ~r0 level=N] / leaking param content: p
  kCanInline,         // can inline F [with cost N]        (subject: F)
  kCannotInline,      // cannot inline F: reason           (subject: F, detail: reason)
  kInliningCall,      // inlining call to F                (subject: F)
  kCannotInlineCall,  // -json cannotInlineCall / "cannot inline F into G: ..."
  kDevirtualized,     // devirtualizing X.M to T           (subject: X.M, detail: T)
  kCapture,           // F capturing by value|ref: x       (subject: x, detail: "value" | "ref")
  kBoundsCheck,       // Found IsInBounds / isInBounds     (check_bce)
  kSliceBoundsCheck,  // Found IsSliceInBounds / isSliceInBounds
  kNilCheck,          // -json nilcheck
  kOther,             // a compiler line godx does not classify (counted, kept for --explain)
};
const char* DiagKindName(DiagKind k);

inline constexpr uint32_t kNoExplanation = UINT32_MAX;
inline constexpr int32_t kUnknown = -1;

// One `flow: DST = OPS SRC:` step of a -m=2 explanation with its `from EXPR (WHY) at POS` lines.
// Views point into EscapeBuild::text or EscapeBuild::owned_text.
struct FlowHop {
  std::string_view expr, why, at;  // `at` is "file:line:col" as printed
};
struct FlowStep {
  std::string_view dst, src;  // src keeps its operators (&, *) as printed
  std::vector<FlowHop> hops;
};

// A whole explanation: "X escapes to heap:" or "parameter p leaks to SINK with derefs=N:". The
// flow lines are kept as a byte range and parsed on demand (ParseExplanation in reader.h): they
// are most of a -m=2 log and most are never looked at.
struct Explanation {
  StringId package = 0, file = 0;  // the subject's position, as for Diagnostic
  uint32_t line = 0, col = 0;
  StringId subject = 0;  // X or p
  StringId sink = 0;     // "{heap}", "~r0", another parameter...
  int32_t derefs = -1;
  bool owned = false;  // the range is in owned_text (synthesised from -json) not in text
  uint64_t begin = 0;  // byte range of the continuation lines
  uint64_t end = 0;
};

struct Diagnostic {
  StringId package = 0;  // import path from the "# pkg" header / -json directory ("" if none)
  StringId file = 0;     // as printed ("./main.go", "/abs/x.go", ".\\main.go")
  uint32_t line = 0;
  uint32_t col = 0;
  DiagKind kind = DiagKind::kOther;
  StringId subject = 0;
  StringId detail = 0;        // reason / target type / leak sink; the full message for kOther
  int32_t cost = kUnknown;    // inlining cost
  int32_t budget = kUnknown;  // inlining budget from "exceeds budget N"
  int32_t level = kUnknown;   // leak level (derefs)
  StringId function = 0;      // enclosing function (from the can/cannot inline declarations)
  uint32_t explanation = kNoExplanation;  // index into EscapeBuild::explanations
  uint64_t input_line = 0;                // first line (or -json file line) where it appeared
};

struct EscapeBuild {
  StringPool pool;
  std::vector<Diagnostic> diagnostics;  // deduplicated, sorted by package, file, line, col
  std::vector<Explanation> explanations;
  // The input's text (the Input must outlive the build) and the flow lines synthesised from
  // -json files, which Explanation ranges point into.
  std::string_view text;
  std::string owned_text;
  // The compiler text decoded from `go build -json` events (Go 1.24+), which `text` then views.
  // Held by pointer so that moving the build does not move the characters.
  std::shared_ptr<const std::string> decoded;
  std::string format;        // "-m text", "-m=2 text", "-json"
  std::string go_version;    // from -json headers ("go1.19.8"), empty for text
  uint64_t lines = 0;        // lines read
  uint64_t duplicates = 0;   // repeated diagnostics folded into one
  uint64_t other_lines = 0;  // lines that are not compiler diagnostics (build output, errors)
  uint64_t first_other_line = 0;
  std::vector<std::string> warnings;
};

}  // namespace godx::compiler
