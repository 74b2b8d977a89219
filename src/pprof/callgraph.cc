#include "pprof/callgraph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "pprof/measurement.h"

namespace godx::pprof {

namespace {

int64_t Abs(int64_t v) { return v < 0 ? -v : v; }

std::string_view Base(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path = path.substr(slash + 1);
  return path.empty() ? "." : path;
}

// comparePrintableName: {equal, less}.
std::pair<bool, bool> ComparePrintable(const NodeInfo& l, const NodeInfo& r) {
  if (l == r) return {true, false};
  if (l.address != 0 && r.address != 0 && l.address != r.address) return {false, l.address < r.address};
  return {false, l.PrintableName() < r.PrintableName()};
}

bool CompareNodes(const GraphNode* l, const GraphNode* r) { return l->info.SprintKey() < r->info.SprintKey(); }

double EdgeEntropy(const EdgeMap& edges, int64_t self) {
  double score = 0;
  int64_t total = self;
  for (const auto& [_, e] : edges) {
    if (e->weight > 0) total += Abs(e->weight);
  }
  if (total != 0) {
    for (const auto& [_, e] : edges) {
      double frac = static_cast<double>(Abs(e->weight)) / static_cast<double>(total);
      score += -frac * std::log2(frac);
    }
    if (self > 0) {
      double frac = static_cast<double>(Abs(self)) / static_cast<double>(total);
      score += -frac * std::log2(frac);
    }
  }
  return score;
}

int64_t EntropyScore(const GraphNode* n) {
  double score = 0;
  score += n->in.empty() ? 1 : EdgeEntropy(n->in, 0);
  score += n->out.empty() ? 1 : EdgeEntropy(n->out, n->flat);
  return static_cast<int64_t>(score * static_cast<double>(n->cum)) + n->flat;
}

}  // namespace

std::string NodeInfo::PrintableName() const {
  std::string s;
  auto add = [&](std::string_view part) {
    if (!s.empty()) s += ' ';
    s += part;
  };
  if (address != 0) add(fmt::format("{:016x}", address));
  if (!name.empty()) add(name);
  if (lineno != 0) {
    std::string l = fmt::format("{}:{}", file, lineno);
    if (columnno != 0) l += fmt::format(":{}", columnno);
    add(l);
  } else if (!file.empty()) {
    add(file);
  } else if (!name.empty()) {
  } else if (!objfile.empty()) {
    add(fmt::format("[{}]", Base(objfile)));
  } else {
    add("<unknown>");
  }
  return s;
}

std::string NodeInfo::SprintKey() const {
  return fmt::format("{{{} {} {} {} {} {} {} {}}}", name, orig_name, address, file, start_line, lineno,
                     columnno, objfile);
}

size_t NodeInfoHash::operator()(const NodeInfo& i) const {
  std::hash<std::string_view> h;
  size_t x = h(i.name);
  x = x * 31 + h(i.file);
  x = x * 31 + h(i.objfile);
  x = x * 31 + std::hash<uint64_t>()(i.address);
  x = x * 31 + static_cast<size_t>(i.lineno * 131 + i.columnno * 7 + i.start_line);
  return x;
}

std::vector<GraphEdge*> SortedEdges(const EdgeMap& m) {
  std::vector<GraphEdge*> el;
  el.reserve(m.size());
  for (const auto& [_, e] : m) el.push_back(e);
  std::sort(el.begin(), el.end(), [](const GraphEdge* a, const GraphEdge* b) {
    if (a->weight != b->weight) return Abs(a->weight) > Abs(b->weight);
    std::string f1 = a->src->info.PrintableName(), f2 = b->src->info.PrintableName();
    if (f1 != f2) return f1 < f2;
    return a->dest->info.PrintableName() < b->dest->info.PrintableName();
  });
  return el;
}

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) return ".";
  return out;
}

std::vector<std::string_view> SplitList(std::string_view s) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t c = s.find(':', start);
    out.push_back(s.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
    if (c == std::string_view::npos) break;
    start = c + 1;
  }
  return out;
}

std::string TrimSourcePath(std::string_view path, std::string_view trim_path, std::string_view source_path) {
  if (trim_path.empty()) {
    for (std::string_view dir : SplitList(source_path)) {
      std::string clean = CleanPath(dir);
      size_t slash = clean.rfind('/');
      std::string want = "/" + (slash == std::string::npos ? clean : clean.substr(slash + 1)) + "/";
      size_t found = path.find(want);
      if (found != std::string_view::npos) return std::string(path.substr(found + want.size()));
    }
  }
  std::vector<std::string> trims;
  for (std::string_view t : SplitList(trim_path)) trims.emplace_back(t);
  trims.push_back("/proc/self/cwd/./");
  trims.push_back("/proc/self/cwd/");
  for (std::string t : trims) {
    if (t.empty() || t.back() != '/') t += '/';
    if (path.substr(0, t.size()) == t) return std::string(path.substr(t.size()));
  }
  return std::string(path);
}

std::string_view GraphBuilder::CleanFile(uint32_t function) {
  auto it = clean_.find(function);
  if (it != clean_.end()) return it->second;
  std::string_view f = p_.Str(p_.functions[function].filename);
  if (trim_ && !f.empty()) {
    std::string t = TrimSourcePath(f, trim_path_, source_path_);
    if (t != f) {
      owned_.push_back(std::move(t));
      f = owned_.back();
    }
  }
  std::string_view out;
  if (!f.empty()) {
    std::string c = CleanPath(f);
    if (c == f) {
      out = f;
    } else {
      owned_.push_back(std::move(c));
      out = owned_.back();
    }
  }
  clean_.emplace(function, out);
  return out;
}

NodeInfo GraphBuilder::InfoOf(const Location& loc, const Line* line, bool obj_names) {
  std::string_view objfile;
  if (loc.mapping != kNoIndex) objfile = p_.Str(p_.mappings[loc.mapping].filename);
  NodeInfo ni;
  ni.address = loc.address;
  if (line == nullptr || line->function == kNoIndex) {
    ni.objfile = objfile;
    return ni;
  }
  const Function& fn = p_.functions[line->function];
  ni.lineno = line->line;
  ni.columnno = line->column;
  ni.name = p_.Str(fn.name);
  ni.file = CleanFile(line->function);
  if (obj_names || ni.name.empty()) {
    ni.objfile = objfile;
    ni.start_line = fn.start_line;
  }
  return ni;
}

std::unique_ptr<Graph> GraphBuilder::Build(const GraphOptions& o) {
  auto g = std::make_unique<Graph>();
  std::unordered_map<NodeInfo, uint32_t, NodeInfoHash> nm;  // info -> node id
  // Nodes of each location, callee first (nullptr: not kept).
  std::vector<uint32_t> begin(p_.locations.size() + 1);
  // Nodes get dense ids (by creation) so that the sample loop below runs over flat arrays:
  // memory latency, not arithmetic, is what a graph of a large profile costs.
  std::vector<GraphNode*> by_id;
  std::vector<uint32_t> loc_nodes;  // node ids; kNoIndex: not kept
  nm.reserve(p_.functions.size() + 16);
  for (size_t li = 0; li < p_.locations.size(); ++li) {
    begin[li] = static_cast<uint32_t>(loc_nodes.size());
    const Location& loc = p_.locations[li];
    auto add = [&](const Line* ln) {
      NodeInfo info = InfoOf(loc, ln, o.obj_names);
      if (o.kept != nullptr && !o.kept->contains(info)) {
        loc_nodes.push_back(kNoIndex);
        return;
      }
      auto [it, fresh] = nm.emplace(info, static_cast<uint32_t>(by_id.size()));
      if (fresh) {
        g->node_store.emplace_back();
        g->node_store.back().info = info;
        by_id.push_back(&g->node_store.back());
      }
      loc_nodes.push_back(it->second);
    };
    auto lines = p_.LinesOf(loc);
    if (lines.empty()) {
      add(nullptr);
    } else {
      for (const Line& ln : lines) add(&ln);
    }
  }
  begin[p_.locations.size()] = static_cast<uint32_t>(loc_nodes.size());

  // Edges: an open-addressing table from (caller id, callee id) to dense edge arrays.
  struct EdgeAcc {
    uint32_t src, dest;
    int64_t weight = 0, weight_div = 0;
    bool residual = false, inline_ = false;
    uint32_t stamp = 0;
  };
  std::vector<EdgeAcc> edges;
  std::vector<uint32_t> slots(1024, kNoIndex);
  int shift = 64 - 10;  // Fibonacci hashing: the product's top log2(slots) bits
  auto find_edge = [&](uint32_t from, uint32_t to) -> uint32_t& {
    uint64_t key = (uint64_t{from} << 32 | to) ^ (uint64_t{to} << 17);
    size_t mask = slots.size() - 1;
    size_t h = static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift);
    while (slots[h] != kNoIndex && (edges[slots[h]].src != from || edges[slots[h]].dest != to)) h = (h + 1) & mask;
    return slots[h];
  };
  auto add_edge = [&](uint32_t from, uint32_t to, int64_t dv, int64_t v, bool residual, bool inl, uint32_t stamp) {
    uint32_t& slot = find_edge(from, to);
    if (slot != kNoIndex) {
      EdgeAcc& e = edges[slot];
      if (e.stamp == stamp) return;  // each caller->callee pair counts once per sample
      e.stamp = stamp;
      e.weight_div += dv;
      e.weight += v;
      if (residual) e.residual = true;
      if (!inl) e.inline_ = false;
      return;
    }
    slot = static_cast<uint32_t>(edges.size());
    edges.push_back(EdgeAcc{from, to, v, dv, residual, inl, stamp});
    if (edges.size() * 2 > slots.size()) {  // keep the table at most half full
      std::vector<uint32_t> old(slots.size() * 2, kNoIndex);
      slots.swap(old);
      --shift;
      for (uint32_t k = 0; k < edges.size(); ++k) find_edge(edges[k].src, edges[k].dest) = k;
    }
  };
  const size_t n_nodes = by_id.size();
  std::vector<int64_t> cum(n_nodes), cum_div(n_nodes), flat(n_nodes), flat_div(n_nodes);
  std::vector<uint32_t> node_stamp(n_nodes, 0);

  // Label tags (pprof's addSample): the sample's string labels joined, and its "bytes" values.
  StringId bytes_key = 0;
  if (o.tags) {
    for (const Label& l : p_.labels) {
      if (l.str == 0 && p_.Str(l.key) == "bytes") {
        bytes_key = l.key;
        break;
      }
    }
  }
  std::string labels;
  std::vector<std::pair<std::string, int64_t>> nums;  // (tag name, value)
  auto add_tags = [&](GraphNode* n, int64_t dw, int64_t w, bool flat) {
    if (!labels.empty()) {
      auto [it, fresh] = n->label_tags.try_emplace(labels);
      if (fresh) it->second.name = labels;
      (flat ? it->second.flat_div : it->second.cum_div) += dw;
      (flat ? it->second.flat : it->second.cum) += w;
    }
    TagMap& numeric = n->numeric_tags[labels];
    for (const auto& [name, v] : nums) {
      auto [it, fresh] = numeric.try_emplace(name);
      if (fresh) {
        it->second.name = name;
        it->second.unit = o.bytes_unit;
        it->second.value = v;
      }
      (flat ? it->second.flat_div : it->second.cum_div) += dw;
      (flat ? it->second.flat : it->second.cum) += w;
    }
  };
  auto sample_tags = [&](size_t s) {
    std::vector<std::string> parts;
    nums.clear();
    for (const Label& l : p_.Labels(s)) {
      if (l.str != 0) {
        if (p_.Str(l.key) != "pprof::base") parts.push_back(fmt::format("{}:{}", p_.Str(l.key), p_.Str(l.str)));
      } else if (bytes_key != 0 && l.key == bytes_key) {
        nums.emplace_back(measurement::ScaledLabel(l.num, o.bytes_unit, o.tag_output_unit), l.num);
      }
    }
    std::sort(parts.begin(), parts.end());
    labels.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i) labels += "\\n";  // pprof joins with a literal backslash-n (a line break in dot)
      labels += parts[i];
    }
  };

  const size_t nv = p_.num_values();
  for (size_t s = 0; s < p_.num_samples(); ++s) {
    int64_t w = p_.values[s * nv + o.sample_index];
    int64_t dw = o.mean ? p_.values[s * nv] : 0;
    if (dw == 0 && w == 0) continue;
    // Samples stamp the nodes and edges they counted, so a recursive stack counts each once
    // without a per-sample set (stamps start at 1: the arrays start at 0).
    const auto stamp = static_cast<uint32_t>(s + 1);
    if (o.tags) sample_tags(s);
    uint32_t parent = kNoIndex;
    bool residual = false;
    auto stack = p_.Stack(s);
    for (size_t i = stack.size(); i-- > 0;) {
      uint32_t li = stack[i];
      uint32_t b = begin[li], e = begin[li + 1];
      size_t count = e - b;
      for (size_t ni = count; ni-- > 0;) {
        uint32_t n = loc_nodes[b + ni];
        if (n == kNoIndex) {
          residual = true;
          continue;
        }
        if (node_stamp[n] != stamp) {
          node_stamp[n] = stamp;
          cum_div[n] += dw;
          cum[n] += w;
          if (o.tags) add_tags(by_id[n], dw, w, false);
        }
        if (o.edges && parent != kNoIndex && n != parent) add_edge(parent, n, dw, w, residual, ni != count - 1, stamp);
        parent = n;
        residual = false;
      }
    }
    if (parent != kNoIndex && !residual) {
      flat_div[parent] += dw;
      flat[parent] += w;
      if (o.tags) add_tags(by_id[parent], dw, w, true);
    }
  }
  for (size_t i = 0; i < n_nodes; ++i) {
    GraphNode* n = by_id[i];
    n->cum = cum[i];
    n->cum_div = cum_div[i];
    n->flat = flat[i];
    n->flat_div = flat_div[i];
  }
  // Size each node's edge maps once: growing them edge by edge rehashes millions of times on a
  // large profile.
  {
    std::vector<uint32_t> outdeg(n_nodes, 0), indeg(n_nodes, 0);
    for (const EdgeAcc& e : edges) {
      ++outdeg[e.src];
      ++indeg[e.dest];
    }
    for (size_t i = 0; i < n_nodes; ++i) {
      if (outdeg[i] != 0) by_id[i]->out.reserve(outdeg[i]);
      if (indeg[i] != 0) by_id[i]->in.reserve(indeg[i]);
    }
  }
  for (const EdgeAcc& e : edges) {
    GraphNode* from = by_id[e.src];
    GraphNode* to = by_id[e.dest];
    g->edge_store.push_back(GraphEdge{from, to, e.weight, e.weight_div, e.residual, e.inline_});
    from->out[to] = &g->edge_store.back();
    to->in[from] = &g->edge_store.back();
  }
  for (GraphNode& n : g->node_store) {
    if (n.cum == 0 && n.flat == 0) continue;
    if (o.drop_negative && (n.flat < 0 || (n.flat == 0 && n.cum < 0))) continue;
    g->nodes.push_back(&n);
  }
  return g;
}

void Graph::Sort(NodeOrder o) {
  auto by_score = [](std::unordered_map<const GraphNode*, int64_t> score) {
    return [score = std::move(score)](const GraphNode* l, const GraphNode* r) {
      int64_t iv = Abs(score.at(l)), jv = Abs(score.at(r));
      if (iv != jv) return iv > jv;
      auto [eq, less] = ComparePrintable(l->info, r->info);
      if (!eq) return less;
      if (Abs(l->flat) != Abs(r->flat)) return Abs(l->flat) > Abs(r->flat);
      return CompareNodes(l, r);
    };
  };
  switch (o) {
    case NodeOrder::kFlatName:
      std::sort(nodes.begin(), nodes.end(), [](const GraphNode* l, const GraphNode* r) {
        if (Abs(l->flat) != Abs(r->flat)) return Abs(l->flat) > Abs(r->flat);
        auto [eq, less] = ComparePrintable(l->info, r->info);
        if (!eq) return less;
        if (Abs(l->cum) != Abs(r->cum)) return Abs(l->cum) > Abs(r->cum);
        return CompareNodes(l, r);
      });
      break;
    case NodeOrder::kFlatCumName:
      std::sort(nodes.begin(), nodes.end(), [](const GraphNode* l, const GraphNode* r) {
        if (Abs(l->flat) != Abs(r->flat)) return Abs(l->flat) > Abs(r->flat);
        if (Abs(l->cum) != Abs(r->cum)) return Abs(l->cum) > Abs(r->cum);
        auto [eq, less] = ComparePrintable(l->info, r->info);
        if (!eq) return less;
        return CompareNodes(l, r);
      });
      break;
    case NodeOrder::kName:
      std::sort(nodes.begin(), nodes.end(), [](const GraphNode* l, const GraphNode* r) {
        if (l->info.name != r->info.name) return l->info.name < r->info.name;
        return CompareNodes(l, r);
      });
      break;
    case NodeOrder::kFile:
      std::sort(nodes.begin(), nodes.end(), [](const GraphNode* l, const GraphNode* r) {
        if (l->info.file != r->info.file) return l->info.file < r->info.file;
        if (l->info.start_line != r->info.start_line) return l->info.start_line < r->info.start_line;
        return CompareNodes(l, r);
      });
      break;
    case NodeOrder::kAddress:
      std::sort(nodes.begin(), nodes.end(), [](const GraphNode* l, const GraphNode* r) {
        if (l->info.address != r->info.address) return l->info.address < r->info.address;
        return CompareNodes(l, r);
      });
      break;
    case NodeOrder::kCumName:
    case NodeOrder::kEntropy: {
      std::unordered_map<const GraphNode*, int64_t> score;
      for (const GraphNode* n : nodes) score[n] = o == NodeOrder::kCumName ? n->cum : EntropyScore(n);
      std::sort(nodes.begin(), nodes.end(), by_score(std::move(score)));
      break;
    }
  }
}

void Graph::SortNodes(bool cum, bool visual) {
  Sort(visual ? NodeOrder::kEntropy : cum ? NodeOrder::kCumName : NodeOrder::kFlatName);
}

NodeSet Graph::DiscardLowFrequencyNodes(int64_t cutoff) const {
  NodeSet kept;
  for (const GraphNode* n : nodes) {
    if (Abs(n->cum) < cutoff) continue;
    kept.insert(n->info);
  }
  return kept;
}

NodeSet Graph::SelectTopNodes(int max_nodes, bool visual) const {
  size_t n = static_cast<size_t>(std::max(max_nodes, 0));
  if (max_nodes > 0 && visual) {
    // Visual mode spends the budget on each node's tags (at most 4 nodelets) too.
    int count = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
      int tags = 0;
      for (const auto& [_, t] : nodes[i]->label_tags) tags += t.flat != 0;
      for (const auto& [_, m] : nodes[i]->numeric_tags) {
        for (const auto& [__, t] : m) tags += t.flat != 0;
      }
      count += std::min(tags, 4) + 1;
      if (count >= max_nodes) {
        n = i + 1;
        break;
      }
    }
  }
  if (n > nodes.size()) n = nodes.size();
  NodeSet kept;
  for (size_t i = 0; i < n; ++i) kept.insert(nodes[i]->info);
  return kept;
}

void Graph::TrimLowFrequencyTags(int64_t cutoff) {
  auto trim = [cutoff](TagMap& m) {
    std::erase_if(m, [cutoff](const auto& kv) { return Abs(kv.second.flat) < cutoff && Abs(kv.second.cum) < cutoff; });
  };
  for (GraphNode* n : nodes) {
    trim(n->label_tags);
    for (auto& [_, m] : n->numeric_tags) trim(m);
  }
}

int Graph::TrimLowFrequencyEdges(int64_t cutoff) {
  int dropped = 0;
  for (GraphNode* n : nodes) {
    for (auto it = n->in.begin(); it != n->in.end();) {
      if (Abs(it->second->weight) < cutoff) {
        it->first->out.erase(n);
        it = n->in.erase(it);
        ++dropped;
      } else {
        ++it;
      }
    }
  }
  return dropped;
}

void Graph::RemoveRedundantEdges() {
  for (size_t i = nodes.size(); i > 0; --i) {
    GraphNode* n = nodes[i - 1];
    auto in = SortedEdges(n->in);
    for (size_t j = in.size(); j > 0; --j) {
      GraphEdge* e = in[j - 1];
      if (!e->residual) break;
      // isRedundantEdge: another path reaches e->dest from e->src.
      GraphNode* src = e->src;
      std::unordered_set<GraphNode*> seen{e->dest};
      std::deque<GraphNode*> queue{e->dest};
      bool redundant = false;
      while (!queue.empty() && !redundant) {
        GraphNode* x = queue.front();
        queue.pop_front();
        for (const auto& [from, ie] : x->in) {
          if (ie == e || seen.contains(from)) continue;
          if (from == src) {
            redundant = true;
            break;
          }
          seen.insert(from);
          queue.push_back(from);
        }
      }
      if (redundant) {
        e->src->out.erase(e->dest);
        e->dest->in.erase(e->src);
      }
    }
  }
}

int64_t Graph::FlatSum() const {
  int64_t s = 0;
  for (const GraphNode* n : nodes) s += n->flat;
  return s;
}

}  // namespace godx::pprof
