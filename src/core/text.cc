#include "core/text.h"

#include <string.h>  // memmem (GNU)

#include <algorithm>
#include <cctype>

namespace godx {

bool LooksBinary(std::string_view head) {
  head = head.substr(0, 4096);
  size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b) ++control;
  }
  return control * 20 > head.size();  // more than 5% control characters
}

std::string_view FirstLine(std::string_view s, size_t max) {
  size_t nl = s.find('\n');
  if (nl != std::string_view::npos) s = s.substr(0, nl);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s.substr(0, std::min(max, s.size()));
}

}  // namespace godx

namespace godx {

size_t FindMarker(std::string_view line, std::string_view marker, size_t max_prefix) {
  if (line.substr(0, marker.size()) == marker) return 0;
  std::string_view window = line.substr(0, max_prefix + marker.size());
  size_t at = window.find(marker, 1);
  while (at != std::string_view::npos) {
    if (IsMarkerBoundary(window[at - 1])) return at;
    at = window.find(marker, at + 1);
  }
  return std::string_view::npos;
}

bool IsMarkerBoundary(char c) {
  unsigned char before = static_cast<unsigned char>(c);
  return before == ' ' || before == '\t' ||
         (before < 0x80 && !std::isalnum(before) && before != '_' && before != '.');
}

size_t FindText(std::string_view text, std::string_view needle) {
  if (needle.empty()) return 0;
  const void* at = memmem(text.data(), text.size(), needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos
                       : size_t(static_cast<const char*>(at) - text.data());
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | ((cp >> 18) & 0x07)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace godx
