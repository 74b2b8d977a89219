#include "pprof/filter.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <cctype>
#include <memory>
#include <string>

namespace godx::pprof {

namespace {

Result<std::unique_ptr<RE2>> Compile(const std::string& pattern, const char* flag) {
  if (pattern.empty()) return std::unique_ptr<RE2>();
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, o);
  if (!re->ok()) {
    return Status::Error(fmt::format("--{}: bad regular expression '{}': {}", flag, pattern,
                                     re->error()));
  }
  return re;
}

bool Match(const RE2& re, std::string_view s) { return RE2::PartialMatch(s, re); }

// A label filter: "regex" matches any label value; "key=regex" only values of `key`. A numeric
// range ("1kb:64kb", "10ms:", ":4096", "32mb", as pprof's -tagfocus) matches numeric labels.
struct TagFilter {
  std::string key;
  std::unique_ptr<RE2> re;
  bool numeric = false;
  double lo = -1e300, hi = 1e300;
  std::string text;  // a numeric pattern also matches string labels equal to it ("worker=1")
};

// Factor of a unit to bytes or nanoseconds (both case-insensitive); 0 when unknown.
double UnitFactor(std::string u) {
  for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct U {
    const char* name;
    double f;
  };
  static const U kUnits[] = {{"", 1},          {"b", 1},          {"byte", 1},       {"bytes", 1},
                             {"kb", 1024},     {"kib", 1024},     {"kilobytes", 1024}, {"mb", 1 << 20},
                             {"mib", 1 << 20}, {"megabytes", 1 << 20}, {"gb", 1 << 30}, {"gib", 1 << 30},
                             {"tb", 1099511627776.0}, {"ns", 1},  {"nanoseconds", 1}, {"us", 1e3},
                             {"microseconds", 1e3}, {"ms", 1e6}, {"milliseconds", 1e6}, {"s", 1e9},
                             {"seconds", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"count", 1}};
  for (const U& k : kUnits) {
    if (u == k.name) return k.f;
  }
  return 0;
}

// "32kb" -> 32768; false when not a number with a known unit.
bool ParseQuantity(std::string_view s, double* out) {
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == 0) return false;
  double f = UnitFactor(std::string(s.substr(i)));
  if (f == 0) return false;
  *out = std::stod(std::string(s.substr(0, i))) * f;
  return true;
}

bool ParseRange(std::string_view v, TagFilter* t) {
  size_t colon = v.find(':');
  if (colon == std::string_view::npos) {
    double x;
    if (!ParseQuantity(v, &x)) return false;
    t->lo = t->hi = x;
    return true;
  }
  std::string_view a = v.substr(0, colon), b = v.substr(colon + 1);
  if (a.empty() && b.empty()) return false;
  if (!a.empty() && !ParseQuantity(a, &t->lo)) return false;
  if (!b.empty() && !ParseQuantity(b, &t->hi)) return false;
  return true;
}

Result<TagFilter> CompileTag(const std::string& pattern, const char* flag) {
  TagFilter t;
  if (pattern.empty()) return t;
  std::string value = pattern;
  size_t eq = pattern.find('=');
  if (eq != std::string::npos && eq > 0) {
    t.key = pattern.substr(0, eq);
    value = pattern.substr(eq + 1);
  }
  if (ParseRange(value, &t)) {
    t.numeric = true;
    t.text = value;
    return t;
  }
  GODX_ASSIGN_OR_RETURN(t.re, Compile(value, flag));
  return t;
}

bool TagMatches(const TagFilter& t, const Profile& p, size_t sample) {
  for (const Label& l : p.Labels(sample)) {
    if (!t.key.empty() && p.Str(l.key) != t.key) continue;
    if (t.numeric) {
      if (l.str != 0) {
        if (p.Str(l.str) == t.text) return true;
        continue;
      }
      // Unit: the label's own, else pprof's rule (bytes for request/alignment/bytes keys).
      std::string_view unit = p.Str(l.num_unit);
      std::string_view key = p.Str(l.key);
      if (unit.empty() && (key == "bytes" || key == "request" || key == "alignment")) unit = "bytes";
      double f = UnitFactor(std::string(unit));
      double v = static_cast<double>(l.num) * (f == 0 ? 1 : f);
      if (v >= t.lo && v <= t.hi) return true;
      continue;
    }
    std::string num;
    std::string_view v = p.Str(l.str);
    if (l.str == 0) {
      num = std::to_string(l.num);
      v = num;
    }
    if (Match(*t.re, v)) return true;
  }
  return false;
}

}  // namespace

Status ApplyFilters(const FilterOptions& o, Profile* p) {
  if (o.empty()) return Status::Ok();
  GODX_ASSIGN_OR_RETURN(auto focus, Compile(o.focus, "focus"));
  GODX_ASSIGN_OR_RETURN(auto ignore, Compile(o.ignore, "ignore"));
  GODX_ASSIGN_OR_RETURN(auto hide, Compile(o.hide, "hide"));
  GODX_ASSIGN_OR_RETURN(auto show, Compile(o.show, "show"));
  GODX_ASSIGN_OR_RETURN(auto tagfocus, CompileTag(o.tagfocus, "tagfocus"));
  GODX_ASSIGN_OR_RETURN(auto tagignore, CompileTag(o.tagignore, "tagignore"));

  // Per location: does it match focus / ignore (function name, file name or mapping file, as
  // pprof's Location.matchesName).
  auto loc_matches = [&](const Location& loc, const RE2& re) {
    for (const Line& ln : p->LinesOf(loc)) {
      if (ln.function == kNoIndex) continue;
      const Function& f = p->functions[ln.function];
      if (Match(re, p->Str(f.name)) || Match(re, p->Str(f.filename))) return true;
    }
    if (loc.mapping != kNoIndex && Match(re, p->Str(p->mappings[loc.mapping].filename))) return true;
    return false;
  };
  size_t nloc = p->locations.size();
  std::vector<uint8_t> focus_m(nloc, 0), ignore_m(nloc, 0);
  for (size_t i = 0; i < nloc; ++i) {
    if (focus) focus_m[i] = loc_matches(p->locations[i], *focus);
    if (ignore) ignore_m[i] = loc_matches(p->locations[i], *ignore);
  }
  // hide/show rewrite the lines of each location; a location left with no line is dropped from
  // every stack.
  std::vector<uint8_t> dropped(nloc, 0);
  if (hide || show) {
    std::vector<Line> lines;
    lines.reserve(p->lines.size());
    for (size_t i = 0; i < nloc; ++i) {
      Location& loc = p->locations[i];
      uint32_t begin = static_cast<uint32_t>(lines.size());
      bool had = loc.line_count > 0;
      for (const Line& ln : p->LinesOf(loc)) {
        std::string_view name =
            ln.function == kNoIndex ? std::string_view() : p->Str(p->functions[ln.function].name);
        bool m_hide = hide && Match(*hide, name);
        bool m_show = !show || Match(*show, name);
        if (!m_hide && m_show) lines.push_back(ln);
      }
      loc.line_begin = begin;
      loc.line_count = static_cast<uint32_t>(lines.size() - begin);
      if (loc.line_count == 0 && (had || show)) dropped[i] = 1;
    }
    p->lines = std::move(lines);
  }
  Profile& q = *p;
  std::vector<uint32_t> stack_begin{0}, stack, label_begin{0};
  std::vector<int64_t> values;
  std::vector<Label> labels;
  size_t nv = q.num_values();
  for (size_t s = 0; s < q.num_samples(); ++s) {
    auto st = q.Stack(s);
    bool keep = true;
    if (focus || ignore) {
      bool focused = !focus;
      for (uint32_t li : st) {
        if (ignore && ignore_m[li]) keep = false;
        if (focus && focus_m[li]) focused = true;
      }
      keep = keep && focused;
    }
    if (keep && (tagfocus.re || tagfocus.numeric) && !TagMatches(tagfocus, q, s)) keep = false;
    if (keep && (tagignore.re || tagignore.numeric) && TagMatches(tagignore, q, s)) keep = false;
    if (!keep) continue;
    for (uint32_t li : st) {
      if (!dropped[li]) stack.push_back(li);
    }
    stack_begin.push_back(static_cast<uint32_t>(stack.size()));
    auto v = q.Values(s);
    values.insert(values.end(), v.begin(), v.end());
    auto l = q.Labels(s);
    labels.insert(labels.end(), l.begin(), l.end());
    label_begin.push_back(static_cast<uint32_t>(labels.size()));
  }
  (void)nv;
  q.stack_begin = std::move(stack_begin);
  q.stack = std::move(stack);
  q.values = std::move(values);
  q.label_begin = std::move(label_begin);
  q.labels = std::move(labels);
  return Status::Ok();
}

}  // namespace godx::pprof
