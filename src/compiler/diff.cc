// `godx escape diff BASE NEW`. Lines move between builds, so a value is identified by its file's
// base name, its enclosing function and its expression; a function by its package and name.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "compiler/analyze.h"
#include "compiler/counts.h"
#include "compiler/messages.h"
#include "core/units.h"

namespace godx::compiler {

namespace {

constexpr int kDefaultBudget = 80;
constexpr size_t kEvidenceLines = 8;

std::string Base(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The result of a call is named "~R0" when the call is inlined and "F(x)" when it is not, so a
// function that gains or loses inlining renames the values its result flows into: both forms
// are one key, and only a change in their number is reported.
std::string SubjectKey(std::string_view s) {
  // Go 1.20+ -m text names an append's result "append" where -json (and Go 1.19) print the
  // whole append(...) expression: one value either way.
  if (StartsWith(s, "append(") && s.back() == ')') return "append";
  if (StartsWith(s, "~R") || StartsWith(s, "~r")) return "(call result)";
  if (!s.empty() && s.back() == ')' && s[0] != '(' && s[0] != '&' && s[0] != '*' &&
      s.find('(') != std::string_view::npos)
    return "(call result)";
  return std::string(s);
}

// What identifies an escape across builds.
struct EscapeKey {
  std::string package, file, function, kind, subject, sink;
  auto operator<=>(const EscapeKey&) const = default;
};

struct Side {
  std::map<EscapeKey, std::vector<const Diagnostic*>> escapes;
  std::map<std::pair<std::string, std::string>, const Diagnostic*> functions;  // can/cannot
};

// Package name → the base names of its files.
std::map<std::string, std::set<std::string>> FilesByPackage(const EscapeBuild& b) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& d : b.diagnostics)
    out[std::string(b.pool.Get(d.package))].insert(Base(b.pool.Get(d.file)));
  return out;
}

// Text output names a package by import path ("example.com/cmd/server") while -json names a
// main package "main": when the two builds name a package differently, it is the base package
// that shares the most file names with it.
std::map<std::string, std::string> PackageAliases(const EscapeBuild& base,
                                                  const EscapeBuild& next) {
  std::map<std::string, std::string> alias;
  auto a = FilesByPackage(base), b = FilesByPackage(next);
  for (const auto& [pkg, files] : b) {
    if (a.count(pkg)) continue;
    size_t best = 0;
    std::string match;
    for (const auto& [other, other_files] : a) {
      if (b.count(other)) continue;  // the base package has a namesake in the new build
      size_t common = 0;
      for (const auto& f : files) common += other_files.count(f);
      if (common > best) {
        best = common;
        match = other;
      }
    }
    if (best > 0) alias[pkg] = match;
  }
  return alias;
}

Side Collect(const EscapeBuild& b, const std::map<std::string, std::string>& alias = {}) {
  Side s;
  // The heap facts `godx escape` counts, by the same rule (counts.h): constants converted to
  // interfaces, other packages' generic code and compiler wrappers are left out on both sides.
  const EscapeScope scope(b);
  for (const auto& d : b.diagnostics) {
    std::string pkg(b.pool.Get(d.package));
    if (auto it = alias.find(pkg); it != alias.end()) pkg = it->second;
    const HeapClass hc = scope.Classify(d);
    if (hc == HeapClass::kMoved || hc == HeapClass::kEscapes || hc == HeapClass::kLeak) {
      // Moved-to-heap and escapes-to-heap are one class: a variable that becomes an expression
      // after a refactoring is still the same allocation.
      EscapeKey k{pkg,
                  Base(b.pool.Get(d.file)),
                  std::string(b.pool.Get(d.function)),
                  d.kind == DiagKind::kLeakParam ? "leak" : "heap",
                  SubjectKey(b.pool.Get(d.subject)),
                  d.kind == DiagKind::kLeakParam ? std::to_string(d.level > 0) : ""};
      s.escapes[k].push_back(&d);
    }
    if (d.kind == DiagKind::kCanInline || d.kind == DiagKind::kCannotInline) {
      s.functions.emplace(std::make_pair(pkg, std::string(b.pool.Get(d.subject))), &d);
    }
  }
  return s;
}

std::string Describe(const EscapeBuild& b, const Diagnostic& d) {
  std::string_view subj = b.pool.Get(d.subject);
  std::string what;
  switch (d.kind) {
    case DiagKind::kMovedToHeap:
      what = fmt::format("moved to heap: {}", subj);
      break;
    case DiagKind::kEscapesToHeap:
      what = fmt::format("{} escapes to heap", subj);
      break;
    case DiagKind::kLeakParam:
      what = d.level > 0 ? fmt::format("leaking param content: {}", subj)
                         : fmt::format("leaking param: {}", subj);
      break;
    default:
      what = std::string(subj);
  }
  std::string fn = d.function ? std::string(b.pool.Get(d.function)) : "(package level)";
  EscapeWhy w = ExplainDiagnostic(b, d);
  return fmt::format("{} in {}: {}{}", PositionText(b, d), fn, what,
                     w.chain.empty() ? "" : " (" + w.chain + ")");
}

void Cap(std::vector<std::string>* ev, size_t total) {
  if (total > kEvidenceLines) {
    ev->resize(kEvidenceLines);
    ev->push_back(fmt::format("... and {} more", total - kEvidenceLines));
  }
}

}  // namespace

Report DiffBuilds(const EscapeBuild& base, const EscapeBuild& next, const std::string& base_name,
                  const std::string& next_name, const DiffOptions& o) {
  Report r;
  r.kind = "escape-diff";
  r.source = next_name;
  auto aliases = PackageAliases(base, next);
  Side a = Collect(base), b = Collect(next, aliases);
  for (const auto& [from, to] : aliases)
    r.warnings.push_back(fmt::format("package {} of {} is taken to be {} of {} (same files)", from,
                                     next_name, to, base_name));

  struct Unmatched {
    const EscapeKey* key;
    const Diagnostic* d;
  };
  std::vector<Unmatched> added, removed;
  for (const auto& [k, v] : b.escapes) {
    auto it = a.escapes.find(k);
    size_t before = it == a.escapes.end() ? 0 : it->second.size();
    for (size_t i = before; i < v.size(); ++i) added.push_back({&k, v[i]});
  }
  for (const auto& [k, v] : a.escapes) {
    auto it = b.escapes.find(k);
    size_t after = it == b.escapes.end() ? 0 : it->second.size();
    for (size_t i = after; i < v.size(); ++i) removed.push_back({&k, v[i]});
  }
  // A -json directory whose sources are not on this machine names a function by its position
  // ("func@main.go:100"), which moves with every line added above it. Such values are matched
  // again by everything but the function, in source order (the longest common subsequence of the
  // two lists), so that values that only moved are no change and an inserted one is the new one.
  auto unresolved = [](const std::string& fn) { return fn.rfind("func@", 0) == 0; };
  auto pairs = [&](const Unmatched& x, const Unmatched& y) {
    const EscapeKey &p = *x.key, &q = *y.key;
    return p.package == q.package && p.file == q.file && p.kind == q.kind &&
           p.subject == q.subject && p.sink == q.sink &&
           (unresolved(p.function) || unresolved(q.function));
  };
  auto in_source_order = [](std::vector<Unmatched>* v) {
    std::stable_sort(v->begin(), v->end(), [](const Unmatched& x, const Unmatched& y) {
      return std::tie(x.key->file, x.d->line, x.d->col) <
             std::tie(y.key->file, y.d->line, y.d->col);
    });
  };
  in_source_order(&added);
  in_source_order(&removed);
  std::vector<bool> added_paired(added.size(), false), removed_paired(removed.size(), false);
  const size_t n = added.size(), m = removed.size();
  if (n > 0 && m > 0 && n * m <= (size_t{1} << 22)) {
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        at(i, j) = pairs(added[i], removed[j]) ? at(i + 1, j + 1) + 1
                                               : std::max(at(i + 1, j), at(i, j + 1));
    for (size_t i = 0, j = 0; i < n && j < m;) {
      if (pairs(added[i], removed[j]) && at(i, j) == at(i + 1, j + 1) + 1) {
        added_paired[i++] = removed_paired[j++] = true;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        ++i;
      } else {
        ++j;
      }
    }
  } else if (n > 0 && m > 0) {
    // Too many to align: pair each key's values in source order.
    std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>,
             std::vector<size_t>>
        by_key;
    for (size_t j = m; j-- > 0;) {
      const EscapeKey& q = *removed[j].key;
      by_key[{q.package, q.file, q.kind, q.subject, q.sink}].push_back(j);  // last first
    }
    for (size_t i = 0; i < n; ++i) {
      const EscapeKey& p = *added[i].key;
      auto it = by_key.find({p.package, p.file, p.kind, p.subject, p.sink});
      if (it == by_key.end() || it->second.empty()) continue;
      size_t j = it->second.back();
      if (!pairs(added[i], removed[j])) continue;
      it->second.pop_back();
      added_paired[i] = removed_paired[j] = true;
    }
  }
  std::vector<Unmatched> still_added, still_removed;
  for (size_t i = 0; i < n; ++i)
    if (!added_paired[i]) still_added.push_back(added[i]);
  for (size_t j = 0; j < m; ++j)
    if (!removed_paired[j]) still_removed.push_back(removed[j]);
  added = std::move(still_added);
  removed = std::move(still_removed);
  std::vector<std::string> new_heap, new_leak, gone;
  size_t new_heap_n = 0, new_leak_n = 0, gone_n = 0;
  for (const auto& x : added) {
    if (x.key->kind == "leak") {
      ++new_leak_n;
      new_leak.push_back(Describe(next, *x.d));
    } else {
      ++new_heap_n;
      new_heap.push_back(Describe(next, *x.d));
    }
  }
  size_t gone_leak_n = 0;
  for (const auto& y : removed) {
    if (y.key->kind == "leak")
      ++gone_leak_n;
    else
      ++gone_n;
    gone.push_back(Describe(base, *y.d));
  }

  struct Change {
    std::string function;
    const Diagnostic *before, *after;
  };
  std::vector<Change> lost, gained, grew, shrank;
  size_t unnamed = 0;
  for (const auto& [k, d] : b.functions) {
    // A function named by its position is not the same function as its namesake in the other
    // build once lines moved: comparing them would report changes that did not happen.
    if (k.second.rfind("func@", 0) == 0) {
      ++unnamed;
      continue;
    }
    auto it = a.functions.find(k);
    if (it == a.functions.end()) continue;
    const Diagnostic* was = it->second;
    if (was->kind == DiagKind::kCanInline && d->kind == DiagKind::kCannotInline)
      lost.push_back({k.second, was, d});
    else if (was->kind == DiagKind::kCannotInline && d->kind == DiagKind::kCanInline)
      gained.push_back({k.second, was, d});
    else if (was->kind == DiagKind::kCanInline && was->cost >= 0 && d->cost >= 0) {
      if (d->cost - was->cost >= o.cost_growth)
        grew.push_back({k.second, was, d});
      else if (d->cost < was->cost)
        shrank.push_back({k.second, was, d});
    }
  }
  auto pos = [](const EscapeBuild& bb, const Diagnostic* d) { return PositionText(bb, *d); };

  if (new_heap_n > 0) {
    Finding f;
    f.id = "new-heap-escape";
    f.severity = Severity::kWarning;
    f.title = fmt::format("{} in {}", Plural(new_heap_n, "new heap allocation"), next_name);
    f.evidence = new_heap;
    Cap(&f.evidence, new_heap_n);
    f.advice =
        "Each line is a value that stayed on the stack in the base build. Run "
        "`godx escape --explain FILE:LINE` on the new build's -m=2 output to see why.";
    r.findings.push_back(std::move(f));
  }
  if (new_leak_n > 0) {
    Finding f;
    f.id = "new-param-leak";
    f.severity = Severity::kWarning;
    f.title = fmt::format("{} parameter{} now leak{} to the heap", new_leak_n,
                          new_leak_n == 1 ? "" : "s", new_leak_n == 1 ? "s" : "");
    f.evidence = new_leak;
    Cap(&f.evidence, new_leak_n);
    f.advice =
        "A leaking parameter makes every caller allocate what it passes. Check whether the "
        "function now stores its argument (a field, a global, a channel, a goroutine).";
    r.findings.push_back(std::move(f));
  }
  if (!lost.empty()) {
    Finding f;
    f.id = "lost-inlining";
    f.severity = Severity::kWarning;
    f.title = fmt::format("{} function{} can no longer be inlined", lost.size(),
                          lost.size() == 1 ? "" : "s");
    for (const auto& c : lost)
      f.evidence.push_back(fmt::format("{} {}: was cost {}, now {}", pos(next, c.after), c.function,
                                       c.before->cost >= 0 ? std::to_string(c.before->cost) : "?",
                                       next.pool.Get(c.after->detail)));
    Cap(&f.evidence, lost.size());
    f.advice =
        "Every call site now pays a call and loses the optimisations inlining enabled "
        "(constant folding, escape analysis in the caller). Move the new code into a "
        "separate function or trim the function back under the budget.";
    r.findings.push_back(std::move(f));
  }
  if (!grew.empty()) {
    Finding f;
    f.id = "inline-cost-growth";
    bool close = false;
    for (const auto& c : grew) close |= c.after->cost >= kDefaultBudget - o.near_budget;
    f.severity = close ? Severity::kWarning : Severity::kInfo;
    f.title = fmt::format(
        "{} inlinable function{} grew in inlining cost{}", grew.size(), grew.size() == 1 ? "" : "s",
        close ? fmt::format(", some within {} of the budget", o.near_budget) : "");
    std::stable_sort(grew.begin(), grew.end(), [](const Change& x, const Change& y) {
      return x.after->cost - x.before->cost > y.after->cost - y.before->cost;
    });
    for (const auto& c : grew)
      f.evidence.push_back(fmt::format("{} {}: cost {} → {} (budget {})", pos(next, c.after),
                                       c.function, c.before->cost, c.after->cost, kDefaultBudget));
    Cap(&f.evidence, grew.size());
    f.advice = "Still inlined, but with less headroom: the next change may cross the budget.";
    r.findings.push_back(std::move(f));
  }
  if (gone_n + gone_leak_n > 0 || !gained.empty()) {
    Finding f;
    f.id = "improvements";
    f.severity = Severity::kInfo;
    std::vector<std::string> parts;
    if (gone_n > 0) parts.push_back(Plural(gone_n, "heap escape") + " removed");
    if (gone_leak_n > 0) parts.push_back(Plural(gone_leak_n, "parameter") + " no longer leaking");
    if (!gained.empty()) parts.push_back(Plural(gained.size(), "function") + " newly inlinable");
    f.title = fmt::format("{}", fmt::join(parts, ", "));
    f.evidence = gone;
    for (const auto& c : gained)
      f.evidence.push_back(
          fmt::format("{} {}: now inlinable{}", pos(next, c.after), c.function,
                      c.after->cost >= 0 ? fmt::format(" (cost {})", c.after->cost) : ""));
    Cap(&f.evidence, gone_n + gone_leak_n + gained.size());
    r.findings.push_back(std::move(f));
  }

  Table t;
  t.title = "Inlining changes";
  t.columns = {"function", "position", "before", "after"};
  t.right = {false, false, true, true};
  auto state = [](const EscapeBuild& bb, const Diagnostic* d) {
    if (d->kind == DiagKind::kCannotInline) {
      return d->cost >= 0 ? fmt::format("no (cost {})", d->cost) : std::string("no");
    }
    return d->cost >= 0 ? fmt::format("cost {}", d->cost) : std::string("yes");
    (void)bb;
  };
  for (const auto* v : {&lost, &gained, &grew, &shrank})
    for (const auto& c : *v)
      t.rows.push_back(
          {c.function, pos(next, c.after), state(base, c.before), state(next, c.after)});
  if (!t.rows.empty()) r.tables.push_back(std::move(t));

  // The totals `godx escape` prints for each build (moved + escaping expressions), by the one
  // counting rule.
  const EscapeCounts ca = CountEscapes(base), cb = CountEscapes(next);
  r.title = fmt::format("Escape diff {} → {}: {}, {} removed, {} lost inlining", base_name,
                        next_name, Plural(new_heap_n, "new heap escape"), gone_n, lost.size());
  r.facts.push_back({"Heap escapes", fmt::format("{} → {} ({} moved to heap + {} escaping "
                                                 "expressions in {})",
                                                 ca.heap(), cb.heap(), cb.moved, cb.escapes,
                                                 next_name)});
  r.facts.push_back({"Leaking params", fmt::format("{} → {}", ca.leaks, cb.leaks)});
  r.facts.push_back(
      {"Inlining", fmt::format("{} lost · {} gained · {} grew · {} shrank", lost.size(),
                               gained.size(), grew.size(), shrank.size())});
  Json& s = r.summary;
  s["base"] = base_name;
  s["new"] = next_name;
  s["new_heap_escapes"] = new_heap_n;
  s["new_param_leaks"] = new_leak_n;
  s["removed_heap_escapes"] = gone_n;
  s["removed_param_leaks"] = gone_leak_n;
  if (unnamed > 0) {
    r.warnings.push_back(fmt::format(
        "{} of {} are named by position (their sources are not on this machine): their "
        "inlining is not compared; pass --source-map FROM=TO to name them",
        Plural(unnamed, "function"), next_name));
  }
  s["lost_inlining"] = lost.size();
  s["gained_inlining"] = gained.size();
  s["cost_growth"] = grew.size();
  s["cost_shrink"] = shrank.size();
  Json changes = Json::array();
  auto add = [&](const std::vector<Change>& v, const char* what) {
    for (const auto& c : v)
      changes.push_back(
          Json{{"change", what},
               {"function", c.function},
               {"position", pos(next, c.after)},
               {"cost_before", c.before->cost >= 0 ? Json(c.before->cost) : Json(nullptr)},
               {"cost_after", c.after->cost >= 0 ? Json(c.after->cost) : Json(nullptr)}});
  };
  add(lost, "lost");
  add(gained, "gained");
  add(grew, "grew");
  add(shrank, "shrank");
  r.extra["inlining_changes"] = std::move(changes);
  Json esc = Json::array();
  for (const auto& e : new_heap) esc.push_back(e);
  r.extra["new_heap_escapes"] = std::move(esc);
  return r;
}

}  // namespace godx::compiler
