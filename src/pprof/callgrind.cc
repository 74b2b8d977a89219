#include "pprof/callgrind.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>
#include <unordered_map>

#include "pprof/callgraph.h"
#include "pprof/measurement.h"

namespace godx::pprof {

namespace {

// Callgrind's name compression: "(N) name" the first time, "(N)" after.
// `name` must outlive `names` (views into the profile or into the disambiguated-name cache).
std::string CompressedName(std::unordered_map<std::string_view, int>& names, std::string_view name) {
  if (name.empty()) return "";
  auto [it, added] = names.try_emplace(name, static_cast<int>(names.size()) + 1);
  if (!added) return fmt::format("({})", it->second);
  return fmt::format("({}) {}", it->second, name);
}

// Callgrind's subposition compression: "*" for the same address, +/-N when that is shorter.
std::string Address(const NodeInfo* prev, uint64_t curr) {
  std::string abs = fmt::format("{:#x}", curr);
  if (prev == nullptr) return abs;
  if (prev->address == curr) return "*";
  auto diff = static_cast<int64_t>(curr - prev->address);
  std::string rel = fmt::format("{:+d}", diff);
  return rel.size() < abs.size() ? rel : abs;
}

// pprof's Node.Function: the node of the same info at address and line 0, i.e. the info
// without address, line and column.
using FunctionKey = std::tuple<std::string_view, std::string_view, std::string_view, int64_t, std::string_view>;
FunctionKey FunctionOf(const NodeInfo& i) { return {i.name, i.orig_name, i.file, i.start_line, i.objfile}; }

}  // namespace

std::string Callgrind(const Profile& p, ReportContext& ctx) {
  ctx.options.nodefraction = 0;
  ctx.options.edgefraction = 0;
  ctx.options.nodecount = 0;
  TrimmedGraph tg = NewTrimmedGraph(p, ctx);
  const Graph& g = *tg.graph;
  SelectOutputUnit(g, &ctx);

  // Callgrind merges functions of the same file and name; nodes of different pprof functions
  // get a " [i/n]" suffix.
  std::map<std::pair<std::string_view, std::string_view>, std::map<FunctionKey, int>> fn_index;
  for (const GraphNode* n : g.nodes) {
    auto& m = fn_index[{n->info.file, n->info.name}];
    m.emplace(FunctionOf(n->info), static_cast<int>(m.size()));
  }
  std::unordered_map<const GraphNode*, std::string> disambiguated;
  disambiguated.reserve(g.nodes.size());
  for (const GraphNode* n : g.nodes) {
    const auto& m = fn_index[{n->info.file, n->info.name}];
    disambiguated[n] = m.size() <= 1 ? std::string(n->info.name)
                                     : fmt::format("{} [{}/{}]", n->info.name, m.at(FunctionOf(n->info)) + 1, m.size());
  }
  auto node_name = [&](const GraphNode* n) -> std::string_view { return disambiguated.at(n); };
  // Edges in pprof's order (|weight|, then caller and callee names), names computed once.
  std::unordered_map<const GraphNode*, std::string> printable;
  printable.reserve(g.nodes.size());
  auto name_of = [&](const GraphNode* n) -> const std::string& {
    auto [it, fresh] = printable.try_emplace(n);
    if (fresh) it->second = n->info.PrintableName();
    return it->second;
  };
  std::vector<const GraphEdge*> out_edges;
  auto sorted_out = [&](const GraphNode* n) -> const std::vector<const GraphEdge*>& {
    out_edges.clear();
    for (const auto& [_, e] : n->out) out_edges.push_back(e);
    std::sort(out_edges.begin(), out_edges.end(), [&](const GraphEdge* a, const GraphEdge* b) {
      if (a->weight != b->weight) return std::llabs(a->weight) > std::llabs(b->weight);
      const std::string& fa = name_of(a->src);
      const std::string& fb = name_of(b->src);
      if (fa != fb) return fa < fb;
      return name_of(a->dest) < name_of(b->dest);
    });
    return out_edges;
  };
  auto scaled = [&](int64_t v) {
    return static_cast<int64_t>(measurement::Scale(v, ctx.sample_unit, ctx.output_unit).value);
  };

  std::string out = "positions: instr line\n";
  out += fmt::format("events: {}({})\n", ctx.sample_type, ctx.output_unit);
  std::unordered_map<std::string_view, int> objfiles, files, names;
  const NodeInfo* prev = nullptr;
  for (const GraphNode* n : g.nodes) {
    if (prev == nullptr || n->info.objfile != prev->objfile || n->info.file != prev->file ||
        n->info.name != prev->name) {
      out += "\nob=" + CompressedName(objfiles, n->info.objfile);
      out += "\nfl=" + CompressedName(files, n->info.file);
      out += "\nfn=" + CompressedName(names, n->info.name) + "\n";
    }
    out += fmt::format("{} {} {}\n", Address(prev, n->info.address), n->info.lineno, scaled(n->FlatValue()));
    for (const GraphEdge* e : sorted_out(n)) {
      const GraphNode* callee = e->dest;
      out += "cfl=" + CompressedName(files, callee->info.file) + "\n";
      out += "cfn=" + CompressedName(names, node_name(callee)) + "\n";
      out += fmt::format("calls=0 {} {}\n", Address(prev, callee->info.address), callee->info.lineno);
      out += fmt::format("* * {}\n", scaled(e->weight));
    }
    prev = &n->info;
  }
  return out;
}

}  // namespace godx::pprof
