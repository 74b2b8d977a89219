#include "report/text_renderer.h"

#include <algorithm>

#include <fmt/format.h>

namespace godx {

namespace {

struct Paint {
  bool on;
  std::string operator()(std::string_view code, std::string_view s) const {
    if (!on) return std::string(s);
    return fmt::format("\033[{}m{}\033[0m", code, s);
  }
};

constexpr std::string_view kBold = "1";
constexpr std::string_view kDim = "2";

std::string_view SeverityColor(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "1;31";
    case Severity::kWarning:
      return "1;33";
    case Severity::kInfo:
      return "1;36";
  }
  return kBold;
}

void Pad(std::string* out, std::string_view s, size_t width, bool right) {
  size_t w = DisplayWidth(s);
  size_t fill = width > w ? width - w : 0;
  if (right) out->append(fill, ' ');
  out->append(s);
  if (!right) out->append(fill, ' ');
}

}  // namespace

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string RenderTable(const Table& t, const TextStyle& style, int indent) {
  Paint paint{style.color};
  size_t ncol = t.columns.size();
  std::vector<size_t> width(ncol, 0);
  for (size_t c = 0; c < ncol; ++c) width[c] = DisplayWidth(t.columns[c]);
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < ncol && c < row.size(); ++c) {
      width[c] = std::max(width[c], DisplayWidth(row[c]));
    }
  }
  auto right = [&](size_t c) { return c < t.right.size() && t.right[c]; };
  std::string out;
  std::string pad(static_cast<size_t>(indent), ' ');
  if (!t.title.empty()) out += paint(kBold, t.title) + "\n";
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string l = pad;
    for (size_t c = 0; c < ncol; ++c) {
      std::string_view cell = c < cells.size() ? std::string_view(cells[c]) : "";
      bool last = c + 1 == ncol;
      if (last && !right(c)) {
        l += cell;
      } else {
        Pad(&l, cell, width[c], right(c));
      }
      if (!last) l += "  ";
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += header ? paint(kDim, l) : l;
    out += '\n';
  };
  line(t.columns, true);
  for (const auto& row : t.rows) line(row, false);
  if (t.omitted_rows > 0) {
    out += pad + paint(kDim, fmt::format("... {} more rows (--json has them all)", t.omitted_rows)) +
           "\n";
  }
  return out;
}

std::string RenderText(const Report& r, const TextStyle& style) {
  Paint paint{style.color};
  std::string out;
  out += paint(kBold, r.title.empty() ? r.kind : r.title);
  out += paint(kDim, fmt::format("  ({})", r.source));
  out += "\n";
  if (!r.facts.empty()) {
    size_t lw = 0;
    for (const auto& f : r.facts) lw = std::max(lw, DisplayWidth(f.label));
    out += "\n";
    for (const auto& f : r.facts) {
      std::string label;
      Pad(&label, f.label, lw, false);
      out += "  " + paint(kDim, label) + "  " + f.value + "\n";
    }
  }
  out += "\n";
  if (r.findings.empty()) {
    out += paint(kBold, "Findings") + "\n  none: nothing in this input crossed a threshold\n\n";
  } else {
    out += paint(kBold, "Findings") + "\n";
    for (const auto& f : r.findings) {
      std::string sev(SeverityName(f.severity));
      std::transform(sev.begin(), sev.end(), sev.begin(), ::toupper);
      std::string tag;
      Pad(&tag, sev, 8, false);
      out += "  " + paint(SeverityColor(f.severity), tag) + " " + f.title + paint(kDim, "  [" + f.id + "]") + "\n";
      for (const auto& e : f.evidence) out += "           " + e + "\n";
      if (!f.advice.empty()) out += "           " + paint(kBold, "→ ") + f.advice + "\n";
    }
    out += "\n";
  }
  for (const auto& t : r.tables) {
    out += RenderTable(t, style);
    out += "\n";
  }
  if (!r.warnings.empty()) {
    out += paint(kBold, "Notes on the input") + "\n";
    for (const auto& w : r.warnings) out += "  · " + w + "\n";
    out += "\n";
  }
  return out;
}

}  // namespace godx
