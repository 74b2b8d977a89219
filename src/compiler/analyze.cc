#include "compiler/analyze.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "compiler/counts.h"
#include "compiler/messages.h"
#include "compiler/reader.h"
#include "compiler/release.h"
#include "core/units.h"

namespace godx::compiler {

namespace {

// Inlining budget of Go 1.12..1.25 for code without PGO (inline.inlineMaxBudget).
constexpr int kDefaultBudget = 80;
// A function over the budget by at most this share is "just over" (worth splitting).
constexpr double kJustOverShare = 0.25;
constexpr size_t kEvidenceLines = 6;

bool IsEscape(DiagKind k) { return k == DiagKind::kMovedToHeap || k == DiagKind::kEscapesToHeap; }

std::string_view Str(const EscapeBuild& b, StringId id) { return b.pool.Get(id); }

std::string FuncLabel(const EscapeBuild& b, StringId fn) {
  return fn == 0 ? std::string("(package level)") : std::string(Str(b, fn));
}

// "{storage for x}" → "x"; "&x" / "*x" keep their operator.
std::string_view Location(std::string_view s) {
  while (!s.empty() && (s[0] == '&' || s[0] == '*')) s.remove_prefix(1);
  if (StartsWith(s, "{storage for ") && s.back() == '}') return s.substr(13, s.size() - 14);
  return s;
}

std::string DiagMessage(const EscapeBuild& b, const Diagnostic& d) {
  std::string_view subj = Str(b, d.subject), det = Str(b, d.detail);
  switch (d.kind) {
    case DiagKind::kMovedToHeap:
      return fmt::format("moved to heap: {}", subj);
    case DiagKind::kEscapesToHeap:
      return fmt::format("{} escapes to heap", subj.empty() ? "value" : subj);
    case DiagKind::kDoesNotEscape:
      return fmt::format("{} does not escape", subj);
    case DiagKind::kLeakParam:
      if (det == "{heap}")
        return d.level > 0 ? fmt::format("leaking param content: {}", subj)
                           : fmt::format("leaking param: {}", subj);
      return fmt::format("leaking param: {} to result {} level={}", subj, det, d.level);
    case DiagKind::kCanInline:
      return d.cost >= 0 ? fmt::format("can inline {} with cost {}", subj, d.cost)
                         : fmt::format("can inline {}", subj);
    case DiagKind::kCannotInline:
      return fmt::format("cannot inline {}: {}", subj, det);
    case DiagKind::kInliningCall:
      return fmt::format("inlining call to {}", subj);
    case DiagKind::kCannotInlineCall:
      return fmt::format("cannot inline call to {}: {}", subj, det);
    case DiagKind::kDevirtualized:
      return fmt::format("devirtualizing {} to {}", subj, det);
    case DiagKind::kCapture:
      return fmt::format("captured by {}: {}", det, subj);
    case DiagKind::kBoundsCheck:
      return "bounds check (IsInBounds)";
    case DiagKind::kSliceBoundsCheck:
      return "slice bounds check (IsSliceInBounds)";
    case DiagKind::kNilCheck:
      return "nil check";
    case DiagKind::kOther:
      return std::string(det);
  }
  return std::string(det);
}

// The callee of a "call parameter" hop: "fmt.Sprintf(...)" → "fmt.Sprintf", and a method called
// through its type, "(*URL).String(ru)" → "(*URL).String": the text before the parenthesis that
// opens the last argument list. `at` labels a call that names nothing there ("(f)(x)").
std::string Callee(std::string_view expr, std::string_view at) {
  size_t open = std::string_view::npos;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < expr.size(); ++i) {
    char ch = expr[i];
    if (quote != 0) {
      if (ch == '\\' && quote != '`')
        ++i;
      else if (ch == quote)
        quote = 0;
      continue;
    }
    if (ch == '"' || ch == '`' || ch == '\'') quote = ch;
    if (ch == '(' && depth++ == 0) open = i;
    if (ch == ')') --depth;
  }
  std::string_view name = expr.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.empty() || (name.front() == '(' && name.back() == ')'))
    return fmt::format("a function value called at {}", at);
  return std::string(name);
}

}  // namespace

const char* CauseAdvice(EscapeCause c) {
  switch (c) {
    case EscapeCause::kInterfaceCall:
      return "A value converted to interface{} for a call the compiler cannot see through (fmt, "
             "log, errors.Errorf) is allocated on the heap. In hot paths use typed APIs "
             "(strconv.AppendInt, bytes.Buffer, a strings.Builder with WriteString) or format only "
             "when the result is needed.";
    case EscapeCause::kClosure:
      return "A closure that outlives its function (returned, stored, run by go) takes its "
             "captured variables with it. Pass them as arguments, or capture a copy when the "
             "closure does not need to write them.";
    case EscapeCause::kNonConstantSize:
      return "When the size has a small upper bound, make a constant-sized buffer and slice it "
             "(var buf [64]byte; b := buf[:n]), or reuse buffers with sync.Pool.";
    case EscapeCause::kReturned:
      return "Returning a pointer to a local, or a value boxed in an interface such as error, "
             "allocates unless the function is inlined into a caller that keeps it local. Return "
             "small values by value, keep constructors inlinable, and use preallocated error "
             "values for common failures.";
    case EscapeCause::kInterfaceConversion:
      return "Putting a non-pointer value (a string, a struct, an error type) into an interface "
             "copies it to the heap. On hot paths return concrete types, keep preallocated error "
             "values (var errX = ...), or store pointers that already live on the heap.";
    case EscapeCause::kCallParameter:
      return "The function it is passed to keeps its parameter (see that function's 'leaking "
             "param' line): it stores it, returns it into the heap or hands it to another "
             "goroutine. Pass a copy, or change the callee so its parameter does not leak.";
    case EscapeCause::kStored:
      return "It is stored where the heap can reach it: a field of a heap object, a global, a "
             "map, a slice that escapes or a channel. Store a value instead of a pointer, or "
             "keep the container on the stack.";
    case EscapeCause::kTooLarge:
      return "Variables larger than the stack limit for one frame (10 MiB declared, 64 KiB "
             "implicit) always live on the heap. Allocate once and reuse the buffer.";
    case EscapeCause::kUnexplained:
      return "Build with -gcflags=-m=2 (or use godx escape run) to see why it escapes.";
  }
  return "";
}

// Why, as the end of a sentence about one value.
std::string CauseSentence(const EscapeWhy& w) {
  switch (w.cause) {
    case EscapeCause::kInterfaceCall:
      return "passed through ...interface{} to " + w.callee;
    case EscapeCause::kClosure:
      return "captured by a closure that escapes";
    case EscapeCause::kReturned:
      return "returned to the caller";
    case EscapeCause::kNonConstantSize:
      return "made with a size that is not a constant";
    case EscapeCause::kTooLarge:
      return "too large for the stack";
    case EscapeCause::kStored:
      return "stored where the heap can reach it";
    case EscapeCause::kCallParameter:
      return "passed to " + w.callee + ", whose parameter leaks";
    case EscapeCause::kInterfaceConversion:
      return "converted to an interface that is stored";
    case EscapeCause::kUnexplained:
      return "no explanation in this input (-m=2 has one)";
  }
  return "";
}

const char* EscapeCauseName(EscapeCause c) {
  switch (c) {
    case EscapeCause::kUnexplained:
      return "unexplained";
    case EscapeCause::kInterfaceCall:
      return "interface-call";
    case EscapeCause::kClosure:
      return "closure";
    case EscapeCause::kReturned:
      return "returned";
    case EscapeCause::kNonConstantSize:
      return "non-constant-size";
    case EscapeCause::kTooLarge:
      return "too-large";
    case EscapeCause::kStored:
      return "stored";
    case EscapeCause::kCallParameter:
      return "call-parameter";
    case EscapeCause::kInterfaceConversion:
      return "interface-conversion";
  }
  return "unexplained";
}

std::string PositionText(const EscapeBuild& b, const Diagnostic& d) {
  if (d.col == 0) return fmt::format("{}:{}", Str(b, d.file), d.line);
  return fmt::format("{}:{}:{}", Str(b, d.file), d.line, d.col);
}

EscapeWhy ExplainDiagnostic(const EscapeBuild& b, const Diagnostic& d) {
  EscapeWhy w;
  if (d.explanation == kNoExplanation || d.explanation >= b.explanations.size()) return w;
  std::vector<FlowStep> steps = ParseExplanation(b, b.explanations[d.explanation]);
  if (steps.empty()) return w;
  w.chain = std::string(Str(b, d.subject));
  bool iface = false, closure = false, returned = false, nonconst = false, large = false,
       call = false;
  for (const auto& s : steps) {
    if (!s.dst.empty()) {
      w.chain += " → ";
      w.chain += Location(s.dst);
    }
    for (const auto& h : s.hops) {
      if (h.why == "interface-converted" ||
          (h.why == "slice-literal-element" && h.expr == "... argument"))
        iface = true;
      else if (h.why == "captured by a closure")
        closure = true;
      else if (h.why == "return" || h.why == "returned")
        returned = true;
      else if (h.why == "non-constant size")
        nonconst = true;
      else if (h.why == "too large for stack")
        large = true;
      else if (h.why == "call parameter") {
        call = true;
        w.callee = Callee(h.expr, h.at);
      }
    }
  }
  if (nonconst)
    w.cause = EscapeCause::kNonConstantSize;
  else if (large)
    w.cause = EscapeCause::kTooLarge;
  else if (iface && call)
    w.cause = EscapeCause::kInterfaceCall;
  else if (closure)
    w.cause = EscapeCause::kClosure;
  else if (call)
    w.cause = EscapeCause::kCallParameter;
  else if (returned)
    w.cause = EscapeCause::kReturned;
  else if (iface)
    w.cause = EscapeCause::kInterfaceConversion;
  else
    w.cause = EscapeCause::kStored;
  return w;
}

Report AnalyzeEscapes(const EscapeBuild& b, const std::string& source, const EscapeOptions& o,
                      const AnalyzeOptions& analyze) {
  Report r;
  r.kind = "escape";
  r.source = source;
  r.warnings = b.warnings;

  // Every number below comes from CountEscapes or from the same EscapeScope classification, so
  // the header, the tables, the findings, `escape diff` and --json agree.
  const EscapeScope scope(b);
  const EscapeCounts c = CountEscapes(b);
  std::set<StringId> packages, files;
  uint64_t other = 0, captures = 0, first_other = 0;
  for (const auto& d : b.diagnostics) {
    packages.insert(d.package);
    files.insert(d.file);
    if (d.kind == DiagKind::kCapture) ++captures;
    if (d.kind == DiagKind::kOther && other++ == 0) first_other = d.input_line;
  }

  // Per function and per file tallies.
  struct Tally {
    uint64_t moved = 0, escapes = 0, leaks = 0, can = 0, cannot = 0;
    const Diagnostic* decl = nullptr;  // the function's can/cannot inline line
  };
  std::map<std::pair<StringId, StringId>, Tally> by_file;             // (package, file)
  std::map<std::tuple<StringId, StringId, StringId>, Tally> by_func;  // (package, file, function)
  std::map<EscapeCause, std::vector<std::pair<const Diagnostic*, EscapeWhy>>> by_cause;
  std::map<std::string, std::vector<const Diagnostic*>> by_callee;
  for (const auto& d : b.diagnostics) {
    Tally& f = by_file[{d.package, d.file}];
    Tally& fn = by_func[{d.package, d.file, d.function}];
    const HeapClass hc = scope.Classify(d);
    if (hc == HeapClass::kMoved) ++f.moved, ++fn.moved;
    if (hc == HeapClass::kEscapes) ++f.escapes, ++fn.escapes;
    if (hc == HeapClass::kLeak) ++f.leaks, ++fn.leaks;
    if ((d.kind == DiagKind::kCanInline || d.kind == DiagKind::kCannotInline) &&
        d.subject == d.function && fn.decl == nullptr)
      fn.decl = &d;
    if (hc == HeapClass::kMoved || hc == HeapClass::kEscapes) {
      EscapeWhy w = ExplainDiagnostic(b, d);
      if (w.cause == EscapeCause::kInterfaceCall) by_callee[w.callee].push_back(&d);
      by_cause[w.cause].push_back({&d, std::move(w)});
    }
  }
  const std::vector<const Diagnostic*> decls = FunctionDecls(b);
  for (const Diagnostic* d : decls) {
    Tally& f = by_file[{d->package, d->file}];
    if (d->kind == DiagKind::kCanInline)
      ++f.can;
    else
      ++f.cannot;
  }

  // Inlining budget views: the package's own functions (other packages' generic code is nothing
  // the user can trim).
  struct Budgeted {
    const Diagnostic* d;
    int budget;
  };
  std::vector<Budgeted> near, just_over;
  for (const Diagnostic* d : decls) {
    if (!scope.OwnCode(*d)) continue;
    if (d->kind == DiagKind::kCanInline && d->cost >= 0 &&
        d->cost >= kDefaultBudget - o.near_budget)
      near.push_back({d, kDefaultBudget});
    if (d->kind == DiagKind::kCannotInline && d->cost >= 0 && d->budget > 0 &&
        d->cost <= d->budget * (1 + kJustOverShare))
      just_over.push_back({d, d->budget});
  }
  auto by_cost_desc = [](const Budgeted& x, const Budgeted& y) { return x.d->cost > y.d->cost; };
  auto by_cost_asc = [](const Budgeted& x, const Budgeted& y) {
    return x.d->cost - x.budget < y.d->cost - y.budget;
  };
  std::stable_sort(near.begin(), near.end(), by_cost_desc);
  std::stable_sort(just_over.begin(), just_over.end(), by_cost_asc);

  const bool json_input = b.format == "-json";
  const bool m1 = b.format.rfind("-m text", 0) == 0;
  // A number the input form does not record is said to be missing, never printed as 0.
  const std::string form = json_input ? "-json" : b.format;
  r.title = fmt::format(
      "Escape analysis: {} moved to heap, {}, {} ({}{})", FormatCount(c.moved),
      Plural(c.escapes, "escaping expression"),
      c.not_inlinable ? Plural(*c.not_inlinable, "non-inlinable function")
                      : std::string("inlining failures not in -m text"),
      b.format, b.go_version.empty() ? "" : ", " + b.go_version);
  r.facts.push_back({"Packages", fmt::format("{} ({})", FormatCount(packages.size()),
                                             Plural(files.size(), "file"))});
  r.facts.push_back({"Heap", fmt::format("{} moved to heap · {} escape · {} leak to the heap",
                                         Plural(c.moved, "variable"),
                                         Plural(c.escapes, "expression"),
                                         Plural(c.leaks, "parameter"))});
  if (c.constants + c.other_code > 0) {
    std::vector<std::string> parts;
    if (c.constants > 0)
      parts.push_back(fmt::format(
          "{} converted to interfaces (static data, nothing allocated)",
          Plural(c.constants, "constant")));
    if (c.other_code > 0)
      parts.push_back(fmt::format(
          "{} in other packages' generic code and compiler wrappers",
          Plural(c.other_code, "heap fact")));
    r.facts.push_back({"Not counted", fmt::format("{}", fmt::join(parts, " · "))});
  }
  std::string near_text =
      m1 ? std::string("costs not in -m text")
         : fmt::format("{} within {} of the budget · {} just over it", FormatCount(near.size()),
                       o.near_budget, FormatCount(just_over.size()));
  r.facts.push_back(
      {"Inlining",
       fmt::format("{} inlinable · {} · {} · {}", Plural(c.inlinable, "function"),
                   c.not_inlinable ? FormatCount(*c.not_inlinable) + " not"
                                   : "the others not in " + form,
                   c.inlined_calls ? Plural(*c.inlined_calls, "call") + " inlined"
                                   : "inlined calls not in " + form,
                   near_text)});
  if (c.not_inlined_calls > 0) {
    // -json's cannotInlineCall: a call site of an inlinable function that was not inlined (a
    // recursive cycle, the caller's budget); text -m=2 prints these as "cannot inline F into G".
    r.facts.push_back(
        {"Not inlined", fmt::format("{} not inlined{}",
                                    Plural(c.not_inlined_calls,
                                           "call to an inlinable function was",
                                           "calls to inlinable functions were"),
                                    c.recursive_calls_not_inlined > 0
                                        ? fmt::format(" (and {} inside inlined recursive bodies, "
                                                      "which only -json records)",
                                                      Plural(c.recursive_calls_not_inlined, "call"))
                                        : "")});
  }
  SetGoRelease(r, InferBuildRelease(b));
  {
    std::vector<std::string> parts;
    auto part = [&](const std::optional<uint64_t>& n, std::string_view noun) {
      if (n) parts.push_back(Plural(*n, noun));
    };
    part(c.devirtualized_calls, "devirtualized call");
    part(c.bounds_checks, "bounds check");
    part(c.slice_bounds_checks, "slice bounds check");
    part(c.nil_checks, "nil check");
    bool any = false;
    for (const auto* n : {&c.devirtualized_calls, &c.bounds_checks, &c.slice_bounds_checks,
                          &c.nil_checks})
      any |= n->value_or(0) > 0;
    if (any) r.facts.push_back({"Checks", fmt::format("{}", fmt::join(parts, " · "))});
  }
  if (m1) {
    r.warnings.push_back(
        "-m output has no explanations and names only inlinable functions: use -gcflags=-m=2 "
        "(or godx escape run) to learn why values escape");
  }
  if (json_input) {
    // What -m=2 text of the same build shows and -json cannot: say so instead of printing 0.
    r.warnings.push_back(
        "-json records no inlined or devirtualized calls (and Go 1.19's leaves out functions "
        "that cannot be inlined because they are recursive): build with -gcflags=-m=2 for those");
  }
  if (other > 0) {
    r.warnings.push_back(fmt::format("{} godx does not classify, first at line {}",
                                     Plural(other, "compiler line"), first_other));
  }
  if (b.other_lines > 0) {
    r.warnings.push_back(
        fmt::format("{} not compiler diagnostics {} skipped, first at line {}",
                    Plural(b.other_lines, "line that is", "lines that are"),
                    b.other_lines == 1 ? "was" : "were", b.first_other_line));
  }

  // Findings.
  auto evidence_for = [&](const std::vector<std::pair<const Diagnostic*, EscapeWhy>>& v) {
    std::vector<std::string> ev;
    for (size_t i = 0; i < v.size() && i < kEvidenceLines; ++i) {
      const Diagnostic& d = *v[i].first;
      ev.push_back(fmt::format("{} in {}: {}{}", PositionText(b, d), FuncLabel(b, d.function),
                               DiagMessage(b, d),
                               v[i].second.chain.empty() ? "" : " (" + v[i].second.chain + ")"));
    }
    if (v.size() > kEvidenceLines)
      ev.push_back(fmt::format("... and {} more", v.size() - kEvidenceLines));
    return ev;
  };
  if (auto it = by_cause.find(EscapeCause::kInterfaceCall); it != by_cause.end()) {
    std::vector<std::pair<std::string, size_t>> callees;
    for (const auto& [c, v] : by_callee) callees.push_back({c, v.size()});
    std::stable_sort(callees.begin(), callees.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    std::string names;
    for (size_t i = 0; i < callees.size() && i < 3; ++i)
      names += fmt::format("{}{} ({})", i ? ", " : "", callees[i].first, callees[i].second);
    Finding f;
    f.id = "escape-via-interface";
    f.severity = Severity::kWarning;
    f.title = fmt::format("{} because {} passed through ...interface{{}} to {}",
                          Plural(it->second.size(), "value escapes", "values escape"),
                          it->second.size() == 1 ? "it is" : "they are", names);
    f.evidence = evidence_for(it->second);
    f.advice = CauseAdvice(EscapeCause::kInterfaceCall);
    r.findings.push_back(std::move(f));
  }
  // The other causes: one informational finding each, worded by this table.
  struct CauseFinding {
    EscapeCause cause;
    const char* id;
    const char* one;   // the title for one value
    const char* many;  // "{}" is the number of values
  };
  static constexpr CauseFinding kCauseFindings[] = {
      {EscapeCause::kClosure, "escape-via-closure",
       "1 variable is moved to the heap because an escaping closure captures it",
       "{} variables are moved to the heap because an escaping closure captures them"},
      {EscapeCause::kNonConstantSize, "escape-non-constant-size",
       "1 make() call allocates on the heap because its size is not a constant",
       "{} make() calls allocate on the heap because their size is not a constant"},
      {EscapeCause::kReturned, "escape-returned",
       "1 value escapes because it is returned to the caller (as a pointer or inside an "
       "interface)",
       "{} values escape because they are returned to the caller (as pointers or inside "
       "interfaces)"},
      {EscapeCause::kInterfaceConversion, "escape-interface-conversion",
       "1 value escapes because it is converted to an interface that is stored",
       "{} values escape because they are converted to an interface that is stored"},
  };
  for (const CauseFinding& cf : kCauseFindings) {
    auto it = by_cause.find(cf.cause);
    if (it == by_cause.end()) continue;
    Finding f;
    f.id = cf.id;
    f.severity = Severity::kInfo;
    f.title = it->second.size() == 1 ? std::string(cf.one)
                                     : fmt::format(fmt::runtime(cf.many), it->second.size());
    f.evidence = evidence_for(it->second);
    f.advice = CauseAdvice(cf.cause);
    r.findings.push_back(std::move(f));
  }
  if (!near.empty()) {
    Finding f;
    f.id = "inline-near-budget";
    f.severity = Severity::kInfo;
    f.title = fmt::format("{} within {} of the inlining budget ({})",
                          Plural(near.size(), "inlinable function is", "inlinable functions are"),
                          o.near_budget, kDefaultBudget);
    for (size_t i = 0; i < near.size() && i < kEvidenceLines; ++i)
      f.evidence.push_back(fmt::format("{} {}: cost {} of {}", PositionText(b, *near[i].d),
                                       Str(b, near[i].d->subject), near[i].d->cost,
                                       near[i].budget));
    f.advice =
        "A small edit will push these over the budget and every call site will pay a "
        "function call. Guard them with `godx escape diff --fail-on warning` in CI, or move "
        "rare paths into separate functions to keep headroom.";
    r.findings.push_back(std::move(f));
  }
  if (!just_over.empty()) {
    Finding f;
    f.id = "inline-just-over-budget";
    f.severity = Severity::kInfo;
    f.title = fmt::format("{} the inlining budget by at most {:.0f}%",
                          Plural(just_over.size(), "function misses", "functions miss"),
                          kJustOverShare * 100);
    for (size_t i = 0; i < just_over.size() && i < kEvidenceLines; ++i)
      f.evidence.push_back(
          fmt::format("{} {}: cost {} exceeds budget {}", PositionText(b, *just_over[i].d),
                      Str(b, just_over[i].d->subject), just_over[i].d->cost, just_over[i].budget));
    f.advice =
        "If these are hot, splitting out the cold part (error handling, rare branches) "
        "into its own function often makes the hot part inlinable.";
    r.findings.push_back(std::move(f));
  }

  // Tables.
  {
    Table t;
    t.title = "Files by heap allocations";
    t.columns = {"package",        "file",      "moved",        "escapes",
                 "leaking params", "inlinable", "not inlinable"};
    t.right = {false, false, true, true, true, true, true};
    std::vector<std::pair<std::pair<StringId, StringId>, Tally>> rows(by_file.begin(),
                                                                      by_file.end());
    std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
      return x.second.moved + x.second.escapes > y.second.moved + y.second.escapes;
    });
    for (const auto& [k, v] : rows) {
      if (t.rows.size() >= o.top) {
        ++t.omitted_rows;
        continue;
      }
      t.rows.push_back({std::string(Str(b, k.first)), std::string(Str(b, k.second)),
                        FormatCount(v.moved), FormatCount(v.escapes), FormatCount(v.leaks),
                        FormatCount(v.can), FormatCount(v.cannot)});
    }
    r.tables.push_back(std::move(t));
  }
  {
    Table t;
    t.title = "Functions by heap allocations";
    t.columns = {"function", "file", "moved", "escapes", "inlining"};
    t.right = {false, false, true, true, false};
    std::vector<std::pair<std::tuple<StringId, StringId, StringId>, Tally>> rows;
    for (const auto& [k, v] : by_func)
      if (v.moved + v.escapes > 0) rows.push_back({k, v});
    std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
      return x.second.moved + x.second.escapes > y.second.moved + y.second.escapes;
    });
    for (const auto& [k, v] : rows) {
      if (t.rows.size() >= o.top) {
        ++t.omitted_rows;
        continue;
      }
      std::string inl = "?";
      if (v.decl && v.decl->kind == DiagKind::kCanInline)
        inl = v.decl->cost >= 0 ? fmt::format("yes, cost {}", v.decl->cost) : "yes";
      if (v.decl && v.decl->kind == DiagKind::kCannotInline)
        inl = "no: " + std::string(Str(b, v.decl->detail));
      t.rows.push_back({FuncLabel(b, std::get<2>(k)), std::string(Str(b, std::get<1>(k))),
                        FormatCount(v.moved), FormatCount(v.escapes), inl});
    }
    if (!t.rows.empty()) r.tables.push_back(std::move(t));
  }
  if (!near.empty() || !just_over.empty()) {
    Table t;
    t.title = fmt::format("Functions near the inlining budget (within {} under it or {:.0f}% over)",
                          o.near_budget, kJustOverShare * 100);
    t.columns = {"function", "position", "cost", "budget", "headroom"};
    t.right = {false, false, true, true, true};
    for (const auto* v : {&near, &just_over}) {
      for (const auto& x : *v) {
        if (t.rows.size() >= o.top) {
          ++t.omitted_rows;
          continue;
        }
        t.rows.push_back({std::string(Str(b, x.d->subject)), PositionText(b, *x.d),
                          std::to_string(x.d->cost), std::to_string(x.budget),
                          std::to_string(x.budget - x.d->cost)});
      }
    }
    r.tables.push_back(std::move(t));
  }

  Json& s = r.summary;
  auto opt = [](const std::optional<uint64_t>& n) { return n ? Json(*n) : Json(nullptr); };
  s["format"] = b.format;
  s["go_version"] = b.go_version.empty() ? Json(nullptr) : Json(b.go_version);
  s["packages"] = packages.size();
  s["files"] = files.size();
  s["moved_to_heap"] = c.moved;
  s["escapes_to_heap"] = c.escapes;
  s["leaking_params"] = c.leaks;
  s["constant_conversions"] = c.constants;
  s["other_code_heap_facts"] = c.other_code;
  s["inlinable_functions"] = c.inlinable;
  s["not_inlinable_functions"] = opt(c.not_inlinable);
  s["inlined_calls"] = opt(c.inlined_calls);
  s["not_inlined_calls"] = c.not_inlined_calls;
  s["recursive_calls_not_inlined"] = c.recursive_calls_not_inlined;
  s["near_budget_functions"] = m1 ? Json(nullptr) : Json(near.size());
  s["just_over_budget_functions"] = m1 ? Json(nullptr) : Json(just_over.size());
  s["devirtualized_calls"] = opt(c.devirtualized_calls);
  s["bounds_checks"] = opt(c.bounds_checks);
  s["slice_bounds_checks"] = opt(c.slice_bounds_checks);
  s["nil_checks"] = opt(c.nil_checks);
  s["closure_captures"] = captures;
  s["unclassified"] = other;
  s["lines"] = b.lines;
  s["duplicates"] = b.duplicates;
  Json causes = Json::object();
  for (const auto& [cause, v] : by_cause) causes[EscapeCauseName(cause)] = v.size();
  s["escape_causes"] = causes;

  if (!analyze.json) return r;
  Json fl = Json::array();
  for (const auto& [k, v] : by_file)
    fl.push_back(Json{{"package", Str(b, k.first)},
                      {"file", Str(b, k.second)},
                      {"moved_to_heap", v.moved},
                      {"escapes_to_heap", v.escapes},
                      {"leaking_params", v.leaks},
                      {"inlinable_functions", v.can},
                      {"not_inlinable_functions", v.cannot}});
  r.extra["files"] = std::move(fl);
  Json esc = Json::array();
  for (const auto& [cause, v] : by_cause) {
    for (const auto& [d, w] : v) {
      esc.push_back(Json{{"kind", DiagKindName(d->kind)},
                         {"subject", Str(b, d->subject)},
                         {"position", PositionText(b, *d)},
                         {"function", FuncLabel(b, d->function)},
                         {"cause", EscapeCauseName(cause)},
                         {"callee", w.callee.empty() ? Json(nullptr) : Json(w.callee)},
                         {"chain", w.chain.empty() ? Json(nullptr) : Json(w.chain)}});
    }
  }
  r.extra["escapes"] = std::move(esc);
  Json nb = Json::array();
  for (const auto* v : {&near, &just_over})
    for (const auto& x : *v)
      nb.push_back(Json{{"function", Str(b, x.d->subject)},
                        {"position", PositionText(b, *x.d)},
                        {"cost", x.d->cost},
                        {"budget", x.budget},
                        {"inlinable", x.d->kind == DiagKind::kCanInline}});
  r.extra["near_budget"] = std::move(nb);
  return r;
}

Result<Report> ExplainAt(const EscapeBuild& b, const std::string& source,
                         std::string_view file_line) {
  size_t colon = file_line.rfind(':');
  uint32_t line = 0;
  std::string_view file = file_line.substr(0, colon);
  bool ok = colon != std::string_view::npos && colon > 0 && colon + 1 < file_line.size();
  for (size_t i = colon + 1; ok && i < file_line.size(); ++i) {
    if (file_line[i] < '0' || file_line[i] > '9' || line > 100000000)
      ok = false;
    else
      line = line * 10 + static_cast<uint32_t>(file_line[i] - '0');
  }
  if (!ok || line == 0) {
    return Status::Error(
        fmt::format("--explain '{}': expected FILE:LINE, e.g. main.go:42", file_line));
  }
  while (StartsWith(file, "./")) file.remove_prefix(2);
  auto matches = [&](std::string_view f) {
    if (!EndsWith(f, file)) return false;
    return f.size() == file.size() || f[f.size() - file.size() - 1] == '/' ||
           f[f.size() - file.size() - 1] == '\\';
  };
  Report r;
  r.kind = "escape";
  r.source = source;
  Json items = Json::array();
  std::vector<const Diagnostic*> at_line;
  for (const auto& d : b.diagnostics)
    if (d.line == line && matches(Str(b, d.file))) at_line.push_back(&d);
  if (at_line.empty()) {
    return Status::Error(fmt::format("{}: no compiler diagnostic at {}:{}", source, file, line));
  }
  size_t explained = 0;
  for (const Diagnostic* d : at_line) {
    if (!IsEscape(d->kind) && d->kind != DiagKind::kLeakParam) continue;
    ++explained;
    EscapeWhy w = ExplainDiagnostic(b, *d);
    Table t;
    t.title = fmt::format("{}  {} (in {})", PositionText(b, *d), DiagMessage(b, *d),
                          FuncLabel(b, d->function));
    t.columns = {"step", "flows to", "from", "because", "at"};
    t.right = {true, false, false, false, false};
    Json steps = Json::array();
    if (d->explanation != kNoExplanation) {
      auto fs = ParseExplanation(b, b.explanations[d->explanation]);
      for (size_t i = 0; i < fs.size(); ++i) {
        Json hops = Json::array();
        for (size_t k = 0; k < fs[i].hops.size(); ++k) {
          const auto& h = fs[i].hops[k];
          t.rows.push_back({k == 0 ? std::to_string(i + 1) : "",
                            k == 0 ? std::string(fs[i].dst) : "", std::string(h.expr),
                            std::string(h.why), std::string(h.at)});
          hops.push_back(Json{{"expr", h.expr}, {"why", h.why}, {"at", h.at}});
        }
        if (fs[i].hops.empty())
          t.rows.push_back({std::to_string(i + 1), std::string(fs[i].dst), "", "", ""});
        steps.push_back(Json{{"dst", fs[i].dst}, {"src", fs[i].src}, {"hops", std::move(hops)}});
      }
    }
    if (t.rows.empty()) {
      t.rows.push_back({"", "", "", "no explanation in this input (use -gcflags=-m=2)", ""});
    }
    Finding f;
    f.id = "escape-explained";
    f.severity = Severity::kInfo;
    f.title =
        fmt::format("{} at {}: {}", DiagMessage(b, *d), PositionText(b, *d), CauseSentence(w));
    if (!w.chain.empty()) f.evidence.push_back(w.chain);
    f.advice = CauseAdvice(w.cause);
    r.findings.push_back(std::move(f));
    r.facts.push_back({std::string(Str(b, d->subject)),
                       w.chain.empty()
                           ? DiagMessage(b, *d)
                           : fmt::format("{} [{}]", w.chain, EscapeCauseName(w.cause))});
    r.tables.push_back(std::move(t));
    items.push_back(Json{{"kind", DiagKindName(d->kind)},
                         {"subject", Str(b, d->subject)},
                         {"position", PositionText(b, *d)},
                         {"function", FuncLabel(b, d->function)},
                         {"message", DiagMessage(b, *d)},
                         {"cause", EscapeCauseName(w.cause)},
                         {"chain", w.chain.empty() ? Json(nullptr) : Json(w.chain)},
                         {"steps", std::move(steps)}});
  }
  Json others = Json::array();
  for (const Diagnostic* d : at_line) {
    if (IsEscape(d->kind) || d->kind == DiagKind::kLeakParam) continue;
    r.facts.push_back({PositionText(b, *d), DiagMessage(b, *d)});
    others.push_back(Json{{"position", PositionText(b, *d)}, {"message", DiagMessage(b, *d)}});
  }
  r.title = fmt::format("Why values at {}:{} escape: {} heap escape{} or leak{}", file, line,
                        explained, explained == 1 ? "" : "s", explained == 1 ? "" : "s");
  r.summary["line"] = fmt::format("{}:{}", file, line);
  r.summary["escapes"] = explained;
  r.summary["diagnostics"] = at_line.size();
  r.extra["explain"] = std::move(items);
  r.extra["other_diagnostics"] = std::move(others);
  return r;
}

Result<EscapeBuild> ReadEscapeAny(const std::string& path, const InputOptions& options,
                                  std::unique_ptr<Input>* keep, const SourceMap& sources) {
  std::error_code ec;
  if (path != "-" && std::filesystem::is_directory(path, ec))
    return ReadEscapeJsonDir(path, options, sources);
  auto input = Input::Open(path, options);
  if (!input.ok()) return input.status();
  *keep = std::make_unique<Input>(std::move(input).value());
  std::string_view data = (*keep)->data();
  if (StartsWith(data, "{\"version\":")) {
    EscapeBuild b;
    b.format = "-json";
    GODX_RETURN_IF_ERROR(ReadEscapeJsonFile(**keep, "", &b, sources));
    FinishBuild(&b);
    return b;
  }
  return ReadEscapeText(**keep);
}

Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(EscapeBuild b, ReadEscapeText(input));
  return AnalyzeEscapes(b, input.name(), EscapeOptions{}, options);
}

}  // namespace godx::compiler
