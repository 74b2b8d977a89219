#include "report/html_svg.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace godx {

namespace {

constexpr std::array<std::string_view, 11> kElements = {
    "svg", "g", "title", "text", "path", "polygon", "polyline", "ellipse", "circle", "rect", "line"};

constexpr std::array<std::string_view, 31> kAttributes = {
    "id", "class", "width", "height", "viewBox", "preserveAspectRatio", "transform", "x", "y",
    "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "fill", "fill-opacity",
    "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "font-family", "font-size",
    "font-weight", "font-style", "text-anchor"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// An attribute value is kept only when it cannot name anything outside the drawing: no url(),
// no scheme, nothing but the characters geometry, colours and font names use.
bool SafeValue(std::string_view v) {
  for (char c : v) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == ',' || c == '.' ||
              c == '-' || c == '#' || c == '%' || c == '_' || c == '(' || c == ')';
    if (!ok) return false;
  }
  std::string lower(v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("url") == std::string::npos && lower.find("expression") == std::string::npos;
}

// Text as XML: Graphviz's own entities (&amp; &#45; ...) are kept, anything else that could
// start markup is escaped.
void AppendText(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') {
      *out += "&lt;";
    } else if (c == '>') {
      *out += "&gt;";
    } else if (c == '&') {
      size_t semi = s.find(';', i);
      bool entity = semi != std::string_view::npos && semi - i <= 8 && semi > i + 1;
      for (size_t k = i + 1; entity && k < semi; ++k) {
        entity = std::isalnum(static_cast<unsigned char>(s[k])) || (k == i + 1 && s[k] == '#');
      }
      *out += entity ? "&" : "&amp;";
    } else {
      *out += c;
    }
  }
}

struct Tag {
  std::string name;
  bool closing = false;
  bool self_closing = false;
  std::string attributes;  // the kept ones, rendered
};

// Parses the tag in s[begin, end) (without '<' and '>').
Tag ParseTag(std::string_view t) {
  Tag tag;
  size_t i = 0;
  if (i < t.size() && t[i] == '/') {
    tag.closing = true;
    ++i;
  }
  if (!t.empty() && t.back() == '/') {
    tag.self_closing = true;
    t.remove_suffix(1);
  }
  size_t name_end = i;
  while (name_end < t.size() && !std::isspace(static_cast<unsigned char>(t[name_end]))) ++name_end;
  tag.name = std::string(t.substr(i, name_end - i));
  i = name_end;
  while (i < t.size()) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    size_t eq = t.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= t.size()) break;
    std::string_view name = t.substr(i, eq - i);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
    char quote = t[eq + 1];
    if (quote != '"' && quote != '\'') break;
    size_t close = t.find(quote, eq + 2);
    if (close == std::string_view::npos) break;
    std::string_view value = t.substr(eq + 2, close - eq - 2);
    if (In(kAttributes, name) && SafeValue(value)) {
      tag.attributes += " ";
      tag.attributes += name;
      tag.attributes += "=\"";
      tag.attributes += value;
      tag.attributes += "\"";
    }
    i = close + 1;
  }
  return tag;
}

}  // namespace

std::string SanitizeSvg(std::string_view svg) {
  std::string out;
  out.reserve(svg.size());
  int skip_depth = 0;  // > 0: inside an element that is dropped with its content
  int depth = 0;       // kept elements open; text outside the root is dropped
  size_t i = 0;
  while (i < svg.size()) {
    size_t lt = svg.find('<', i);
    if (lt == std::string_view::npos) lt = svg.size();
    if (skip_depth == 0 && depth > 0 && lt > i) AppendText(svg.substr(i, lt - i), &out);
    if (lt == svg.size()) break;
    std::string_view rest = svg.substr(lt);
    // Declarations, comments and processing instructions go, whatever they hold.
    if (rest.starts_with("<!--")) {
      size_t end = svg.find("-->", lt + 4);
      i = end == std::string_view::npos ? svg.size() : end + 3;
      continue;
    }
    if (rest.starts_with("<!") || rest.starts_with("<?")) {
      size_t end = svg.find('>', lt);
      i = end == std::string_view::npos ? svg.size() : end + 1;
      continue;
    }
    // A '>' inside a quoted attribute value does not end the tag.
    size_t gt = lt + 1;
    char quote = 0;
    for (; gt < svg.size(); ++gt) {
      if (quote) {
        if (svg[gt] == quote) quote = 0;
      } else if (svg[gt] == '"' || svg[gt] == '\'') {
        quote = svg[gt];
      } else if (svg[gt] == '>') {
        break;
      }
    }
    if (gt >= svg.size()) break;  // a cut-off tag: the rest is not drawn
    Tag tag = ParseTag(svg.substr(lt + 1, gt - lt - 1));
    i = gt + 1;
    std::string name = tag.name == "a" ? "g" : tag.name;
    bool allowed = tag.name == "a" || In(kElements, tag.name);
    if (skip_depth > 0 || !allowed) {
      if (!tag.self_closing) skip_depth += tag.closing ? -1 : 1;
      if (skip_depth < 0) skip_depth = 0;
      continue;
    }
    if (tag.closing) {
      if (depth == 0) continue;
      --depth;
      out += "</" + name + ">";
    } else {
      out += "<" + name;
      if (name == "svg") out += " xmlns=\"http://www.w3.org/2000/svg\"";
      out += tag.attributes;
      out += tag.self_closing ? "/>" : ">";
      if (!tag.self_closing) ++depth;
    }
  }
  return out;
}

}  // namespace godx
