// The vocabulary of the compiler's -m messages, shared by the text and -json readers.
#pragma once

#include <string_view>

#include "compiler/model.h"

namespace godx::compiler {

// The parts of one -m message (the text after "FILE:LINE:COL: "). Views point into the message.
struct Message {
  DiagKind kind = DiagKind::kOther;
  std::string_view subject, detail;
  int32_t cost = kUnknown, budget = kUnknown, level = kUnknown;
};

// Classifies a result message ("moved to heap: x", "can inline F with cost 7 as: ...", ...).
Message ClassifyMessage(std::string_view msg);

// An explanation header: "X escapes to heap:" or "parameter p leaks to SINK with derefs=N:", and
// the forms of newer compilers that name the function, "X escapes to heap in F:" and
// "parameter p leaks to SINK for F with derefs=N:".
struct ExplanationHeader {
  std::string_view subject, sink;
  std::string_view function;  // "F" of the newer "... in F:" / "... for F with derefs=N:" forms
  int32_t derefs = kUnknown;
};
bool ParseExplanationHeader(std::string_view msg, ExplanationHeader* out);

// "function too complex: cost 95 exceeds budget 80" → cost 95, budget 80.
void ParseCostReason(std::string_view reason, int32_t* cost, int32_t* budget);

inline bool StartsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}
inline bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

}  // namespace godx::compiler
