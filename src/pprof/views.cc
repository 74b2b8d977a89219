#include "pprof/views.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <unordered_map>

#include "pprof/format.h"
#include "pprof/graph.h"

namespace godx::pprof {

namespace {

std::string LabelText(const Profile& p, const Label& l) {
  if (l.str != 0) return fmt::format("{}:{}", p.Str(l.key), p.Str(l.str));
  std::string_view unit = p.Str(l.num_unit);
  return fmt::format("{}:{}", p.Str(l.key), unit.empty() ? std::to_string(l.num) : FormatValue(l.num, unit));
}

Result<std::unique_ptr<RE2>> Compile(const std::string& pattern) {
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, o);
  if (!re->ok()) return Status::Error(fmt::format("bad regular expression '{}': {}", pattern, re->error()));
  return re;
}

}  // namespace

std::string TracesView(const Profile& p, size_t index, std::string_view forced) {
  NodeTable nodes(p);
  std::string_view unit = p.Str(p.sample_types[index].unit);
  std::vector<size_t> order;
  const size_t nv = p.num_values();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    if (p.values[s * nv + index] != 0) order.push_back(s);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::abs(p.values[a * nv + index]) > std::abs(p.values[b * nv + index]);
  });
  std::string out = fmt::format("Type: {}\n", p.Str(p.sample_types[index].type));
  const std::string sep = "-----------+-------------------------------------------------------\n";
  for (size_t s : order) {
    out += sep;
    std::string lbl;
    for (const Label& l : p.Labels(s)) {
      if (!lbl.empty()) lbl += ' ';
      lbl += LabelText(p, l);
    }
    if (!lbl.empty()) out += fmt::format("{:>10}   {}\n", "", lbl);
    std::string value = FormatValue(p.values[s * nv + index], unit, forced);
    bool first = true;
    for (uint32_t li : p.Stack(s)) {
      auto ln = nodes.Of(li);
      for (size_t k = 0; k < ln.size(); ++k) {
        out += fmt::format("{:>10}   {}{}\n", first ? value : "", nodes.Name(ln[k]),
                           k + 1 < ln.size() ? " (inline)" : "");
        first = false;
      }
    }
    if (first) out += fmt::format("{:>10}   <no stack>\n", value);
  }
  out += sep;
  return out;
}

std::string TagsView(const Profile& p, size_t index, std::string_view forced) {
  std::string_view unit = p.Str(p.sample_types[index].unit);
  // key -> value text -> weight
  std::map<std::string, std::unordered_map<std::string, int64_t>> tags;
  std::map<std::string, int64_t> key_total;
  const size_t nv = p.num_values();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    for (const Label& l : p.Labels(s)) {
      std::string key(p.Str(l.key));
      std::string val = l.str != 0 ? std::string(p.Str(l.str))
                                   : (p.Str(l.num_unit).empty() ? std::to_string(l.num)
                                                                : FormatValue(l.num, p.Str(l.num_unit)));
      tags[key][val] += w;
      key_total[key] += w;
    }
  }
  if (tags.empty()) return "No tags found\n";
  std::string out;
  for (const auto& [key, vals] : tags) {
    out += fmt::format("{:>10}: Total {}\n", key, FormatValue(key_total[key], unit, forced));
    std::vector<std::pair<std::string, int64_t>> v(vals.begin(), vals.end());
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) {
      return std::abs(a.second) != std::abs(b.second) ? std::abs(a.second) > std::abs(b.second) : a.first < b.first;
    });
    for (const auto& [val, w] : v) {
      out += fmt::format("{:>10} {:>10} ({}): {}\n", "", FormatValue(w, unit, forced),
                         Percent(w, key_total[key]), val);
    }
    out += "\n";
  }
  return out;
}

Result<std::string> PeekView(const Profile& p, size_t index, const std::string& pattern,
                             std::string_view forced) {
  GODX_ASSIGN_OR_RETURN(auto re, Compile(pattern));
  NodeTable nodes(p);
  std::vector<uint8_t> selected(nodes.size(), 0);
  bool any = false;
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    selected[n] = RE2::PartialMatch(nodes.Name(n), *re);
    any = any || selected[n];
  }
  if (!any) return Status::Error(fmt::format("no function matches '{}'", pattern));
  std::string_view unit = p.Str(p.sample_types[index].unit);
  int64_t total = ComputeTotal(p, index);
  auto entries = ComputePeek(p, index, selected, nodes);
  std::string out = fmt::format("{:>10} {:>6} {:>10} {:>6}   calls calls% + context\n", "flat", "flat%", "cum", "cum%");
  const std::string sep = "----------------------------------------------------------+-------------\n";
  for (const PeekEntry& e : entries) {
    out += sep;
    int64_t in_total = 0, out_total = 0;
    for (const Edge& c : e.callers) in_total += c.weight;
    for (const Edge& c : e.callees) out_total += c.weight;
    for (const Edge& c : e.callers) {
      out += fmt::format("{:>36} {:>10} {:>7} |   {}\n", "", FormatValue(c.weight, unit, forced),
                         Percent(c.weight, in_total), nodes.Name(c.other));
    }
    out += fmt::format("{:>10} {:>6} {:>10} {:>6} {:>18} | {}\n", FormatValue(e.row.flat, unit, forced),
                       Percent(e.row.flat, total), FormatValue(e.row.cum, unit, forced),
                       Percent(e.row.cum, total), "", e.row.name);
    for (const Edge& c : e.callees) {
      out += fmt::format("{:>36} {:>10} {:>7} |   {}\n", "", FormatValue(c.weight, unit, forced),
                         Percent(c.weight, out_total), nodes.Name(c.other));
    }
  }
  out += sep;
  return out;
}

Result<std::string> ListView(const Profile& p, size_t index, const std::string& pattern,
                             std::string_view forced) {
  GODX_ASSIGN_OR_RETURN(auto re, Compile(pattern));
  std::string_view unit = p.Str(p.sample_types[index].unit);
  // function index -> line -> (flat, cum)
  std::map<uint32_t, std::map<int64_t, std::pair<int64_t, int64_t>>> per_fn;
  std::vector<uint8_t> fn_match(p.functions.size());
  for (size_t f = 0; f < p.functions.size(); ++f) {
    fn_match[f] = RE2::PartialMatch(p.Str(p.functions[f].name), *re);
  }
  const size_t nv = p.num_values();
  std::vector<std::pair<uint32_t, int64_t>> seen;
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    seen.clear();
    bool leaf = true;
    for (uint32_t li : p.Stack(s)) {
      for (const Line& ln : p.LinesOf(p.locations[li])) {
        bool is_leaf = leaf;
        leaf = false;
        if (ln.function == kNoIndex || !fn_match[ln.function]) continue;
        auto& cell = per_fn[ln.function][ln.line];
        if (is_leaf) cell.first += w;
        std::pair<uint32_t, int64_t> key{ln.function, ln.line};
        if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
          seen.push_back(key);
          cell.second += w;
        }
      }
      leaf = false;
    }
  }
  if (per_fn.empty()) return Status::Error(fmt::format("no function with samples matches '{}'", pattern));
  int64_t total = ComputeTotal(p, index);
  std::string out;
  for (const auto& [fi, lines] : per_fn) {
    const Function& fn = p.functions[fi];
    int64_t flat = 0, cum = 0;
    // As pprof's list: the routine's flat and cum are the sums over its lines.
    for (const auto& [_, v] : lines) {
      flat += v.first;
      cum += v.second;
    }
    out += fmt::format("ROUTINE ======================== {} in {}\n", p.Str(fn.name), p.Str(fn.filename));
    out += fmt::format("{:>10} {:>10} (flat, cum) {} of Total\n", FormatValue(flat, unit, forced),
                       FormatValue(cum, unit, forced), Percent(cum, total));
    std::vector<std::string> src;
    std::ifstream f{std::string(p.Str(fn.filename))};
    for (std::string l; f && std::getline(f, l);) src.push_back(l);
    int64_t lo = lines.begin()->first, hi = lines.rbegin()->first;
    if (!src.empty()) {
      lo = std::max<int64_t>(1, std::min(lo, fn.start_line > 0 ? fn.start_line : lo) - 2);
      hi = std::min<int64_t>(static_cast<int64_t>(src.size()), hi + 2);
      for (int64_t n = lo; n <= hi; ++n) {
        auto it = lines.find(n);
        std::string a = it == lines.end() || it->second.first == 0 ? "." : FormatValue(it->second.first, unit, forced);
        std::string b = it == lines.end() || it->second.second == 0 ? "." : FormatValue(it->second.second, unit, forced);
        out += fmt::format("{:>10} {:>10} {:>6}: {}\n", a, b, n, src[static_cast<size_t>(n - 1)]);
      }
    } else {
      for (const auto& [n, v] : lines) {
        out += fmt::format("{:>10} {:>10} {:>6}: (source not readable)\n",
                           v.first ? FormatValue(v.first, unit, forced) : ".",
                           v.second ? FormatValue(v.second, unit, forced) : ".", n);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace godx::pprof
