// A scanner for one line of the compiler's -json=0 log: an LSP Diagnostic as Go's encoding/json
// writes it. It extracts only the fields godx uses and skips the rest, about ten times faster
// than building a DOM; ReadEscapeJsonFile falls back to nlohmann::json when it returns false.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace godx::compiler {

struct LspRelated {
  std::string uri;
  uint32_t line = 0, col = 0;
  std::string message;
};

struct LspDiagnostic {
  bool has_start = false;
  uint32_t line = 0, col = 0;  // range.start (1-based bytes in the compiler's log)
  bool has_code = false;
  std::string code;
  std::string message;
  std::vector<LspRelated> related;
};

// False when the line is not well-formed JSON (within a nesting limit) or not an object.
bool ScanLspDiagnostic(std::string_view line, LspDiagnostic* out);

}  // namespace godx::compiler
