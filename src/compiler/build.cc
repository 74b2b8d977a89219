// FinishBuild (deduplicate, attach explanations and enclosing functions) and the on-demand
// parsing of explanation flow lines.
#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "compiler/messages.h"
#include "compiler/reader.h"
#include "core/line_cursor.h"

namespace godx::compiler {

namespace {

auto SortKey(const Diagnostic& d) {
  return std::tie(d.package, d.file, d.line, d.col, d.kind, d.subject, d.detail, d.cost, d.level);
}

struct ExplKey {
  StringId package, file;
  uint32_t line, col;
  StringId subject, sink;
  bool operator==(const ExplKey& o) const {
    return package == o.package && file == o.file && line == o.line && col == o.col &&
           subject == o.subject && sink == o.sink;
  }
};
struct ExplKeyHash {
  size_t operator()(const ExplKey& k) const {
    uint64_t h = k.package;
    h = h * 1000003 ^ k.file;
    h = h * 1000003 ^ k.line;
    h = h * 1000003 ^ k.col;
    h = h * 1000003 ^ k.subject;
    h = h * 1000003 ^ k.sink;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

using PosKey = std::tuple<StringId, StringId, uint32_t, uint32_t, StringId>;

}  // namespace

void FinishBuild(EscapeBuild* b) {
  auto& ds = b->diagnostics;
  std::sort(ds.begin(), ds.end(), [](const Diagnostic& x, const Diagnostic& y) {
    auto kx = SortKey(x), ky = SortKey(y);
    if (kx != ky) return kx < ky;
    return x.input_line < y.input_line;
  });
  size_t out = 0;
  for (size_t i = 0; i < ds.size(); ++i) {
    if (out > 0 && SortKey(ds[out - 1]) == SortKey(ds[i])) {
      ++b->duplicates;
      continue;
    }
    ds[out++] = ds[i];
  }
  ds.resize(out);

  // Explanations: the first of identical ones wins (closures and inlined copies repeat them).
  std::unordered_map<ExplKey, uint32_t, ExplKeyHash> expl;
  std::multimap<PosKey, uint32_t> by_pos;
  expl.reserve(b->explanations.size());
  for (uint32_t i = 0; i < b->explanations.size(); ++i) {
    const Explanation& e = b->explanations[i];
    if (expl.emplace(ExplKey{e.package, e.file, e.line, e.col, e.subject, e.sink}, i).second)
      by_pos.emplace(PosKey{e.package, e.file, e.line, e.col, e.sink}, i);
  }
  const StringId heap = b->pool.Intern("{heap}");
  for (Diagnostic& d : ds) {
    if (d.explanation != kNoExplanation) continue;
    StringId sink;
    if (d.kind == DiagKind::kMovedToHeap || d.kind == DiagKind::kEscapesToHeap)
      sink = heap;
    else if (d.kind == DiagKind::kLeakParam)
      sink = d.detail;
    else
      continue;
    auto it = expl.find(ExplKey{d.package, d.file, d.line, d.col, d.subject, sink});
    if (it != expl.end()) {
      d.explanation = it->second;
      continue;
    }
    // The compiler can print an expression differently in the header and in the result
    // ("fmt.Sprintf(\"%v\", code) escapes to heap:" then "fmt.Sprintf(\"%v\", ... argument...)
    // escapes to heap"): fall back to the explanation at the same position whose subject starts
    // the same way up to its first '(', or the only one there.
    auto range = by_pos.equal_range(PosKey{d.package, d.file, d.line, d.col, sink});
    std::string_view subj = b->pool.Get(d.subject);
    std::string_view head = subj.substr(0, subj.find('('));
    uint32_t only = kNoExplanation;
    size_t n = 0;
    for (auto p = range.first; p != range.second; ++p) {
      ++n;
      only = p->second;
      std::string_view other = b->pool.Get(b->explanations[p->second].subject);
      if (other.substr(0, other.find('(')) == head) {
        d.explanation = p->second;
        break;
      }
    }
    if (d.explanation == kNoExplanation && n == 1) d.explanation = only;
  }

  // Enclosing functions: the nearest can/cannot-inline declaration above, in the same file. -m=2
  // declares every function; -m only the inlinable ones, so attribution is coarser there.
  size_t i = 0;
  std::vector<const Diagnostic*> decls;
  while (i < ds.size()) {
    size_t j = i;
    while (j < ds.size() && ds[j].package == ds[i].package && ds[j].file == ds[i].file) ++j;
    decls.clear();
    for (size_t k = i; k < j; ++k) {
      // -json names closures "func literal" (it has no name for them): their bodies count
      // toward the enclosing named function.
      if ((ds[k].kind == DiagKind::kCanInline || ds[k].kind == DiagKind::kCannotInline) &&
          b->pool.Get(ds[k].subject) != "func literal") {
        if (decls.empty() || decls.back()->line != ds[k].line || decls.back()->col != ds[k].col)
          decls.push_back(&ds[k]);
      }
    }
    size_t next = 0;
    StringId current = 0, previous = 0;
    uint32_t current_line = 0, current_col = 0;
    for (size_t k = i; k < j; ++k) {
      while (next < decls.size() && decls[next]->line <= ds[k].line) {
        previous = current;
        current = decls[next]->subject;
        current_line = decls[next]->line;
        current_col = decls[next]->col;
        ++next;
      }
      ds[k].function = current;
      // A function literal's own value ("func literal escapes to heap") sits at the closure's
      // declaration and belongs to the function that creates it.
      bool is_decl = ds[k].kind == DiagKind::kCanInline || ds[k].kind == DiagKind::kCannotInline;
      if (!is_decl && ds[k].line == current_line && ds[k].col == current_col &&
          b->pool.Get(current).find(".func") != std::string_view::npos)
        ds[k].function = previous;
    }
    i = j;
  }
}

std::vector<FlowStep> ParseExplanation(const EscapeBuild& b, const Explanation& e) {
  std::vector<FlowStep> steps;
  std::string_view all = e.owned ? std::string_view(b.owned_text) : b.text;
  if (e.begin > e.end || e.end > all.size()) return steps;
  LineCursor cur(all.substr(e.begin, e.end - e.begin));
  std::string_view line;
  while (cur.Next(&line)) {
    PositionedLine p;
    std::string_view msg = line;
    if (!line.empty() && line[0] != ' ' && line[0] != '\t' && SplitPosition(line, &p)) msg = p.msg;
    while (!msg.empty() && (msg[0] == ' ' || msg[0] == '\t')) msg.remove_prefix(1);
    if (StartsWith(msg, "flow: ")) {
      msg.remove_prefix(6);
      if (!msg.empty() && msg.back() == ':') msg.remove_suffix(1);
      // "flow: DST = SRC:" until some release after 1.19; "flow: DST ← SRC:" (U+2190) in 1.26+.
      size_t eq = msg.find(" = ");
      size_t eq_len = 3;
      size_t arrow = msg.find(" \xe2\x86\x90 ");
      if (arrow != std::string_view::npos && arrow < eq) {
        eq = arrow;
        eq_len = 5;  // space, three UTF-8 bytes, space
      }
      FlowStep s;
      s.dst = msg.substr(0, eq);
      if (eq != std::string_view::npos) s.src = msg.substr(eq + eq_len);
      steps.push_back(std::move(s));
    } else if (StartsWith(msg, "from ")) {
      if (steps.empty()) steps.emplace_back();  // pre-1.13: "from" lines without "flow:"
      msg.remove_prefix(5);
      FlowHop h;
      size_t at = msg.rfind(") at ");
      std::string_view left = msg;
      if (at != std::string_view::npos) {
        h.at = msg.substr(at + 5);
        left = msg.substr(0, at + 1);
      }
      // "EXPR (WHY)": WHY is the last parenthesised group.
      if (!left.empty() && left.back() == ')') {
        int depth = 0;
        size_t open = std::string_view::npos;
        for (size_t k = left.size(); k-- > 0;) {
          if (left[k] == ')') ++depth;
          if (left[k] == '(' && --depth == 0) {
            open = k;
            break;
          }
        }
        if (open != std::string_view::npos && open > 0) {
          h.why = left.substr(open + 1, left.size() - open - 2);
          h.expr = left.substr(0, open);
          while (!h.expr.empty() && h.expr.back() == ' ') h.expr.remove_suffix(1);
        } else {
          h.expr = left;
        }
      } else {
        h.expr = left;
      }
      steps.back().hops.push_back(h);
    } else if (StartsWith(msg, "warning: ")) {
      FlowStep s;
      s.dst = "(truncated: assignment cycle, golang.org/issue/35518)";
      steps.push_back(std::move(s));
    }
  }
  return steps;
}

}  // namespace godx::compiler
