// "1 goroutine", "4 goroutines", "1,204 samples": a count with its noun in the right number, for
// every title and evidence line (a report that says "1 samples" reads as careless).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/units.h"

namespace godx {

// "1 goroutine", "1,204 goroutines"; irregular nouns pass their plural ("1 process",
// "2 processes"; "1 entry", "2 entries").
inline std::string Plural(uint64_t n, std::string_view noun, std::string_view plural = {}) {
  std::string out = FormatCount(n);
  out += ' ';
  if (n == 1 || !plural.empty()) {
    out += n == 1 ? noun : plural;
  } else {
    out += noun;
    out += 's';
  }
  return out;
}

}  // namespace godx
