#include "pprof/dot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "pprof/callgraph.h"
#include "pprof/measurement.h"

extern char** environ;

namespace godx::pprof {

namespace {

int64_t Abs(int64_t v) { return v < 0 ? -v : v; }

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

std::string EscapeForDot(std::string_view in) {
  std::string s(in);
  ReplaceAll(&s, "\\", "\\\\");
  ReplaceAll(&s, "\"", "\\\"");
  ReplaceAll(&s, "\n", "\\l");
  return s;
}

std::string BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return ".";
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos || path.size() == 1 ? path : path.substr(slash + 1));
}

// NodeInfo.NameComponents over a node whose name and file were rewritten for display.
std::vector<std::string> NameComponents(const NodeInfo& i, const std::string& name, const std::string& file) {
  std::vector<std::string> out;
  if (i.address != 0) out.push_back(fmt::format("{:016x}", i.address));
  if (!name.empty()) out.push_back(name);
  if (i.lineno != 0) {
    std::string s = fmt::format("{}:{}", file, i.lineno);
    if (i.columnno != 0) s += fmt::format(":{}", i.columnno);
    out.push_back(std::move(s));
  } else if (!file.empty()) {
    out.push_back(file);
  } else if (!name.empty()) {
  } else if (!i.objfile.empty()) {
    out.push_back("[" + BaseName(i.objfile) + "]");
  } else {
    out.push_back("<unknown>");
  }
  return out;
}

std::string MultilinePrintableName(const NodeInfo& info) {
  std::string name = EscapeForDot(ShortenFunctionName(info.name));
  ReplaceAll(&name, "::", "\\n");
  ReplaceAll(&name, "[...]", "[\xe2\x80\xa6]");
  ReplaceAll(&name, ".", "\\n");
  std::string file = info.file.empty() ? std::string() : BaseName(info.file);
  std::string out;
  for (const std::string& c : NameComponents(info, name, file)) out += c + "\\n";
  return out;
}

// pprof's dotColor: red for positive weights, green for negative, faded below 20%.
std::string DotColor(double score, bool background) {
  const double shift = 0.7;
  double saturation = background ? 0.1 : 1.0;
  double value = background ? 0.93 : 0.7;
  score = std::max(-1.0, std::min(1.0, score));
  if (std::abs(score) < 0.2) saturation *= std::abs(score) / 0.2;
  if (score > 0.0) score = std::pow(score, 1.0 - shift);
  if (score < 0.0) score = -std::pow(-score, 1.0 - shift);
  double r, g;
  if (score < 0.0) {
    g = value;
    r = value * (1 + saturation * score);
  } else {
    r = value;
    g = value * (1 - saturation * score);
  }
  double b = value * (1 - saturation);
  auto u8 = [](double v) { return static_cast<unsigned>(static_cast<uint8_t>(v * 255.0)); };
  return fmt::format("#{:02x}{:02x}{:02x}", u8(r), u8(g), u8(b));
}

std::string TrimSpace(std::string s) {
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// pprof's SortTags: by flat (and first by cum unless `flat`), heaviest first, then by name.
std::vector<const GraphTag*> SortTags(std::vector<const GraphTag*> ts, bool flat) {
  std::sort(ts.begin(), ts.end(), [flat](const GraphTag* a, const GraphTag* b) {
    if (!flat && a->cum != b->cum) return Abs(a->cum) > Abs(b->cum);
    if (a->flat != b->flat) return Abs(a->flat) > Abs(b->flat);
    return a->name < b->name;
  });
  return ts;
}

double TagDistance(const GraphTag& t, const GraphTag& u) {
  double v = measurement::Scale(u.value, u.unit, t.unit).value;
  double tv = static_cast<double>(t.value);
  return v < tv ? tv - v : v - tv;
}

// Numeric tags beyond `count` are grouped around the `count` heaviest, each group labelled
// "min..max" (pprof's collapsedTags); `storage` owns the groups' tags.
std::vector<const GraphTag*> CollapsedTags(std::vector<const GraphTag*> ts, size_t count, bool flat,
                                           std::deque<GraphTag>* storage) {
  ts = SortTags(std::move(ts), flat);
  if (ts.size() <= count) return ts;
  std::vector<std::vector<const GraphTag*>> groups(count);
  for (size_t i = 0; i < count; ++i) groups[i] = {ts[i]};
  for (size_t k = count; k < ts.size(); ++k) {
    size_t g = 0;
    double d = TagDistance(*ts[k], *groups[0][0]);
    for (size_t i = 1; i < count; ++i) {
      if (double nd = TagDistance(*ts[k], *groups[i][0]); nd < d) {
        g = i;
        d = nd;
      }
    }
    groups[g].push_back(ts[k]);
  }
  std::vector<const GraphTag*> out;
  for (const auto& g : groups) {
    GraphTag t;
    if (g.size() == 1) {
      t.name = measurement::Label(g[0]->value, g[0]->unit);
      t.flat = g[0]->FlatValue();
      t.cum = g[0]->CumValue();
    } else {
      const GraphTag* lo = g[0];
      const GraphTag* hi = g[0];
      int64_t df = lo->flat_div, f = lo->flat, dc = lo->cum_div, c = lo->cum;
      for (size_t i = 1; i < g.size(); ++i) {
        const GraphTag* x = g[i];
        if (static_cast<int64_t>(measurement::Scale(x->value, x->unit, lo->unit).value) < lo->value) lo = x;
        if (static_cast<int64_t>(measurement::Scale(x->value, x->unit, hi->unit).value) > hi->value) hi = x;
        f += x->flat;
        df += x->flat_div;
        c += x->cum;
        dc += x->cum_div;
      }
      if (df != 0) f /= df;
      if (dc != 0) c /= dc;
      t.name = measurement::Label(lo->value, lo->unit) + ".." + measurement::Label(hi->value, hi->unit);
      t.flat = f;
      t.cum = c;
    }
    storage->push_back(std::move(t));
    out.push_back(&storage->back());
  }
  return SortTags(std::move(out), flat);
}

std::string NumericNodelets(const ReportContext& ctx, std::vector<const GraphTag*> nts, bool flat,
                            const std::string& source) {
  std::string out;
  std::deque<GraphTag> storage;
  auto tags = CollapsedTags(std::move(nts), 4, flat, &storage);
  for (size_t j = 0; j < tags.size(); ++j) {
    const GraphTag* t = tags[j];
    int64_t w = t->CumValue();
    const char* attr = " style=\"dotted\"";
    if (flat || t->FlatValue() == t->CumValue()) {
      w = t->FlatValue();
      attr = "";
    }
    if (w == 0) continue;
    std::string weight = ctx.FormatValue(w);
    // pprof writes "N" before a source that already starts with N ("NN3_0").
    out += fmt::format("N{}_{} [label = \"{}\" id=\"N{}_{}\" fontsize=8 shape=box3d tooltip=\"{}\"]\n", source, j,
                       t->name, source, j, weight);
    out += fmt::format("{} -> N{}_{} [label=\" {}\" weight=100 tooltip=\"{}\" labeltooltip=\"{}\"{}]\n", source,
                       source, j, weight, weight, weight, attr);
  }
  return out;
}

// pprof's addNodelets: the node's label tags (at most 4) and numeric tags as box3d nodelets.
std::string Nodelets(const ReportContext& ctx, const GraphNode& node, int id) {
  std::string out;
  std::vector<const GraphTag*> ts;
  for (const auto& [_, t] : node.label_tags) ts.push_back(&t);
  std::map<std::string_view, std::vector<const GraphTag*>> lnts;
  for (const auto& [l, tm] : node.numeric_tags) {
    for (const auto& [_, t] : tm) lnts[l].push_back(&t);
  }
  const bool flat = !node.out.empty();
  ts = SortTags(std::move(ts), flat);
  if (ts.size() > 4) ts.resize(4);
  for (size_t i = 0; i < ts.size(); ++i) {
    const GraphTag* t = ts[i];
    int64_t w = flat ? t->FlatValue() : t->CumValue();
    if (w == 0) continue;
    std::string weight = ctx.FormatValue(w);
    out += fmt::format("N{}_{} [label = \"{}\" id=\"N{}_{}\" fontsize=8 shape=box3d tooltip=\"{}\"]\n", id, i,
                       t->name, id, i, weight);
    out += fmt::format("N{} -> N{}_{} [label=\" {}\" weight=100 tooltip=\"{}\" labeltooltip=\"{}\"]\n", id, id, i,
                       weight, weight, weight);
    if (auto it = lnts.find(t->name); it != lnts.end()) {
      out += NumericNodelets(ctx, it->second, flat, fmt::format("N{}_{}", id, i));
    }
  }
  if (auto it = lnts.find(""); it != lnts.end()) {
    out += NumericNodelets(ctx, it->second, flat, fmt::format("N{}", id));
  }
  return out;
}

}  // namespace

std::string ShortenFunctionName(std::string_view name) {
  static const RE2 kCppAnon(R"(^\(anonymous namespace\)::)");
  static const RE2 kGoVer(R"(^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$)");
  static const RE2 kGo(R"(^(?:[\w\-\.]+\/)+([^.]+\..+))");
  static const RE2 kJava(R"(^(?:[a-z]\w*\.)*([A-Z][\w\$]*\.(?:<init>|[a-z][\w\$]*(?:\$\d+)?))(?:(?:\()|$))");
  static const RE2 kCpp(R"(^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?))");
  std::string f(name);
  RE2::Replace(&f, kCppAnon, "");
  RE2::Replace(&f, kGoVer, "\\1\\2");
  for (const RE2* re : {&kGo, &kJava, &kCpp}) {
    std::string m;
    if (RE2::PartialMatch(f, *re, &m)) return m;
  }
  return f;
}

std::string Dot(const Profile& p, ReportContext& ctx) {
  TrimmedGraph tg = NewTrimmedGraph(p, ctx);
  const Graph& g = *tg.graph;
  SelectOutputUnit(g, &ctx);
  int64_t shown = 0;
  for (const GraphNode* n : g.nodes) shown += n->FlatValue();
  std::vector<std::string> labels =
      ReportLabels(p, ctx, shown, static_cast<int>(g.nodes.size()), tg.orig_count, tg.dropped_nodes,
                   tg.dropped_edges, /*full_headers=*/true);
  std::string title;
  if (!p.mappings.empty() && !p.Str(p.mappings[0].filename).empty()) {
    title = BaseName(p.Str(p.mappings[0].filename));
  }
  const int64_t total = ctx.total;

  std::string out = fmt::format("digraph \"{}\" {{\n", title.empty() ? "unnamed" : title);
  out += "node [style=filled fillcolor=\"#f8f8f8\"]\n";
  if (!labels.empty()) {
    out += fmt::format("subgraph cluster_L {{ \"{}\" [shape=box fontsize=16", EscapeForDot(labels[0]));
    std::string joined;
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i) joined += "\\l";
      joined += EscapeForDot(labels[i]);
    }
    out += fmt::format(" label=\"{}\\l\"", joined);
    if (!title.empty()) out += fmt::format(" tooltip=\"{}\"", title);
    out += "] }\n";
  }
  if (g.nodes.empty()) {
    out += "}\n";
    return out;
  }
  std::unordered_map<const GraphNode*, int> ids;
  double max_flat = static_cast<double>(Abs(g.nodes[0]->FlatValue()));
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    ids[g.nodes[i]] = static_cast<int>(i + 1);
    max_flat = std::max(max_flat, static_cast<double>(Abs(g.nodes[i]->FlatValue())));
  }
  EdgeMap all_edges;
  std::unordered_set<const GraphNode*> has_nodelets;
  for (const GraphNode* n : g.nodes) {
    int64_t flat = n->FlatValue(), cum = n->CumValue();
    std::string label = MultilinePrintableName(n->info);
    std::string flat_value = ctx.FormatValue(flat);
    if (flat != 0) {
      label += fmt::format("{} ({})", flat_value, TrimSpace(measurement::Percentage(flat, total)));
    } else {
      label += "0";
    }
    std::string cum_value = flat_value;
    if (cum != flat) {
      label += flat != 0 ? "\\n" : " ";
      cum_value = ctx.FormatValue(cum);
      label += fmt::format("of {} ({})", cum_value, TrimSpace(measurement::Percentage(cum, total)));
    }
    int font_size = 8;
    if (max_flat != 0 && flat != 0 && static_cast<double>(Abs(flat)) <= max_flat) {
      font_size += static_cast<int>(std::ceil(16.0 * std::sqrt(static_cast<double>(Abs(flat)) / max_flat)));
    }
    double score = static_cast<double>(cum) / static_cast<double>(Abs(total));
    out += fmt::format(
        "N{} [label=\"{}\" id=\"node{}\" fontsize={} shape=box tooltip=\"{} ({})\" color=\"{}\" "
        "fillcolor=\"{}\"]\n",
        ids[n], label, ids[n], font_size, EscapeForDot(n->info.PrintableName()), cum_value,
        DotColor(score, false), DotColor(score, true));
    std::string nodelets = Nodelets(ctx, *n, ids[n]);
    if (!nodelets.empty()) has_nodelets.insert(n);
    out += nodelets;
    // Every edge of the graph in one map, to sort them together (pprof keys them by fresh
    // nodes the same way).
    for (const auto& [dest, e] : n->out) all_edges.emplace(reinterpret_cast<GraphNode*>(e), e);
  }
  for (const GraphEdge* e : SortedEdges(all_edges)) {
    int64_t wv = e->WeightValue();
    std::string w = ctx.FormatValue(wv);
    std::string attr = fmt::format("label=\" {}{}\"", w, e->inline_ ? "\\n (inline)" : "");
    if (total != 0) {
      if (int weight = 1 + static_cast<int>(std::min<int64_t>(Abs(wv * 100 / total), 100)); weight > 1) {
        attr += fmt::format(" weight={}", weight);
      }
      if (int width = 1 + static_cast<int>(std::min<int64_t>(Abs(wv * 5 / total), 5)); width > 1) {
        attr += fmt::format(" penwidth={}", width);
      }
      attr += fmt::format(" color=\"{}\"",
                          DotColor(static_cast<double>(wv) / static_cast<double>(Abs(total)), false));
    }
    std::string tooltip = fmt::format("\"{} {} {} ({})\"", EscapeForDot(e->src->info.PrintableName()),
                                      e->residual ? "..." : "->", EscapeForDot(e->dest->info.PrintableName()), w);
    attr += fmt::format(" tooltip={} labeltooltip={}", tooltip, tooltip);
    if (e->residual) attr += " style=\"dotted\"";
    if (has_nodelets.contains(e->src)) attr += " minlen=2";
    out += fmt::format("N{} -> N{} [{}]\n", ids[e->src], ids[e->dest], attr);
  }
  out += "}\n";
  return out;
}

Result<std::string> RenderDot(std::string_view dot_text, std::string_view format) {
  // The DOT text goes through a temporary file so that a large graph can never deadlock the
  // two pipes; Graphviz's output comes back on a pipe.
  char path[] = "/tmp/godx-dot-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return Status::Error(fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
  size_t off = 0;
  while (off < dot_text.size()) {
    ssize_t n = write(fd, dot_text.data() + off, dot_text.size() - off);
    if (n <= 0) {
      close(fd);
      unlink(path);
      return Status::Error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    }
    off += static_cast<size_t>(n);
  }
  close(fd);
  int pipefd[2];
  if (pipe(pipefd) != 0) {
    unlink(path);
    return Status::Error("cannot create a pipe for dot");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipefd[0]);
  std::string type = "-T" + std::string(format);
  char* argv[] = {const_cast<char*>("dot"), type.data(), path, nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    unlink(path);
    return Status::Error(fmt::format(
        "failed to execute dot. Is Graphviz installed? Error: exec: \"dot\": {}", std::strerror(rc)));
  }
  std::string out;
  char buf[1 << 16];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  unlink(path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Error(fmt::format("dot -T{} failed (exit status {})", format,
                                     WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return out;
}

}  // namespace godx::pprof
