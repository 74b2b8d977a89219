#include "pprof/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

namespace godx::pprof {

namespace {

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

int64_t Abs(int64_t v) { return v < 0 ? -v : v; }

bool IsBaseSample(const Profile& p, size_t i, StringId base_key, StringId true_val) {
  for (const Label& l : p.Labels(i)) {
    if (l.key == base_key && l.str == true_val) return true;
  }
  return false;
}

}  // namespace

NodeTable::NodeTable(const Profile& p) {
  // Nodes are keyed by display name; function names reuse their interned id as the key.
  std::unordered_map<StringId, uint32_t> by_name;
  std::unordered_map<std::string, uint32_t> by_other;
  by_name.reserve(p.functions.size());
  std::vector<uint32_t> fn_node(p.functions.size(), kNoIndex);
  auto other = [&](const std::string& name) {
    auto [it, inserted] = by_other.emplace(name, static_cast<uint32_t>(names_.size()));
    if (inserted) {
      owned_.push_back(name);
      names_.push_back(owned_.back());
    }
    return it->second;
  };
  auto objfile = [&](const Location& loc) {
    if (loc.mapping != kNoIndex) {
      std::string_view f = p.Str(p.mappings[loc.mapping].filename);
      if (!f.empty()) return other(fmt::format("[{}]", BaseName(f)));
    }
    return other("<unknown>");
  };
  begin_.reserve(p.locations.size() + 1);
  begin_.push_back(0);
  for (const Location& loc : p.locations) {
    if (loc.line_count == 0) {
      nodes_.push_back(objfile(loc));
    }
    for (const Line& ln : p.LinesOf(loc)) {
      if (ln.function == kNoIndex) {
        nodes_.push_back(objfile(loc));
        continue;
      }
      uint32_t& cached = fn_node[ln.function];
      if (cached == kNoIndex) {
        StringId name = p.functions[ln.function].name;
        if (p.Str(name).empty()) {
          cached = objfile(loc);
        } else {
          auto [it, inserted] = by_name.emplace(name, static_cast<uint32_t>(names_.size()));
          if (inserted) names_.push_back(p.Str(name));
          cached = it->second;
        }
      }
      nodes_.push_back(cached);
    }
    begin_.push_back(static_cast<uint32_t>(nodes_.size()));
  }
}

int64_t ComputeTotal(const Profile& p, size_t index) {
  StringId base_key = 0, true_val = 0;
  bool has_base = false;
  // Look the label strings up without interning (the profile is const).
  for (const Label& l : p.labels) {
    if (p.Str(l.key) == "pprof::base" && p.Str(l.str) == "true") {
      base_key = l.key;
      true_val = l.str;
      has_base = true;
      break;
    }
  }
  int64_t total = 0, diff_total = 0;
  const size_t nv = p.num_values();
  if (index >= nv) return 0;
  for (size_t i = 0; i < p.num_samples(); ++i) {
    int64_t v = Abs(p.values[i * nv + index]);
    total += v;
    if (has_base && IsBaseSample(p, i, base_key, true_val)) diff_total += v;
  }
  return diff_total > 0 ? diff_total : total;
}

TopResult ComputeTop(const Profile& p, size_t index, bool sort_by_cum) {
  auto table = std::make_shared<NodeTable>(p);
  const NodeTable& nodes = *table;
  TopResult r;
  r.nodes = table;
  r.total = ComputeTotal(p, index);
  const size_t n = nodes.size();
  std::vector<int64_t> flat(n, 0), cum(n, 0);
  std::vector<uint32_t> seen(n, 0);
  std::vector<uint8_t> in_inline(n, 0), in_direct(n, 0);
  const size_t nv = p.num_values();
  if (index >= nv) return r;
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    auto stamp = static_cast<uint32_t>(s + 1);
    auto st = p.Stack(s);
    uint32_t parent = kNoIndex;
    for (size_t i = st.size(); i-- > 0;) {
      auto ln = nodes.Of(st[i]);
      for (size_t k = ln.size(); k-- > 0;) {
        uint32_t node = ln[k];
        if (seen[node] != stamp) {
          seen[node] = stamp;
          cum[node] += w;
        }
        if (parent != kNoIndex && node != parent) {
          (k != ln.size() - 1 ? in_inline : in_direct)[node] = 1;
        }
        parent = node;
      }
    }
    if (parent != kNoIndex) flat[parent] += w;
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (flat[i] == 0 && cum[i] == 0) continue;
    TopRow row;
    row.node = i;
    row.name = nodes.Name(i);
    row.flat = flat[i];
    row.cum = cum[i];
    row.inline_in = in_inline[i];
    row.noinline_in = in_direct[i];
    r.rows.push_back(std::move(row));
  }
  if (sort_by_cum) {
    std::sort(r.rows.begin(), r.rows.end(), [](const TopRow& a, const TopRow& b) {
      if (Abs(a.cum) != Abs(b.cum)) return Abs(a.cum) > Abs(b.cum);
      if (a.name != b.name) return a.name < b.name;
      return Abs(a.flat) > Abs(b.flat);
    });
  } else {
    std::sort(r.rows.begin(), r.rows.end(), [](const TopRow& a, const TopRow& b) {
      if (Abs(a.flat) != Abs(b.flat)) return Abs(a.flat) > Abs(b.flat);
      if (a.name != b.name) return a.name < b.name;
      return Abs(a.cum) > Abs(b.cum);
    });
  }
  return r;
}

void StackNames(const Profile& p, const NodeTable& nodes, size_t i,
                std::vector<uint32_t>* root_first) {
  root_first->clear();
  auto st = p.Stack(i);
  for (size_t j = st.size(); j-- > 0;) {
    auto ln = nodes.Of(st[j]);
    for (size_t k = ln.size(); k-- > 0;) {
      if (root_first->size() >= kMaxExpandedFrames) return;
      root_first->push_back(ln[k]);
    }
  }
}

std::vector<PeekEntry> ComputePeek(const Profile& p, size_t index,
                                   const std::vector<uint8_t>& selected, const NodeTable& nodes) {
  TopResult top = ComputeTop(p, index, /*sort_by_cum=*/true);
  std::unordered_map<uint64_t, Edge> in_edges, out_edges;  // key: node<<32 | other
  std::unordered_map<uint64_t, uint32_t> seen;
  const size_t nv = p.num_values();
  std::vector<uint32_t> frames;
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    StackNames(p, nodes, s, &frames);
    auto stamp = static_cast<uint32_t>(s + 1);
    for (size_t j = 1; j < frames.size(); ++j) {
      uint32_t caller = frames[j - 1], callee = frames[j];
      if (caller == callee) continue;
      uint64_t key = uint64_t{caller} << 32 | callee;
      auto [it, fresh] = seen.emplace(key, stamp);
      if (!fresh && it->second == stamp) continue;
      it->second = stamp;
      if (selected[callee]) {
        Edge& e = in_edges[uint64_t{callee} << 32 | caller];
        e.other = caller;
        e.weight += w;
      }
      if (selected[caller]) {
        Edge& e = out_edges[key];
        e.other = callee;
        e.weight += w;
      }
    }
  }
  std::vector<PeekEntry> out;
  for (const TopRow& row : top.rows) {
    if (!selected[row.node]) continue;
    PeekEntry e;
    e.row = row;
    e.row.name = nodes.Name(row.node);  // the caller's table outlives `top`
    for (auto& [k, edge] : in_edges) {
      if (k >> 32 == row.node) e.callers.push_back(edge);
    }
    for (auto& [k, edge] : out_edges) {
      if (k >> 32 == row.node) e.callees.push_back(edge);
    }
    auto by_weight = [&](const Edge& a, const Edge& b) {
      if (Abs(a.weight) != Abs(b.weight)) return Abs(a.weight) > Abs(b.weight);
      return nodes.Name(a.other) < nodes.Name(b.other);
    };
    std::sort(e.callers.begin(), e.callers.end(), by_weight);
    std::sort(e.callees.begin(), e.callees.end(), by_weight);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace godx::pprof
