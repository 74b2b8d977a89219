#include "pprof/text_report.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "pprof/measurement.h"
#include "pprof/transform.h"

namespace godx::pprof {

namespace {

int64_t Abs(int64_t v) { return v < 0 ? -v : v; }

std::string_view Base(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// pprof's applyCommandOverrides.
PprofOptions CommandOverrides(PprofOptions cfg) {
  bool trim = cfg.trim;
  switch (cfg.format) {
    case OutputFormat::kDisasm:
      trim = false;
      cfg.granularity = Granularity::kAddresses;
      cfg.noinlines = true;
      break;
    case OutputFormat::kWeblist:
      trim = false;
      cfg.granularity = Granularity::kAddresses;
      cfg.noinlines = false;
      break;
    case OutputFormat::kPeek: trim = false; break;
    case OutputFormat::kList:
      trim = false;
      cfg.granularity = Granularity::kLines;
      break;
    case OutputFormat::kText:
    case OutputFormat::kTopproto:
      if (cfg.nodecount == -1) cfg.nodecount = 0;
      break;
    default:
      if (cfg.nodecount == -1) cfg.nodecount = 80;
  }
  switch (cfg.format) {
    case OutputFormat::kProto:
    case OutputFormat::kRaw:
    case OutputFormat::kCallgrind:
    case OutputFormat::kKcachegrind:
      trim = false;
      cfg.granularity = Granularity::kAddresses;
      break;
    default: break;
  }
  if (!trim) {
    cfg.nodecount = 0;
    cfg.nodefraction = 0;
    cfg.edgefraction = 0;
  }
  return cfg;
}

int64_t ComputePprofTotal(const Profile& p, size_t index, bool mean) {
  int64_t div = 0, total = 0, diff_div = 0, diff_total = 0;
  const size_t nv = p.num_values();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t v = p.values[s * nv + index];
    int64_t d = mean ? p.values[s * nv] : 0;
    if (v < 0) v = -v;
    total += v;
    div += d;
    if (IsDiffBaseSample(p, s)) {
      diff_total += v;
      diff_div += d;
    }
  }
  if (diff_total > 0) {
    total = diff_total;
    div = diff_div;
  }
  return div != 0 ? total / div : total;
}

std::string TextOutput(const Profile& p, ReportContext& ctx) {
  TrimmedGraph tg = NewTrimmedGraph(p, ctx);
  const Graph& g = *tg.graph;
  SelectOutputUnit(g, &ctx);
  int64_t shown = 0;
  for (const GraphNode* n : g.nodes) shown += n->FlatValue();
  std::string out = Join(ReportLabels(p, ctx, shown, static_cast<int>(g.nodes.size()), tg.orig_count,
                                      tg.dropped_nodes, 0, false), "\n");
  out += "\n";
  out += fmt::format("{:>10} {:>5}% {:>5}% {:>10} {:>5}%\n", "flat", "flat", "sum", "cum", "cum");
  int64_t flat_sum = 0;
  for (const GraphNode* n : g.nodes) {
    bool inl = false, noinl = false;
    for (const auto& [_, e] : n->in) {
      if (e->inline_) inl = true;
      else noinl = true;
    }
    std::string label = inl ? (noinl ? " (partial-inline)" : " (inline)") : "";
    int64_t flat = n->FlatValue(), cum = n->CumValue();
    flat_sum += flat;
    out += fmt::format("{:>10} {} {} {:>10} {}  {}{}\n", ctx.FormatValue(flat),
                       measurement::Percentage(flat, ctx.total), measurement::Percentage(flat_sum, ctx.total),
                       ctx.FormatValue(cum), measurement::Percentage(cum, ctx.total),
                       n->info.PrintableName(), label);
  }
  return out;
}

Result<std::string> TreeOutput(const Profile& p, ReportContext& ctx, const RE2* rx) {
  const std::string sep = "----------------------------------------------------------+-------------";
  TrimmedGraph tg = NewTrimmedGraph(p, ctx);
  const Graph& g = *tg.graph;
  SelectOutputUnit(g, &ctx);
  int64_t shown = 0;
  for (const GraphNode* n : g.nodes) shown += n->FlatValue();
  std::string out = Join(ReportLabels(p, ctx, shown, static_cast<int>(g.nodes.size()), tg.orig_count,
                                      tg.dropped_nodes, 0, false), "\n") + "\n";
  out += sep + "\n";
  out += "      flat  flat%   sum%        cum   cum%   calls calls% + context 	 	 \n";
  int64_t flat_sum = 0;
  int matched = 0;
  for (const GraphNode* n : g.nodes) {
    std::string name = n->info.PrintableName();
    int64_t flat = n->FlatValue(), cum = n->CumValue();
    if (rx != nullptr && !RE2::PartialMatch(name, *rx)) continue;
    ++matched;
    out += sep + "\n";
    for (const GraphEdge* e : SortedEdges(n->in)) {
      out += fmt::format("{:>50} {} |   {}{}\n", ctx.FormatValue(e->weight), measurement::Percentage(e->weight, cum),
                         e->src->info.PrintableName(), e->inline_ ? " (inline)" : "");
    }
    flat_sum += flat;
    out += fmt::format("{:>10} {} {} {:>10} {}                | {}\n", ctx.FormatValue(flat),
                       measurement::Percentage(flat, ctx.total), measurement::Percentage(flat_sum, ctx.total),
                       ctx.FormatValue(cum), measurement::Percentage(cum, ctx.total), name);
    for (const GraphEdge* e : SortedEdges(n->out)) {
      out += fmt::format("{:>50} {} |   {}{}\n", ctx.FormatValue(e->weight), measurement::Percentage(e->weight, cum),
                         e->dest->info.PrintableName(), e->inline_ ? " (inline)" : "");
    }
  }
  if (!g.nodes.empty()) out += sep + "\n";
  if (rx != nullptr && matched == 0) {
    return Status::Error(fmt::format("no matches found for regexp: {}", rx->pattern()));
  }
  return out;
}

using Json = nlohmann::ordered_json;

std::string TreeJson(const Profile& p, ReportContext& ctx, const RE2* rx) {
  TrimmedGraph tg = NewTrimmedGraph(p, ctx);
  const Graph& g = *tg.graph;
  SelectOutputUnit(g, &ctx);
  int64_t shown = 0;
  for (const GraphNode* n : g.nodes) shown += n->FlatValue();
  Json doc;
  doc["kind"] = ctx.options.format == OutputFormat::kPeek ? "pprof-peek" : "pprof-tree";
  doc["sample_type"] = ctx.sample_type;
  doc["unit"] = ctx.sample_unit;
  doc["total"] = ctx.total;
  doc["labels"] = ReportLabels(p, ctx, shown, static_cast<int>(g.nodes.size()), tg.orig_count, tg.dropped_nodes, 0, false);
  Json nodes = Json::array();
  auto edges = [&](const EdgeMap& m, bool callers) {
    Json a = Json::array();
    for (const GraphEdge* e : SortedEdges(m)) {
      a.push_back({{"name", (callers ? e->src : e->dest)->info.PrintableName()},
                   {"weight", e->weight},
                   {"inline", e->inline_}});
    }
    return a;
  };
  for (const GraphNode* n : g.nodes) {
    std::string name = n->info.PrintableName();
    if (rx != nullptr && !RE2::PartialMatch(name, *rx)) continue;
    nodes.push_back({{"name", name},
                     {"flat", n->FlatValue()},
                     {"cum", n->CumValue()},
                     {"callers", edges(n->in, true)},
                     {"callees", edges(n->out, false)}});
  }
  doc["nodes"] = std::move(nodes);
  return doc.dump(2) + "\n";
}

// A sample's frames, leaf first, as pprof's traces prints them.
struct TraceFrame {
  std::string name;
  bool inline_;
};

std::vector<TraceFrame> TraceFrames(const Profile& p, GraphBuilder& b, size_t s) {
  std::vector<TraceFrame> stack;
  for (uint32_t li : p.Stack(s)) {
    const Location& loc = p.locations[li];
    auto lines = p.LinesOf(loc);
    if (lines.empty()) {
      stack.push_back({b.InfoOf(loc, nullptr, false).PrintableName(), false});
      continue;
    }
    for (size_t i = 0; i < lines.size(); ++i) {
      stack.push_back({b.InfoOf(loc, &lines[i], false).PrintableName(), i != lines.size() - 1});
    }
  }
  return stack;
}

int64_t TraceValue(const Profile& p, const ReportContext& ctx, size_t s) {
  int64_t v = p.Values(s)[ctx.sample_index];
  int64_t d = ctx.options.mean ? p.Values(s)[0] : 0;
  return d != 0 ? v / d : v;
}

// Label lines of one sample, as pprof groups them by key ("%10s:  v1 v2").
std::vector<std::string> TraceLabels(const Profile& p, const ReportContext& ctx, size_t s, bool numeric) {
  std::map<std::string, std::vector<std::string>> by_key;
  for (const Label& l : p.Labels(s)) {
    if ((l.str == 0) != numeric) continue;
    std::string key(p.Str(l.key));
    if (numeric) {
      auto it = ctx.num_label_units.find(key);
      by_key[key].push_back(measurement::Label(l.num, it == ctx.num_label_units.end() ? "" : it->second));
    } else {
      by_key[key].emplace_back(p.Str(l.str));
    }
  }
  std::vector<std::string> out;
  for (const auto& [k, vs] : by_key) out.push_back(fmt::format("{:>10}:  {}\n", k, Join(vs, " ")));
  std::sort(out.begin(), out.end());
  return out;
}

std::string TracesOutput(const Profile& p, ReportContext& ctx) {
  const std::string sep = "-----------+-------------------------------------------------------";
  std::string out = Join(ProfileLabels(p, ctx), "\n") + "\n";
  GraphBuilder b(p);
  for (size_t s = 0; s < p.num_samples(); ++s) {
    auto stack = TraceFrames(p, b, s);
    if (stack.empty()) continue;
    out += sep + "\n";
    for (const std::string& l : TraceLabels(p, ctx, s, false)) out += l;
    for (const std::string& l : TraceLabels(p, ctx, s, true)) out += l;
    std::string value = ctx.FormatValue(TraceValue(p, ctx, s));
    for (size_t i = 0; i < stack.size(); ++i) {
      out += fmt::format("{:>10}   {}{}\n", i == 0 ? value : "", stack[i].name, stack[i].inline_ ? " (inline)" : "");
    }
  }
  out += sep + "\n";
  return out;
}

std::string TracesJson(const Profile& p, ReportContext& ctx) {
  GraphBuilder b(p);
  Json doc;
  doc["kind"] = "pprof-traces";
  doc["sample_type"] = ctx.sample_type;
  doc["unit"] = ctx.sample_unit;
  doc["labels"] = ProfileLabels(p, ctx);
  Json traces = Json::array();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    auto stack = TraceFrames(p, b, s);
    if (stack.empty()) continue;
    Json labels = Json::object();
    for (const Label& l : p.Labels(s)) {
      std::string key(p.Str(l.key));
      if (!labels.contains(key)) labels[key] = Json::array();
      if (l.str != 0) labels[key].push_back(std::string(p.Str(l.str)));
      else labels[key].push_back(l.num);
    }
    Json frames = Json::array();
    for (const TraceFrame& f : stack) frames.push_back({{"name", f.name}, {"inline", f.inline_}});
    traces.push_back({{"value", TraceValue(p, ctx, s)}, {"labels", std::move(labels)}, {"frames", std::move(frames)}});
  }
  doc["traces"] = std::move(traces);
  return doc.dump(2) + "\n";
}

struct TagRow {
  std::string name;
  int64_t flat;
};

// key -> values with weights, keys and values in pprof's order (heaviest first, then by name).
std::vector<std::pair<std::string, std::vector<TagRow>>> CollectTags(const Profile& p, const ReportContext& ctx,
                                                                     std::map<std::string, int64_t>* key_totals) {
  std::map<std::string, std::unordered_map<std::string, int64_t>> tags;
  const size_t nv = p.num_values();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t v = p.values[s * nv + ctx.sample_index];
    for (const Label& l : p.Labels(s)) {
      std::string key(p.Str(l.key));
      std::string val;
      if (l.str != 0) {
        val = std::string(p.Str(l.str));
      } else {
        auto it = ctx.num_label_units.find(key);
        val = measurement::ScaledLabel(l.num, it == ctx.num_label_units.end() ? "" : it->second,
                                       ctx.output_unit);
      }
      tags[key][val] += v;
      (*key_totals)[key] += v;
    }
  }
  std::vector<std::pair<std::string, std::vector<TagRow>>> out;
  for (auto& [key, vals] : tags) {
    std::vector<TagRow> rows;
    for (auto& [name, flat] : vals) rows.push_back({name, flat});
    std::sort(rows.begin(), rows.end(), [](const TagRow& a, const TagRow& b) {
      if (a.flat != b.flat) return Abs(a.flat) > Abs(b.flat);
      return a.name < b.name;
    });
    out.emplace_back(key, std::move(rows));
  }
  return out;  // keys: std::map order, which is pprof's (all key weights are 0: by name)
}

std::string TagsOutput(const Profile& p, ReportContext& ctx) {
  std::map<std::string, int64_t> totals;
  auto tags = CollectTags(p, ctx, &totals);
  std::string text;
  int64_t profile_total = ctx.total;
  for (const auto& [key, rows] : tags) {
    int64_t tag_total = totals[key];
    if (profile_total > 0) {
      text += fmt::format("{}:\t Total {} of {} ({})\n", key, ctx.FormatValue(tag_total), ctx.FormatValue(profile_total),
                          measurement::Percentage(tag_total, profile_total));
    } else {
      text += fmt::format("{}:\t Total {} of {}\n", key, ctx.FormatValue(tag_total), ctx.FormatValue(profile_total));
    }
    for (const TagRow& r : rows) {
      if (profile_total > 0) {
        text += fmt::format(" \t{} ({}):\t {}\n", ctx.FormatValue(r.flat), measurement::Percentage(r.flat, profile_total), r.name);
      } else {
        text += fmt::format(" \t{}:\t {}\n", ctx.FormatValue(r.flat), r.name);
      }
    }
    text += "\n";
  }
  return TabwriterAlignRight(text);
}

std::string TagsJson(const Profile& p, ReportContext& ctx) {
  std::map<std::string, int64_t> totals;
  auto tags = CollectTags(p, ctx, &totals);
  Json doc;
  doc["kind"] = "pprof-tags";
  doc["sample_type"] = ctx.sample_type;
  doc["unit"] = ctx.sample_unit;
  doc["total"] = ctx.total;
  Json arr = Json::array();
  for (const auto& [key, rows] : tags) {
    Json values = Json::array();
    for (const TagRow& r : rows) values.push_back({{"value", r.name}, {"weight", r.flat}});
    arr.push_back({{"key", key}, {"total", totals[key]}, {"values", std::move(values)}});
  }
  doc["tags"] = std::move(arr);
  return doc.dump(2) + "\n";
}

// Source lines, read once per file, found as pprof's sourceReader does.
class SourceReader {
 public:
  SourceReader(std::string search_path, std::string trim_path)
      : search_path_(std::move(search_path)), trim_path_(std::move(trim_path)) {}
  bool Line(const std::string& path, int64_t lineno, std::string* out) {
    auto it = files_.find(path);
    if (it == files_.end()) it = files_.emplace(path, Load(path)).first;
    const auto& lines = it->second;
    if (lineno <= 0 || lineno >= static_cast<int64_t>(lines.size())) return false;
    *out = lines[static_cast<size_t>(lineno)];
    return true;
  }
  std::string Error(const std::string& path) const {
    auto it = errors_.find(path);
    return it == errors_.end() ? "" : it->second;
  }

 private:
  std::vector<std::string> Load(const std::string& path) {
    std::vector<std::string> lines{""};
    std::string p = TrimSourcePath(path, trim_path_, search_path_);
    std::ifstream f;
    if (!p.empty() && p[0] == '/') {
      f.open(p);
      if (!f) errors_[path] = fmt::format("open {}: no such file or directory", p);
    } else {
      for (std::string_view dir : SplitSearchPath(search_path_)) {
        std::string d(dir);
        while (true) {
          f.clear();
          f.open(CleanPath(d + "/" + p));
          if (f.is_open()) break;
          std::string parent = CleanPath(d + "/..");
          if (parent == CleanPath(d)) break;
          d = parent;
        }
        if (f.is_open()) break;
      }
      if (!f.is_open()) errors_[path] = fmt::format("could not find file {} on path {}", p, search_path_);
    }
    for (std::string l; f && std::getline(f, l);) lines.push_back(l);
    return lines;
  }
  static std::vector<std::string_view> SplitSearchPath(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (!s.empty()) {
      size_t c = s.find(':', start);
      out.push_back(s.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
      if (c == std::string_view::npos) break;
      start = c + 1;
    }
    return out;
  }
  std::string search_path_, trim_path_;
  std::unordered_map<std::string, std::vector<std::string>> files_;
  std::unordered_map<std::string, std::string> errors_;
};

// pprof's -list: per-line flat and cum of the functions whose names match, with their source.
Result<std::string> ListOutput(const Profile& p, ReportContext& ctx) {
  const PprofOptions& o = ctx.options;
  RE2::Options ro;
  ro.set_log_errors(false);
  RE2 rx(o.output_regex, ro);
  if (!rx.ok()) return Status::Error(fmt::format("parsing argument regexp {}: {}", o.output_regex, rx.error()));
  GraphBuilder b(p);
  b.SetTrimPath(o.trim_path, o.source_path);
  GraphOptions go;
  go.sample_index = ctx.sample_index;
  go.mean = o.mean;
  go.drop_negative = o.drop_negative;
  go.obj_names = true;
  auto g = b.Build(go);
  std::vector<GraphNode*> functions;
  std::unordered_map<std::string_view, std::vector<GraphNode*>> by_name;
  for (GraphNode* n : g->nodes) {
    if (!RE2::PartialMatch(n->info.name, rx)) continue;
    auto& v = by_name[n->info.name];
    if (v.empty()) functions.push_back(n);
    v.push_back(n);
  }
  if (by_name.empty()) return Status::Error(fmt::format("no matches found for regexp: {}", o.output_regex));
  Graph fg;
  fg.nodes = functions;
  fg.Sort(NodeOrder::kName);
  std::string search = o.source_path;
  if (search.empty()) {
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) != nullptr) search = cwd;
  }
  SourceReader reader(search, o.trim_path);
  auto value_or_dot = [&](int64_t v) { return v == 0 ? std::string(".") : ctx.FormatValue(v); };
  std::string out = fmt::format("Total: {}\n", ctx.FormatValue(ctx.total));
  for (GraphNode* fn : fg.nodes) {
    std::string_view name = fn->info.name;
    std::vector<GraphNode*> files;
    std::unordered_map<std::string_view, std::vector<GraphNode*>> by_file;
    for (GraphNode* n : by_name[name]) {
      if (n->info.file.empty()) continue;
      auto& v = by_file[n->info.file];
      if (v.empty()) files.push_back(n);
      v.push_back(n);
    }
    if (files.empty()) {
      out += fmt::format("No source information for {}\n", name);
      continue;
    }
    Graph sg;
    sg.nodes = files;
    sg.Sort(NodeOrder::kFile);
    for (GraphNode* fl : sg.nodes) {
      std::string file(fl->info.file);
      const auto& fns = by_file[fl->info.file];
      int64_t flat_sum = 0, cum_sum = 0;
      for (const GraphNode* n : fns) flat_sum += n->flat, cum_sum += n->cum;
      // getSourceFromFile: from the function's start line (or 5 before the first sample) to 5
      // after the last, widened by each node.
      constexpr int64_t kMargin = 5;
      int64_t start = fns[0]->info.start_line != 0 ? fns[0]->info.start_line : fns[0]->info.lineno - kMargin;
      int64_t end = fns[0]->info.lineno + kMargin;
      std::unordered_map<int64_t, std::pair<int64_t, int64_t>> per_line;
      for (const GraphNode* n : fns) {
        int64_t node_start = n->info.start_line != 0 ? n->info.start_line : n->info.lineno - kMargin;
        int64_t node_end = n->info.lineno + kMargin;
        if (node_start < start) start = node_start;
        else if (node_end > end) end = node_end;
        auto& c = per_line[n->info.lineno];
        c.first += n->flat;
        c.second += n->cum;
      }
      if (start < 1) start = 1;
      std::string body;
      for (int64_t ln = start; ln <= end; ++ln) {
        std::string text;
        if (!reader.Line(file, ln, &text)) break;
        auto it = per_line.find(ln);
        int64_t f = it == per_line.end() ? 0 : it->second.first, c = it == per_line.end() ? 0 : it->second.second;
        body += fmt::format("{:>10} {:>10} {:>6}:{}\n", value_or_dot(f), value_or_dot(c), ln, text);
      }
      out += fmt::format("ROUTINE ======================== {} in {}\n", name, file);
      out += fmt::format("{:>10} {:>10} (flat, cum) {} of Total\n", ctx.FormatValue(flat_sum), ctx.FormatValue(cum_sum),
                         measurement::Percentage(cum_sum, ctx.total));
      std::string err = reader.Error(file);
      if (!err.empty()) {
        out += fmt::format(" Error: {}\n", err);
        continue;
      }
      out += body;
    }
  }
  return out;
}

// Go's time.Duration String with %.4v: at most 4 characters of the shortest form... pprof's raw
// output uses it; Go truncates the formatted string to 4 runes.
std::string GoDurationTrunc4(int64_t ns) {
  std::string s;
  if (ns == 0) return "0s";
  double v = static_cast<double>(ns);
  if (ns < 1000) s = fmt::format("{}ns", ns);
  else if (ns < 1000000) s = fmt::format("{}µs", v / 1e3);
  else if (ns < 1000000000) s = fmt::format("{}ms", v / 1e6);
  else s = fmt::format("{}s", v / 1e9);
  // Truncate to 4 runes (µ is two bytes).
  std::string out;
  int runes = 0;
  for (size_t i = 0; i < s.size() && runes < 4; ++runes) {
    size_t len = (static_cast<unsigned char>(s[i]) & 0x80) ? 2 : 1;
    out += s.substr(i, len);
    i += len;
  }
  return out;
}

std::string RawOutput(const Profile& p) {
  std::vector<std::string> ss;
  for (StringId c : p.comments) ss.push_back(fmt::format("Comment: {}", p.Str(c)));
  if (p.doc_url != 0 && !p.Str(p.doc_url).empty()) ss.push_back(fmt::format("Doc: {}", p.Str(p.doc_url)));
  if (p.period_type.type != 0 || p.period_type.unit != 0) {
    ss.push_back(fmt::format("PeriodType: {} {}", p.Str(p.period_type.type), p.Str(p.period_type.unit)));
  }
  ss.push_back(fmt::format("Period: {}", p.period));
  if (p.time_nanos != 0) {
    time_t t = static_cast<time_t>(p.time_nanos / 1000000000);
    int64_t frac = p.time_nanos % 1000000000;
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[64], zone[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::strftime(zone, sizeof zone, "%z %Z", &tm);
    std::string f;
    if (frac != 0) {
      f = fmt::format(".{:09}", frac);
      while (f.back() == '0') f.pop_back();
    }
    ss.push_back(fmt::format("Time: {}{} {}", buf, f, zone));
  }
  if (p.duration_nanos != 0) ss.push_back(fmt::format("Duration: {}", GoDurationTrunc4(p.duration_nanos)));
  ss.push_back("Samples:");
  std::string sh;
  for (const ValueType& t : p.sample_types) {
    sh += fmt::format("{}/{}{} ", p.Str(t.type), p.Str(t.unit),
                      t.type == p.default_sample_type && p.default_sample_type != 0 ? "[dflt]" : "");
  }
  while (!sh.empty() && sh.back() == ' ') sh.pop_back();
  ss.push_back(sh);
  for (size_t s = 0; s < p.num_samples(); ++s) {
    std::string sv;
    for (int64_t v : p.Values(s)) sv += fmt::format(" {:>10}", v);
    sv += ": ";
    for (uint32_t li : p.Stack(s)) sv += fmt::format("{} ", p.locations[li].id);
    ss.push_back(sv);
    std::map<std::string, std::vector<std::string>> str_labels;
    std::map<std::string, std::vector<std::string>> num_labels;
    bool any_unit = false;
    for (const Label& l : p.Labels(s)) {
      if (l.str != 0) str_labels[std::string(p.Str(l.key))].emplace_back(p.Str(l.str));
      else {
        any_unit = any_unit || l.num_unit != 0;
        num_labels[std::string(p.Str(l.key))].push_back(
            l.num_unit != 0 ? fmt::format("{} {}", l.num, p.Str(l.num_unit)) : std::to_string(l.num));
      }
    }
    const std::string header = "                ";
    if (!str_labels.empty()) {
      std::vector<std::string> ls;
      for (const auto& [k, v] : str_labels) ls.push_back(fmt::format("{}:[{}]", k, Join(v, " ")));
      ss.push_back(header + Join(ls, " "));
    }
    if (!num_labels.empty()) {
      std::vector<std::string> ls;
      for (const auto& [k, v] : num_labels) ls.push_back(fmt::format("{}:[{}]", k, Join(v, " ")));
      ss.push_back(header + Join(ls, " "));
    }
  }
  ss.push_back("Locations");
  for (const Location& l : p.locations) {
    std::string loc = fmt::format("{:>6}: {:#x} ", l.id, l.address);
    if (l.mapping != kNoIndex) loc += fmt::format("M={} ", p.mappings[l.mapping].id);
    if (l.is_folded) loc += "[F] ";
    auto lines = p.LinesOf(l);
    if (lines.empty()) ss.push_back(loc);
    for (const Line& ln : lines) {
      std::string s = "??";
      if (ln.function != kNoIndex) {
        const Function& fn = p.functions[ln.function];
        s = fmt::format("{} {}:{}:{} s={}", p.Str(fn.name), p.Str(fn.filename), ln.line, ln.column, fn.start_line);
        if (fn.name != fn.system_name && p.Str(fn.name) != p.Str(fn.system_name)) s += fmt::format("({})", p.Str(fn.system_name));
      }
      ss.push_back(loc + s);
      loc = "             ";
    }
  }
  ss.push_back("Mappings");
  for (const Mapping& m : p.mappings) {
    std::string bits;
    if (m.has_functions) bits += "[FN]";
    if (m.has_filenames) bits += "[FL]";
    if (m.has_line_numbers) bits += "[LN]";
    if (m.has_inline_frames) bits += "[IN]";
    auto hex = [](uint64_t v) { return v == 0 ? std::string("0x0") : fmt::format("{:#x}", v); };
    ss.push_back(fmt::format("{}: {}/{}/{} {} {} {}", m.id, hex(m.memory_start), hex(m.memory_limit),
                             hex(m.file_offset), p.Str(m.filename), p.Str(m.build_id), bits));
  }
  return Join(ss, "\n") + "\n";
}

}  // namespace

std::string ReportContext::FormatValue(int64_t v) const {
  if (ratio > 0 && ratio != 1) v = static_cast<int64_t>(static_cast<double>(v) * ratio);
  return measurement::ScaledLabel(v, sample_unit, output_unit);
}

Result<ReportContext> PreparePprofReport(const PprofOptions& in, Profile* p) {
  ReportContext ctx;
  ctx.options = CommandOverrides(in);
  const PprofOptions& o = ctx.options;
  ctx.num_label_units = NumLabelUnits(*p);
  AddLabelNodes(o, p, &ctx.warnings);
  if (o.relative_percentages) GODX_RETURN_IF_ERROR(ApplyPprofFilters(o, p, &ctx.warnings));
  GODX_ASSIGN_OR_RETURN(ctx.sample_index, PprofSampleIndex(*p, o.sample_index));
  const ValueType& st = p->sample_types[ctx.sample_index];
  ctx.sample_type = std::string(o.mean ? "mean_" : "") + std::string(p->Str(st.type));
  ctx.sample_unit = std::string(p->Str(st.unit));
  if (o.divide_by == 0) return Status::Error("zero divisor specified");
  ctx.ratio = 1 / o.divide_by;
  ctx.output_unit = o.unit;
  auto add_filter = [&](const char* k, const std::string& v) {
    if (!v.empty()) ctx.active_filters.push_back(fmt::format("{}={}", k, v));
  };
  add_filter("focus", o.focus);
  add_filter("ignore", o.ignore);
  add_filter("hide", o.hide);
  add_filter("show", o.show);
  add_filter("show_from", o.show_from);
  add_filter("tagfocus", o.tagfocus);
  add_filter("tagignore", o.tagignore);
  add_filter("tagshow", o.tagshow);
  add_filter("taghide", o.taghide);
  ctx.total = ComputePprofTotal(*p, ctx.sample_index, o.mean);
  if (!o.relative_percentages) GODX_RETURN_IF_ERROR(ApplyPprofFilters(o, p, &ctx.warnings));
  AggregateProfile(o.granularity, o.noinlines, o.showcolumns, p);
  return ctx;
}

TrimmedGraph NewTrimmedGraph(const Profile& p, const ReportContext& ctx) {
  const PprofOptions& o = ctx.options;
  TrimmedGraph t;
  t.builder = std::make_unique<GraphBuilder>(p);
  t.builder->SetTrimPath(o.trim_path, o.source_path);
  const bool visual = o.format == OutputFormat::kDot || o.format == OutputFormat::kSvg ||
                      o.format == OutputFormat::kPng || o.format == OutputFormat::kPdf ||
                      o.format == OutputFormat::kPs || o.format == OutputFormat::kGif ||
                      o.format == OutputFormat::kEps;
  GraphOptions go;
  go.sample_index = ctx.sample_index;
  go.mean = o.mean;
  go.drop_negative = o.drop_negative;
  go.obj_names = o.format == OutputFormat::kRaw || o.format == OutputFormat::kList ||
                 o.format == OutputFormat::kWeblist || o.format == OutputFormat::kDisasm ||
                 o.format == OutputFormat::kCallgrind || o.format == OutputFormat::kKcachegrind;
  // Tags only change what the pictures show (nodelets, and the node budget they take).
  go.tags = visual;
  if (auto u = ctx.num_label_units.find("bytes"); u != ctx.num_label_units.end()) go.bytes_unit = u->second;
  go.tag_output_unit = ctx.output_unit;
  // The first graph only decides which nodes pass the cutoff, from node weights: built without
  // edges and tags, which on a large profile (millions of distinct caller/callee pairs) are most
  // of the work and memory. The graph pprof then uses is rebuilt with them, over the kept nodes.
  GraphOptions weights_only = go;
  weights_only.edges = false;
  weights_only.tags = false;
  t.graph = t.builder->Build(weights_only);
  int64_t total_value = t.graph->FlatSum();
  int64_t node_cutoff = std::llabs(static_cast<int64_t>(static_cast<double>(total_value) * o.nodefraction));
  int64_t edge_cutoff = std::llabs(static_cast<int64_t>(static_cast<double>(total_value) * o.edgefraction));
  NodeSet kept;
  if (node_cutoff > 0) {
    kept = t.graph->DiscardLowFrequencyNodes(node_cutoff);
    if (kept.size() != t.graph->nodes.size()) {
      t.dropped_nodes = static_cast<int>(t.graph->nodes.size() - kept.size());
      go.kept = &kept;
    }
  }
  t.graph = t.builder->Build(go);
  t.orig_count = static_cast<int>(t.graph->nodes.size());
  t.graph->SortNodes(o.cum, visual);
  NodeSet top;
  if (o.nodecount > 0) {
    t.graph->TrimLowFrequencyTags(node_cutoff);
    t.graph->TrimLowFrequencyEdges(edge_cutoff);
    top = t.graph->SelectTopNodes(o.nodecount, visual);
    if (top.size() != t.graph->nodes.size()) {
      go.kept = &top;
      t.graph = t.builder->Build(go);
      t.graph->SortNodes(o.cum, visual);
    }
  }
  t.graph->TrimLowFrequencyTags(node_cutoff);
  t.dropped_edges = t.graph->TrimLowFrequencyEdges(edge_cutoff);
  if (visual) t.graph->RemoveRedundantEdges();
  return t;
}

void SelectOutputUnit(const Graph& g, ReportContext* ctx) {
  if (ctx->output_unit != "minimum" || g.nodes.empty()) return;
  int64_t min_value = 0;
  for (const GraphNode* n : g.nodes) {
    int64_t m = Abs(n->FlatValue());
    if (m == 0) m = Abs(n->CumValue());
    if (m > 0 && (min_value == 0 || m < min_value)) min_value = m;
  }
  int64_t max_value = ctx->total;
  if (min_value == 0) min_value = max_value;
  if (double r = ctx->ratio; r > 0 && r != 1) {
    min_value = static_cast<int64_t>(static_cast<double>(min_value) * r);
    max_value = static_cast<int64_t>(static_cast<double>(max_value) * r);
  }
  std::string min_unit = measurement::Scale(min_value, ctx->sample_unit, "minimum").unit;
  std::string max_unit = measurement::Scale(max_value, ctx->sample_unit, "minimum").unit;
  std::string unit = min_unit;
  if (min_unit != max_unit && min_value * 100 < max_value && ctx->options.format != OutputFormat::kCallgrind) {
    unit = measurement::Scale(100 * min_value, ctx->sample_unit, "minimum").unit;
  }
  ctx->output_unit = unit.empty() ? ctx->sample_unit : unit;
}

std::vector<std::string> ProfileLabels(const Profile& p, const ReportContext& ctx) {
  std::vector<std::string> label;
  if (!p.mappings.empty()) {
    std::string_view file = p.Str(p.mappings[0].filename);
    if (!file.empty()) label.push_back(fmt::format("File: {}", Base(file)));
    std::string_view build_id = p.Str(p.mappings[0].build_id);
    if (!build_id.empty()) label.push_back(fmt::format("Build ID: {}", build_id));
  }
  for (StringId c : p.comments) {
    std::string_view s = p.Str(c);
    if (s.empty() || s[0] != '#') label.emplace_back(s);
  }
  if (!ctx.sample_type.empty()) label.push_back("Type: " + ctx.sample_type);
  if (p.doc_url != 0 && !p.Str(p.doc_url).empty()) label.push_back(fmt::format("Doc: {}", p.Str(p.doc_url)));
  if (p.time_nanos != 0) {
    time_t t = static_cast<time_t>(p.time_nanos / 1000000000);
    if (p.time_nanos < 0 && p.time_nanos % 1000000000 != 0) --t;
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
    label.push_back(fmt::format("Time: {}", buf));
  }
  if (p.duration_nanos != 0) {
    std::string duration = measurement::Label(p.duration_nanos, "nanoseconds");
    auto total_ns = measurement::Scale(ctx.total, ctx.sample_unit, "nanoseconds");
    std::string ratio;
    if (total_ns.unit == "ns" && total_ns.value != 0) {
      ratio = "(" + measurement::Percentage(static_cast<int64_t>(total_ns.value), p.duration_nanos) + ")";
    }
    label.push_back(fmt::format("Duration: {}, Total samples = {} {}", duration, ctx.FormatValue(ctx.total), ratio));
  }
  return label;
}

std::vector<std::string> ReportLabels(const Profile& p, const ReportContext& ctx, int64_t shown_total,
                                      int node_count, int orig_count, int dropped_nodes,
                                      int dropped_edges, bool full_headers) {
  std::vector<std::string> label;
  if (full_headers || !ctx.options.compact_labels) label = ProfileLabels(p, ctx);
  if (!ctx.active_filters.empty()) {
    label.push_back("Active filters:");
    for (std::string s : ctx.active_filters) {
      if (s.size() > 80) s = s.substr(0, 80) + "\xe2\x80\xa6";
      label.push_back("   " + s);
    }
  }
  std::string pct = measurement::Percentage(shown_total, ctx.total);
  pct.erase(0, pct.find_first_not_of(' '));
  label.push_back(fmt::format("Showing nodes accounting for {}, {} of {} total", ctx.FormatValue(shown_total), pct,
                              ctx.FormatValue(ctx.total)));
  auto gen = [](int d, std::string n, const char* l, const std::string& f) {
    if (d > 1) n += "s";
    return fmt::format("Dropped {} {} ({} <= {})", d, n, l, f);
  };
  if (ctx.total != 0) {
    if (dropped_nodes > 0) {
      label.push_back(gen(dropped_nodes, "node", "cum",
                          ctx.FormatValue(std::llabs(static_cast<int64_t>(static_cast<double>(ctx.total) * ctx.options.nodefraction)))));
    }
    if (dropped_edges > 0) {
      label.push_back(gen(dropped_edges, "edge", "freq",
                          ctx.FormatValue(std::llabs(static_cast<int64_t>(static_cast<double>(ctx.total) * ctx.options.edgefraction)))));
    }
    if (node_count > 0 && node_count < orig_count) {
      label.push_back(fmt::format("Showing top {} nodes out of {}", node_count, orig_count));
    }
  }
  if (full_headers) label.push_back("\nSee https://git.io/JfYMW for how to read the graph");
  return label;
}

std::string TabwriterAlignRight(std::string_view text) {
  // Cells are tab-terminated; a line's text after its last tab is not aligned. A column's width
  // is taken over each run of consecutive lines that have that column (Go's tabwriter blocks).
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    std::vector<std::string> cells;
    size_t cs = 0;
    while (true) {
      size_t tab = line.find('\t', cs);
      if (tab == std::string_view::npos) {
        cells.emplace_back(line.substr(cs));
        break;
      }
      cells.emplace_back(line.substr(cs, tab - cs));
      cs = tab + 1;
    }
    rows.push_back(std::move(cells));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  auto width = [](const std::string& s) {
    size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;
    return w;
  };
  std::vector<std::vector<size_t>> widths(rows.size());
  size_t max_cols = 0;
  for (const auto& r : rows) max_cols = std::max(max_cols, r.size());
  for (size_t col = 0; col + 1 < max_cols; ++col) {
    size_t i = 0;
    while (i < rows.size()) {
      if (rows[i].size() <= col + 1) {
        ++i;
        continue;
      }
      size_t j = i, w = 0;
      while (j < rows.size() && rows[j].size() > col + 1) w = std::max(w, width(rows[j++][col]));
      for (size_t k = i; k < j; ++k) widths[k].resize(col + 1, 0), widths[k][col] = w + 1;
      i = j;
    }
  }
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    for (size_t c = 0; c < r.size(); ++c) {
      if (c + 1 < r.size()) {
        size_t w = widths[i][c], cw = width(r[c]);
        out.append(w > cw ? w - cw : 0, ' ');
      }
      out += r[c];
    }
    if (i + 1 < rows.size() || (!text.empty() && text.back() == '\n')) out += '\n';
  }
  // The loop above adds one newline per row; the split produced an empty last row for text
  // ending in '\n', which must not add another.
  if (!text.empty() && text.back() == '\n' && out.size() >= 2 && out.substr(out.size() - 2) == "\n\n" &&
      text.substr(text.size() - 2) != "\n\n") {
    out.pop_back();
  }
  return out;
}

Result<std::string> GenerateTextReport(const Profile& p, ReportContext& ctx) {
  const PprofOptions& o = ctx.options;
  std::unique_ptr<RE2> rx;
  if (o.format == OutputFormat::kPeek) {
    RE2::Options ro;
    ro.set_log_errors(false);
    rx = std::make_unique<RE2>(o.output_regex, ro);
    if (!rx->ok()) return Status::Error(fmt::format("parsing argument regexp {}: {}", o.output_regex, rx->error()));
  }
  switch (o.format) {
    case OutputFormat::kText: return TextOutput(p, ctx);
    case OutputFormat::kTree:
    case OutputFormat::kPeek:
      if (o.json) return TreeJson(p, ctx, rx.get());
      return TreeOutput(p, ctx, rx.get());
    case OutputFormat::kTraces: return o.json ? TracesJson(p, ctx) : TracesOutput(p, ctx);
    case OutputFormat::kTags: return o.json ? TagsJson(p, ctx) : TagsOutput(p, ctx);
    case OutputFormat::kComments: {
      std::string out;
      for (StringId c : p.comments) out += fmt::format("{}\n", p.Str(c));
      return out;
    }
    case OutputFormat::kRaw: return RawOutput(p);
    case OutputFormat::kList: return ListOutput(p, ctx);
    default: break;
  }
  return Status::Error(fmt::format("-{}: not a text output", o.format_name));
}

}  // namespace godx::pprof
