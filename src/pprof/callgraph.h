// pprof's call graph (its internal/graph package), node for node: nodes keyed by NodeInfo at the
// granularity the profile was aggregated to, flat/cum per node, weighted edges with inline and
// residual marks, and the trimming steps (node cutoff, top-N selection, edge cutoff) that decide
// what `go tool pprof` shows. The text outputs (text_report.h) and the graph outputs read it.
//
// Names and files are views into the profile's string pool or into the GraphBuilder's own
// storage: a Graph must not outlive the builder or the profile.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pprof/model.h"

namespace godx::pprof {

struct NodeInfo {
  std::string_view name, orig_name;
  uint64_t address = 0;
  std::string_view file;
  int64_t start_line = 0, lineno = 0, columnno = 0;
  std::string_view objfile;
  bool operator==(const NodeInfo&) const = default;
  // "0000000000401000 main.f file.go:12" as pprof prints a node.
  std::string PrintableName() const;
  // Go's fmt.Sprint of the struct, pprof's last tie-breaker.
  std::string SprintKey() const;
};

struct NodeInfoHash {
  size_t operator()(const NodeInfo& i) const;
};

struct GraphNode;

struct GraphEdge {
  GraphNode* src = nullptr;
  GraphNode* dest = nullptr;
  int64_t weight = 0, weight_div = 0;
  bool residual = false;
  bool inline_ = false;
  int64_t WeightValue() const { return weight_div == 0 ? weight : weight / weight_div; }
};

using EdgeMap = std::unordered_map<GraphNode*, GraphEdge*>;

// A label value's weight on a node (pprof's Tag): string labels of a sample joined into one
// name, and the numeric "bytes" label (pprof's reports keep no other), scaled for display.
struct GraphTag {
  std::string name, unit;
  int64_t value = 0;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  int64_t FlatValue() const { return flat_div == 0 ? flat : flat / flat_div; }
  int64_t CumValue() const { return cum_div == 0 ? cum : cum / cum_div; }
};
using TagMap = std::map<std::string, GraphTag, std::less<>>;

struct GraphNode {
  NodeInfo info;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  EdgeMap in, out;
  // Filled only with GraphOptions::tags (the dot output draws them as nodelets).
  TagMap label_tags;
  std::map<std::string, TagMap, std::less<>> numeric_tags;  // by the sample's joined labels
  int64_t FlatValue() const { return flat_div == 0 ? flat : flat / flat_div; }
  int64_t CumValue() const { return cum_div == 0 ? cum : cum / cum_div; }
};

// Edges heaviest first, then by source and destination names (pprof's edgeList order).
std::vector<GraphEdge*> SortedEdges(const EdgeMap& m);

using NodeSet = std::unordered_set<NodeInfo, NodeInfoHash>;

struct GraphOptions {
  size_t sample_index = 0;
  bool mean = false;  // divide by sample value 0 (pprof's -mean)
  bool obj_names = false;
  bool drop_negative = false;
  bool call_tree = false;
  const NodeSet* kept = nullptr;  // only these nodes (nullptr: all)
  // Collect label tags (pprof does for every graph; only -dot shows them): numeric "bytes"
  // values are in `bytes_unit` and named by ScaledLabel(value, bytes_unit, tag_output_unit).
  bool tags = false;
  // Edges between nodes; off when only node weights are wanted (the cutoff pass).
  bool edges = true;
  std::string bytes_unit = "bytes", tag_output_unit = "minimum";
};

enum class NodeOrder { kFlatName, kFlatCumName, kCumName, kName, kFile, kAddress, kEntropy };

class Graph {
 public:
  std::vector<GraphNode*> nodes;

  void SortNodes(bool cum, bool visual);
  void Sort(NodeOrder o);
  NodeSet DiscardLowFrequencyNodes(int64_t cutoff) const;
  NodeSet SelectTopNodes(int max_nodes, bool visual) const;
  int TrimLowFrequencyEdges(int64_t cutoff);
  void TrimLowFrequencyTags(int64_t cutoff);
  void RemoveRedundantEdges();
  int64_t FlatSum() const;  // sum of flat over nodes (Nodes.Sum's flat)

  std::deque<GraphNode> node_store;
  std::deque<GraphEdge> edge_store;
};

// Builds graphs of one profile; keeps the cleaned file names the graphs point to.
class GraphBuilder {
 public:
  explicit GraphBuilder(const Profile& p) : p_(p) {}
  // pprof's report graphs show file names with -trim_path (or the guess from -source_path, and
  // the "/proc/self/cwd/" prefix) removed; call before the first Build.
  void SetTrimPath(std::string trim_path, std::string source_path) {
    trim_path_ = std::move(trim_path);
    source_path_ = std::move(source_path);
    trim_ = true;
  }
  std::unique_ptr<Graph> Build(const GraphOptions& o);
  // The nodes of each location (index), callee first, as pprof's CreateNodes (no kept set).
  // Used by traces, which prints every frame.
  NodeInfo InfoOf(const Location& loc, const Line* line, bool obj_names);

 private:
  std::string_view CleanFile(uint32_t function);
  const Profile& p_;
  std::unordered_map<uint32_t, std::string_view> clean_;
  std::string trim_path_, source_path_;
  bool trim_ = false;
  std::deque<std::string> owned_;
};

// Go's filepath.Clean.
std::string CleanPath(std::string_view path);
// pprof's report.trimPath: `path` without the first of -trim_path's prefixes (':'-separated, plus
// "/proc/self/cwd/") it starts with; with no -trim_path, without everything up to a directory
// named like one of -source_path's last elements.
std::string TrimSourcePath(std::string_view path, std::string_view trim_path, std::string_view source_path);

}  // namespace godx::pprof
