#include "live/duration.h"

#include <fmt/format.h>

namespace godx::live {

Result<double> ParseDurationSeconds(std::string_view text) {
  auto bad = [&] {
    return Status::Error(
        fmt::format("'{}': expected a duration such as 500ms, 10s, 2m, 1h or 1m30s", text));
  };
  if (text.empty() || text.size() > 64) return bad();
  double total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return bad();
    double num = 0, scale = 0;
    for (size_t k = start; k < i; ++k) {
      if (text[k] == '.') {
        if (scale != 0) return bad();
        scale = 1;
        continue;
      }
      if (scale == 0) {
        num = num * 10 + (text[k] - '0');
      } else {
        scale /= 10;
        num += (text[k] - '0') * scale;
      }
    }
    size_t ustart = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    double mult;
    if (unit.empty()) {
      if (i != text.size() || any) return bad();  // a bare number only on its own
      mult = 1;
    } else if (unit == "ms") {
      mult = 1e-3;
    } else if (unit == "s") {
      mult = 1;
    } else if (unit == "m") {
      mult = 60;
    } else if (unit == "h") {
      mult = 3600;
    } else {
      return bad();
    }
    total += num * mult;
    any = true;
  }
  if (total > 1e9) return bad();
  return total;
}

}  // namespace godx::live
