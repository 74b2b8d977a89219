#include "pprof/transform.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "pprof/measurement.h"

namespace godx::pprof {

namespace {

using RegexPtr = std::unique_ptr<RE2>;

Result<RegexPtr> CompileOption(const char* name, const std::string& value) {
  if (value.empty()) return RegexPtr();
  RE2::Options ro;
  ro.set_log_errors(false);
  auto re = std::make_unique<RE2>(value, ro);
  if (!re->ok()) return Status::Error(fmt::format("parsing {} regexp: {}", name, re->error()));
  return re;
}

bool Match(const RE2& re, std::string_view s) { return RE2::PartialMatch(s, re); }

std::string_view FnName(const Profile& p, const Line& ln) {
  return ln.function == kNoIndex ? std::string_view() : p.Str(p.functions[ln.function].name);
}

// Location.matchesName: a line's function name or file, or the mapping's file.
bool LocMatches(const Profile& p, const Location& loc, const RE2& re) {
  for (const Line& ln : p.LinesOf(loc)) {
    if (ln.function == kNoIndex) continue;
    const Function& f = p.functions[ln.function];
    if (Match(re, p.Str(f.name)) || Match(re, p.Str(f.filename))) return true;
  }
  return loc.mapping != kNoIndex && Match(re, p.Str(p.mappings[loc.mapping].filename));
}

bool LineMatches(const Profile& p, const Line& ln, const RE2& re) {
  if (ln.function == kNoIndex) return false;
  const Function& f = p.functions[ln.function];
  return Match(re, p.Str(f.name)) || Match(re, p.Str(f.filename));
}

// Replaces a location's lines with `keep` (appended to the line table).
void SetLines(Profile* p, Location* loc, const std::vector<Line>& keep) {
  loc->line_begin = static_cast<uint32_t>(p->lines.size());
  p->lines.insert(p->lines.end(), keep.begin(), keep.end());
  loc->line_count = static_cast<uint32_t>(keep.size());
}

// Rebuilds the sample arrays keeping the samples `keep` says, with the stack `stack_of` gives.
template <typename KeepFn>
void RewriteSamples(Profile* p, KeepFn keep_fn) {
  std::vector<uint32_t> stack_begin{0}, stack, label_begin{0};
  std::vector<int64_t> values;
  std::vector<Label> labels;
  std::vector<uint32_t> st;
  const size_t nv = p->num_values();
  for (size_t s = 0; s < p->num_samples(); ++s) {
    auto orig = p->Stack(s);
    st.assign(orig.begin(), orig.end());
    if (!keep_fn(s, &st)) continue;
    stack.insert(stack.end(), st.begin(), st.end());
    stack_begin.push_back(static_cast<uint32_t>(stack.size()));
    values.insert(values.end(), p->values.begin() + s * nv, p->values.begin() + (s + 1) * nv);
    auto l = p->Labels(s);
    labels.insert(labels.end(), l.begin(), l.end());
    label_begin.push_back(static_cast<uint32_t>(labels.size()));
  }
  p->stack_begin = std::move(stack_begin);
  p->stack = std::move(stack);
  p->values = std::move(values);
  p->label_begin = std::move(label_begin);
  p->labels = std::move(labels);
}

// profile.simplifyFunc: drops argument lists and template suffixes ("(" not part of a reserved
// name such as "(anonymous namespace)" or "operator()").
std::string_view SimplifyFunc(std::string_view f) {
  if (!f.empty() && f[0] == '.') f.remove_prefix(1);
  static constexpr std::string_view kReserved[] = {"(anonymous namespace)", "operator()"};
  size_t i = 0;
  while (i < f.size()) {
    bool reserved = false;
    for (std::string_view r : kReserved) {
      if (f.substr(i, r.size()) == r) {
        i += r.size();
        reserved = true;
        break;
      }
    }
    if (reserved) continue;
    if (f[i] == '(') return f.substr(0, i);
    ++i;
  }
  return f;
}

void Prune(Profile* p, const RE2& drop, const RE2* keep) {
  std::unordered_map<std::string_view, bool> cache;
  auto prune_here = [&](std::string_view s) {
    auto it = cache.find(s);
    if (it != cache.end()) return it->second;
    std::string_view fn = SimplifyFunc(s);
    bool r = RE2::FullMatch(fn, drop) && (keep == nullptr || !RE2::FullMatch(fn, *keep));
    cache.emplace(s, r);
    return r;
  };
  const size_t nloc = p->locations.size();
  std::vector<uint8_t> prune(nloc), beneath(nloc);
  for (size_t li = 0; li < nloc; ++li) {
    Location& loc = p->locations[li];
    auto lines = p->LinesOf(loc);
    int i;
    for (i = static_cast<int>(lines.size()) - 1; i >= 0; --i) {
      std::string_view name = FnName(*p, lines[i]);
      if (!name.empty() && prune_here(name)) break;
    }
    if (i >= 0) {
      beneath[li] = 1;
      if (i == static_cast<int>(lines.size()) - 1) {
        prune[li] = 1;
      } else {
        loc.line_begin += static_cast<uint32_t>(i + 1);
        loc.line_count -= static_cast<uint32_t>(i + 1);
      }
    }
  }
  RewriteSamples(p, [&](size_t, std::vector<uint32_t>* st) {
    bool found_user = false;
    for (int i = static_cast<int>(st->size()) - 1; i >= 0; --i) {
      uint32_t id = (*st)[i];
      if (!prune[id] && !beneath[id]) {
        found_user = true;
        continue;
      }
      if (!found_user) continue;
      if (prune[id]) {
        st->erase(st->begin(), st->begin() + i + 1);
        break;
      }
      if (beneath[id]) {
        st->erase(st->begin(), st->begin() + i);
        break;
      }
    }
    return true;
  });
}

// The numeric filter of -tagfocus/-tagignore ("1kb:64kb", "+400kb:", ":10ms", "32"), as pprof's
// parseTagFilterRange; nullopt when `filter` is not a range.
struct Range {
  enum Kind { kEq, kGe, kLe, kBetween } kind;
  double lo = 0, hi = 0;
  std::string unit;
  bool Matches(int64_t v, std::string_view u) const {
    auto s = measurement::Scale(v, u, unit);
    if (s.unit != unit) return false;
    switch (kind) {
      case kEq: return s.value == lo;
      case kGe: return s.value >= lo;
      case kLe: return s.value <= lo;
      case kBetween: return s.value >= lo && s.value <= hi;
    }
    return false;
  }
};

// FindAllStringSubmatch("([+-]?[[:digit:]]+)([[:alpha:]]+)?", 2).
struct RangeMatch {
  size_t begin, end;
  std::string num, unit;
};
std::vector<RangeMatch> FindRanges(std::string_view s) {
  std::vector<RangeMatch> out;
  size_t i = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (i < s.size() && out.size() < 2) {
    size_t b = i;
    size_t j = i;
    if (s[j] == '+' || s[j] == '-') ++j;
    if (j < s.size() && digit(s[j])) {
      while (j < s.size() && digit(s[j])) ++j;
      size_t k = j;
      while (k < s.size() && alpha(s[k])) ++k;
      out.push_back({b, k, std::string(s.substr(b, j - b)), std::string(s.substr(j, k - j))});
      i = k;
    } else {
      ++i;
    }
  }
  return out;
}

std::optional<Range> ParseTagRange(std::string_view filter) {
  auto m = FindRanges(filter);
  if (m.empty()) return std::nullopt;
  auto num = [](const std::string& s) {
    return static_cast<int64_t>(std::strtoll(s.c_str(), nullptr, 10));
  };
  auto first = measurement::Scale(num(m[0].num), m[0].unit, m[0].unit);
  Range r;
  r.unit = first.unit;
  r.lo = first.value;
  std::string_view match = filter.substr(m[0].begin, m[0].end - m[0].begin);
  if (m.size() == 1) {
    if (filter == match) r.kind = Range::kEq;
    else if (filter.size() == match.size() + 1 && filter.substr(0, match.size()) == match && filter.back() == ':') r.kind = Range::kGe;
    else if (filter.size() == match.size() + 1 && filter[0] == ':' && filter.substr(1) == match) r.kind = Range::kLe;
    else return std::nullopt;
    return r;
  }
  std::string_view match2 = filter.substr(m[1].begin, m[1].end - m[1].begin);
  if (filter != fmt::format("{}:{}", match, match2)) return std::nullopt;
  auto second = measurement::Scale(num(m[1].num), m[1].unit, r.unit);
  if (second.unit != r.unit) return std::nullopt;
  r.kind = Range::kBetween;
  r.hi = second.value;
  return r;
}

using SampleMatch = std::function<bool(const Profile&, size_t)>;

Result<SampleMatch> CompileTagFilter(const char* name, const std::string& value_in,
                                     const std::map<std::string, std::string, std::less<>>& units,
                                     std::vector<std::string>* warnings) {
  if (value_in.empty()) return SampleMatch();
  std::string value = value_in, want_key;
  size_t eq = value.find('=');
  if (eq != std::string::npos) {
    want_key = value.substr(0, eq);
    value = value.substr(eq + 1);
  }
  if (auto r = ParseTagRange(value)) {
    warnings->push_back(fmt::format("{}:Interpreted '{}' as range, not regexp", name, value));
    auto unit_of = [units](std::string_view key) {
      auto it = units.find(key);
      return it == units.end() ? std::string() : it->second;
    };
    Range range = *r;
    return SampleMatch([range, want_key, unit_of](const Profile& p, size_t s) {
      for (const Label& l : p.Labels(s)) {
        if (l.str != 0 || (l.num == 0 && l.num_unit == 0 && p.Str(l.key).empty())) continue;
        std::string_view key = p.Str(l.key);
        if (!want_key.empty() && key != want_key) continue;
        if (range.Matches(l.num, unit_of(key))) return true;
      }
      return false;
    });
  }
  std::vector<std::shared_ptr<RE2>> rx;
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    GODX_ASSIGN_OR_RETURN(auto re, CompileOption(name, part.empty() ? std::string("(?:)") : part));
    rx.push_back(std::move(re));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (want_key.empty()) {
    return SampleMatch([rx](const Profile& p, size_t s) {
      std::string kv;
      for (const auto& re : rx) {
        bool matched = false;
        for (const Label& l : p.Labels(s)) {
          if (l.str == 0) continue;
          kv = fmt::format("{}:{}", p.Str(l.key), p.Str(l.str));
          if (Match(*re, kv)) {
            matched = true;
            break;
          }
        }
        if (!matched) return false;
      }
      return true;
    });
  }
  return SampleMatch([rx, want_key](const Profile& p, size_t s) {
    bool has_key = false;
    for (const Label& l : p.Labels(s)) has_key = has_key || (l.str != 0 && p.Str(l.key) == want_key);
    if (!has_key) return false;
    for (const auto& re : rx) {
      for (const Label& l : p.Labels(s)) {
        if (l.str != 0 && p.Str(l.key) == want_key && Match(*re, p.Str(l.str))) return true;
      }
    }
    return false;
  });
}

void WarnNoMatches(bool match, const char* option, std::vector<std::string>* w) {
  if (!match) w->push_back(fmt::format("{} expression matched no samples", option));
}

}  // namespace

std::map<std::string, std::string, std::less<>> NumLabelUnits(const Profile& p) {
  std::map<std::string, std::string, std::less<>> units;
  std::vector<std::string> keys;
  for (const Label& l : p.labels) {
    if (l.str != 0) continue;
    std::string key(p.Str(l.key));
    keys.push_back(key);
    std::string_view unit = p.Str(l.num_unit);
    if (!unit.empty() && units.find(key) == units.end()) units.emplace(key, unit);
  }
  for (const std::string& key : keys) {
    auto it = units.find(key);
    if (it == units.end() || it->second.empty()) {
      units[key] = key == "alignment" || key == "request" ? "bytes" : key;
    }
  }
  return units;
}

Status RemoveUninteresting(Profile* p) {
  if (p->drop_frames == 0 || p->Str(p->drop_frames).empty()) return Status::Ok();
  GODX_ASSIGN_OR_RETURN(auto drop, CompileOption("drop_frames", fmt::format("^({})$", p->Str(p->drop_frames))));
  RegexPtr keep;
  if (p->keep_frames != 0 && !p->Str(p->keep_frames).empty()) {
    GODX_ASSIGN_OR_RETURN(keep, CompileOption("keep_frames", fmt::format("^({})$", p->Str(p->keep_frames))));
  }
  Prune(p, *drop, keep.get());
  return Status::Ok();
}

void AddLabelNodes(const PprofOptions& o, Profile* p, std::vector<std::string>* warnings) {
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
      size_t c = s.find(',', start);
      std::string part = s.substr(start, c == std::string::npos ? std::string::npos : c - start);
      if (!part.empty()) out.push_back(part);
      if (c == std::string::npos) break;
      start = c + 1;
    }
    return out;
  };
  std::vector<std::string> root_keys = split(o.tagroot), leaf_keys = split(o.tagleaf);
  if (root_keys.empty() && leaf_keys.empty()) return;
  std::map<std::pair<std::string, std::string>, uint32_t> locs;
  uint64_t max_loc = 0, max_fn = 0;
  for (const Location& l : p->locations) max_loc = std::max(max_loc, l.id);
  for (const Function& f : p->functions) max_fn = std::max(max_fn, f.id);
  auto intern = [&](const std::string& fn, const std::string& file) {
    auto [it, fresh] = locs.emplace(std::make_pair(fn, file), 0);
    if (!fresh) return it->second;
    Function f;
    f.id = ++max_fn;
    f.name = p->strings.Intern(fn);
    f.filename = p->strings.Intern(file);
    p->functions.push_back(f);
    Location l;
    l.id = ++max_loc;
    l.line_begin = static_cast<uint32_t>(p->lines.size());
    l.line_count = 1;
    p->lines.push_back(Line{static_cast<uint32_t>(p->functions.size() - 1), 0, 0});
    p->locations.push_back(l);
    it->second = static_cast<uint32_t>(p->locations.size() - 1);
    return it->second;
  };
  auto values_of = [&](size_t s, const std::string& key) {
    std::vector<std::string> v;
    for (const Label& l : p->Labels(s)) {
      if (l.str != 0 && p->Str(l.key) == key) v.emplace_back(p->Str(l.str));
    }
    for (const Label& l : p->Labels(s)) {
      if (l.str == 0 && p->Str(l.key) == key) {
        v.push_back(l.num_unit != 0 ? measurement::ScaledLabel(l.num, p->Str(l.num_unit), o.unit)
                                    : measurement::ScaledLabel(l.num, "", ""));
      }
    }
    return v;
  };
  bool rootm = false, leafm = false;
  auto make = [&](size_t s, const std::vector<std::string>& keys, bool* match) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string& k = keys[keys.size() - 1 - i];
      auto vals = values_of(s, k);
      if (!vals.empty()) *match = true;
      std::string joined;
      for (size_t j = 0; j < vals.size(); ++j) joined += (j ? "," : "") + vals[j];
      out.push_back(intern(joined, k));
    }
    return out;
  };
  RewriteSamples(p, [&](size_t s, std::vector<uint32_t>* st) {
    auto roots = make(s, root_keys, &rootm);
    auto leaves = make(s, leaf_keys, &leafm);
    if (roots.empty() && leaves.empty()) return true;
    std::vector<uint32_t> n = leaves;
    n.insert(n.end(), st->begin(), st->end());
    n.insert(n.end(), roots.begin(), roots.end());
    *st = std::move(n);
    return true;
  });
  WarnNoMatches(o.tagroot.empty() || rootm, "TagRoot", warnings);
  WarnNoMatches(o.tagleaf.empty() || leafm, "TagLeaf", warnings);
}

Status ApplyPprofFilters(const PprofOptions& o, Profile* p, std::vector<std::string>* warnings) {
  auto units = NumLabelUnits(*p);
  GODX_ASSIGN_OR_RETURN(auto focus, CompileOption("focus", o.focus));
  GODX_ASSIGN_OR_RETURN(auto ignore, CompileOption("ignore", o.ignore));
  GODX_ASSIGN_OR_RETURN(auto hide, CompileOption("hide", o.hide));
  GODX_ASSIGN_OR_RETURN(auto show, CompileOption("show", o.show));
  GODX_ASSIGN_OR_RETURN(auto showfrom, CompileOption("show_from", o.show_from));
  GODX_ASSIGN_OR_RETURN(auto tagfocus, CompileTagFilter("tagfocus", o.tagfocus, units, warnings));
  GODX_ASSIGN_OR_RETURN(auto tagignore, CompileTagFilter("tagignore", o.tagignore, units, warnings));
  GODX_ASSIGN_OR_RETURN(auto prunefrom, CompileOption("prune_from", o.prune_from));
  GODX_ASSIGN_OR_RETURN(auto tagshow, CompileOption("tagshow", o.tagshow));
  GODX_ASSIGN_OR_RETURN(auto taghide, CompileOption("taghide", o.taghide));

  // FilterSamplesByName.
  if (focus || ignore || hide || show) {
    bool fm = false, im = false, hm = false, hnm = false;
    const size_t nloc = p->locations.size();
    std::vector<int8_t> focus_or_ignore(nloc, -1);  // -1 absent, 0 ignore, 1 focus
    std::vector<uint8_t> hidden(nloc);
    bool any_hidden = false;
    std::vector<Line> keep;
    for (size_t li = 0; li < nloc; ++li) {
      Location& loc = p->locations[li];
      if (ignore && LocMatches(*p, loc, *ignore)) {
        im = true;
        focus_or_ignore[li] = 0;
      } else if (!focus || LocMatches(*p, loc, *focus)) {
        fm = true;
        focus_or_ignore[li] = 1;
      }
      if (hide && LocMatches(*p, loc, *hide)) {
        hm = true;
        keep.clear();
        bool map_match = loc.mapping != kNoIndex && Match(*hide, p->Str(p->mappings[loc.mapping].filename));
        if (!map_match) {
          for (const Line& ln : p->LinesOf(loc)) {
            if (!LineMatches(*p, ln, *hide)) keep.push_back(ln);
          }
        }
        SetLines(p, &loc, keep);
        if (keep.empty()) hidden[li] = any_hidden = true;
      }
      if (show) {
        bool map_match = loc.mapping != kNoIndex && Match(*show, p->Str(p->mappings[loc.mapping].filename));
        if (!map_match) {
          keep.clear();
          for (const Line& ln : p->LinesOf(loc)) {
            if (ln.function == kNoIndex || LineMatches(*p, ln, *show)) keep.push_back(ln);
          }
          SetLines(p, &loc, keep);
        }
        if (loc.line_count == 0) {
          hidden[li] = any_hidden = true;
        } else {
          hnm = true;
        }
      }
    }
    RewriteSamples(p, [&](size_t, std::vector<uint32_t>* st) {
      bool f = false;
      for (uint32_t l : *st) {
        if (focus_or_ignore[l] == 0) return false;
        if (focus_or_ignore[l] == 1) f = true;
      }
      if (!f) return false;
      if (any_hidden) {
        std::erase_if(*st, [&](uint32_t l) { return hidden[l] != 0; });
        if (st->empty()) return false;
      }
      return true;
    });
    WarnNoMatches(!focus || fm, "Focus", warnings);
    WarnNoMatches(!ignore || im, "Ignore", warnings);
    WarnNoMatches(!hide || hm, "Hide", warnings);
    WarnNoMatches(!show || hnm, "Show", warnings);
  }
  // ShowFrom.
  if (showfrom) {
    bool matched = false;
    std::vector<uint8_t> from(p->locations.size());
    for (size_t li = 0; li < p->locations.size(); ++li) {
      Location& loc = p->locations[li];
      if (loc.mapping != kNoIndex && Match(*showfrom, p->Str(p->mappings[loc.mapping].filename))) {
        from[li] = matched = true;
        continue;
      }
      auto lines = p->LinesOf(loc);
      for (int i = static_cast<int>(lines.size()) - 1; i >= 0; --i) {
        if (LineMatches(*p, lines[i], *showfrom)) {
          loc.line_count = static_cast<uint32_t>(i + 1);
          from[li] = matched = true;
          break;
        }
      }
    }
    RewriteSamples(p, [&](size_t, std::vector<uint32_t>* st) {
      for (int i = static_cast<int>(st->size()) - 1; i >= 0; --i) {
        if (from[(*st)[i]]) {
          st->resize(i + 1);
          return true;
        }
      }
      return false;
    });
    WarnNoMatches(matched, "ShowFrom", warnings);
  }
  // FilterSamplesByTag.
  if (tagfocus || tagignore) {
    bool tfm = false, tim = false;
    RewriteSamples(p, [&](size_t s, std::vector<uint32_t>*) {
      bool focused = !tagfocus || tagfocus(*p, s);
      bool ignored = tagignore && tagignore(*p, s);
      tfm = tfm || focused;
      tim = tim || ignored;
      return focused && !ignored;
    });
    WarnNoMatches(!tagfocus || tfm, "TagFocus", warnings);
    WarnNoMatches(!tagignore || tim, "TagIgnore", warnings);
  }
  // FilterTagsByName.
  if (tagshow || taghide) {
    bool sm = false, hm = false;
    std::vector<uint32_t> label_begin{0};
    std::vector<Label> labels;
    for (size_t s = 0; s < p->num_samples(); ++s) {
      for (const Label& l : p->Labels(s)) {
        std::string_view name = p->Str(l.key);
        bool m_show = !tagshow || Match(*tagshow, name);
        bool m_hide = taghide && Match(*taghide, name);
        sm = sm || m_show;
        hm = hm || m_hide;
        if (m_show && !m_hide) labels.push_back(l);
      }
      label_begin.push_back(static_cast<uint32_t>(labels.size()));
    }
    p->labels = std::move(labels);
    p->label_begin = std::move(label_begin);
    WarnNoMatches(!tagshow || sm, "TagShow", warnings);
    WarnNoMatches(!taghide || hm, "TagHide", warnings);
  }
  // PruneFrom.
  if (prunefrom) {
    std::vector<uint8_t> beneath(p->locations.size());
    for (size_t li = 0; li < p->locations.size(); ++li) {
      Location& loc = p->locations[li];
      auto lines = p->LinesOf(loc);
      for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view name = FnName(*p, lines[i]);
        if (!name.empty() && Match(*prunefrom, SimplifyFunc(name))) {
          beneath[li] = 1;
          loc.line_begin += static_cast<uint32_t>(i);
          loc.line_count -= static_cast<uint32_t>(i);
          break;
        }
      }
    }
    RewriteSamples(p, [&](size_t, std::vector<uint32_t>* st) {
      for (size_t i = 0; i < st->size(); ++i) {
        if (beneath[(*st)[i]]) {
          st->erase(st->begin(), st->begin() + i);
          break;
        }
      }
      return true;
    });
  }
  return Status::Ok();
}

void AggregateProfile(Granularity g, bool noinlines, bool showcolumns, Profile* p) {
  bool inlines = !noinlines;
  bool function = false, filename = false, linenumber = false, address = false;
  switch (g) {
    case Granularity::kDefault:
    case Granularity::kFunctions: function = true; break;
    case Granularity::kAddresses:
      if (inlines) return;
      function = filename = linenumber = address = true;
      break;
    case Granularity::kLines: function = filename = linenumber = true; break;
    case Granularity::kFiles: filename = true; break;
    case Granularity::kFileFunctions: function = filename = true; break;
  }
  for (Mapping& m : p->mappings) {
    m.has_inline_frames = m.has_inline_frames && inlines;
    m.has_functions = m.has_functions && function;
    m.has_filenames = m.has_filenames && filename;
    m.has_line_numbers = m.has_line_numbers && linenumber;
  }
  if (!function || !filename) {
    for (Function& f : p->functions) {
      if (!function) f.name = f.system_name = p->strings.Intern("");
      if (!filename) f.filename = p->strings.Intern("");
    }
  }
  if (!inlines || !address || !linenumber || !showcolumns) {
    for (Location& l : p->locations) {
      if (!inlines && l.line_count > 1) {
        l.line_begin += l.line_count - 1;
        l.line_count = 1;
      }
      // Lines are shared only through the location that owns them, so clear them in place.
      for (uint32_t i = l.line_begin; i < l.line_begin + l.line_count; ++i) {
        if (!linenumber) p->lines[i].line = 0;
        if (!linenumber || !showcolumns) p->lines[i].column = 0;
      }
      if (!address) l.address = 0;
    }
  }
}

Result<size_t> PprofSampleIndex(const Profile& p, const std::string& wanted) {
  if (p.sample_types.empty()) return Status::Error("profile has no samples");
  auto types = [&] {
    std::string s = "[";
    for (size_t i = 0; i < p.sample_types.size(); ++i) {
      s += (i ? " " : "") + std::string(p.Str(p.sample_types[i].type));
    }
    return s + "]";
  };
  if (wanted.empty()) {
    if (p.default_sample_type != 0) {
      for (size_t i = 0; i < p.sample_types.size(); ++i) {
        if (p.sample_types[i].type == p.default_sample_type) return i;
      }
    }
    return p.sample_types.size() - 1;
  }
  char* end = nullptr;
  long n = std::strtol(wanted.c_str(), &end, 10);
  if (*end == '\0') {
    if (n < 0 || static_cast<size_t>(n) >= p.sample_types.size()) {
      return Status::Error(fmt::format("sample_index {} is outside the range [0..{}]", wanted, p.sample_types.size() - 1));
    }
    return static_cast<size_t>(n);
  }
  std::string_view no_inuse = wanted;
  if (no_inuse.substr(0, 6) == "inuse_") no_inuse.remove_prefix(6);
  for (size_t i = 0; i < p.sample_types.size(); ++i) {
    std::string_view t = p.Str(p.sample_types[i].type);
    if (t == wanted || t == no_inuse) return i;
  }
  return Status::Error(fmt::format("sample_index \"{}\" must be one of: {}", wanted, types()));
}

bool IsDiffBaseSample(const Profile& p, size_t s) {
  for (const Label& l : p.Labels(s)) {
    if (l.str != 0 && p.Str(l.key) == "pprof::base" && p.Str(l.str) == "true") return true;
  }
  return false;
}

}  // namespace godx::pprof
