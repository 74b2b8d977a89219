#include "core/line_prefix.h"

namespace godx {

namespace {
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
}  // namespace

bool LinePrefix::Strip(std::string_view line, std::string_view* rest) const {
  if (prefix_.empty()) return false;
  size_t i = 0, j = 0;  // i in prefix_, j in line
  while (i < prefix_.size()) {
    if (j == line.size()) {
      // The line stops where only the prefix's trailing blanks are left: a blank line.
      while (i < prefix_.size() && IsBlank(prefix_[i])) ++i;
      if (i < prefix_.size()) break;
      *rest = {};
      return true;
    }
    if (IsDigit(prefix_[i])) {
      if (!IsDigit(line[j])) break;
      while (i < prefix_.size() && IsDigit(prefix_[i])) ++i;
      while (j < line.size() && IsDigit(line[j])) ++j;
      continue;
    }
    if (prefix_[i] != line[j]) break;
    ++i;
    ++j;
  }
  if (i == prefix_.size()) {
    *rest = line.substr(j);
    return true;
  }
  // A blank line among prefixed ones: collectors drop the prefix of empty lines, or trim it.
  for (char c : line)
    if (!IsBlank(c)) return false;
  *rest = {};
  return true;
}

}  // namespace godx
