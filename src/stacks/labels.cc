#include "stacks/labels.h"

#include <cstdint>

#include "core/text.h"

namespace godx::stacks {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads a quoted string at s[*i] == '"' into `out`; *i ends after the closing quote.
bool ReadQuoted(std::string_view s, size_t* i, std::string* out) {
  size_t p = *i + 1;
  while (p < s.size()) {
    char c = s[p];
    if (c == '"') {
      *i = p + 1;
      return true;
    }
    if (c != '\\') {
      out->push_back(c);
      ++p;
      continue;
    }
    if (p + 1 >= s.size()) return false;
    char e = s[p + 1];
    p += 2;
    size_t digits = 0;
    switch (e) {
      case 'n': out->push_back('\n'); continue;
      case 'r': out->push_back('\r'); continue;
      case 't': out->push_back('\t'); continue;
      case '\\': out->push_back('\\'); continue;
      case '"': out->push_back('"'); continue;
      case 'x': digits = 2; break;
      case 'u': digits = 4; break;
      case 'U': digits = 8; break;
      default: return false;
    }
    if (p + digits > s.size()) return false;
    uint32_t v = 0;
    for (size_t k = 0; k < digits; ++k) {
      int h = HexValue(s[p + k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    p += digits;
    if (e == 'x') {
      out->push_back(static_cast<char>(v));  // a byte of invalid UTF-8, as it was
    } else {
      AppendUtf8(v, out);
    }
  }
  return false;
}

// A key or value: quoted, or a bare run up to the next ':' / ',' / '}' (Go 1.27 leaves
// [A-Za-z0-9./_] unquoted, and an empty string prints as nothing).
bool ReadItem(std::string_view s, size_t* i, std::string* out) {
  if (*i < s.size() && s[*i] == '"') return ReadQuoted(s, i, out);
  size_t p = *i;
  while (p < s.size() && s[p] != ':' && s[p] != ',' && s[p] != '}' && s[p] != ' ') ++p;
  out->assign(s.substr(*i, p - *i));
  *i = p;
  return true;
}

void SkipSpaces(std::string_view s, size_t* i) {
  while (*i < s.size() && s[*i] == ' ') ++*i;
}

}  // namespace

size_t FindOutsideQuotes(std::string_view text, char closer) {
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == closer) {
      return i;
    }
  }
  return std::string_view::npos;
}

size_t LabelSetEnd(std::string_view text) {
  if (text.empty() || text[0] != '{') return std::string_view::npos;
  size_t end = FindOutsideQuotes(text.substr(1), '}');
  return end == std::string_view::npos ? end : end + 1;
}

bool ParseLabelSet(std::string_view s, std::vector<Label>* out) {
  out->clear();
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return false;
  size_t i = 1;
  SkipSpaces(s, &i);
  if (i == s.size() - 1) return true;  // "{}"
  while (i < s.size()) {
    Label l;
    if (!ReadItem(s, &i, &l.key)) return false;
    SkipSpaces(s, &i);
    if (i >= s.size() || s[i] != ':') return false;
    ++i;
    SkipSpaces(s, &i);
    if (!ReadItem(s, &i, &l.value)) return false;
    SkipSpaces(s, &i);
    out->push_back(std::move(l));
    if (i >= s.size()) return false;
    if (s[i] == '}') return i == s.size() - 1;
    if (s[i] != ',') return false;
    ++i;
    SkipSpaces(s, &i);
  }
  return false;
}

std::string LabelText(const Label& label) { return label.key + "=" + label.value; }

}  // namespace godx::stacks
