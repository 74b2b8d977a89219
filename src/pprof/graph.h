// Function-level aggregation, as `go tool pprof` does by default (granularity=functions): every
// (inlined) frame becomes the node of its function name; frames without a function become the
// node of their mapping ("[binary]") or "<unknown>". flat goes to the leaf frame, cum to every
// distinct node on the stack once per sample; samples whose value is 0 are skipped.
#pragma once

#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pprof/model.h"

namespace godx::pprof {

// Names are views into the profile's string pool (or into the table, for "[binary]" and
// "<unknown>"): the table must not outlive the profile.
class NodeTable {
 public:
  explicit NodeTable(const Profile& p);
  NodeTable(const NodeTable&) = delete;
  NodeTable& operator=(const NodeTable&) = delete;
  // The nodes of one location, callee (innermost inlined frame) first.
  std::span<const uint32_t> Of(uint32_t location) const {
    return {nodes_.data() + begin_[location], nodes_.data() + begin_[location + 1]};
  }
  std::string_view Name(uint32_t node) const { return names_[node]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string_view> names_;
  std::deque<std::string> owned_;
  std::vector<uint32_t> begin_, nodes_;
};

struct TopRow {
  uint32_t node = 0;
  std::string_view name;  // lives as long as the TopResult (and the profile)
  int64_t flat = 0;
  int64_t cum = 0;
  // How calls reached the node: pprof prints "(inline)" when every call was inlined and
  // "(partial-inline)" when some were.
  bool inline_in = false;
  bool noinline_in = false;
  std::string_view InlineLabel() const {
    if (!inline_in) return "";
    return noinline_in ? "(partial-inline)" : "(inline)";
  }
};

struct TopResult {
  std::shared_ptr<const NodeTable> nodes;  // owns what rows' names point to
  std::vector<TopRow> rows;  // every node with a non-zero flat or cum, sorted
  int64_t total = 0;         // pprof's total: sum of |value| (base total for a diff)
};

// pprof's report total for sample type `index`: the sum of absolute values, or, when some samples
// carry the label pprof::base=true (a diff), the sum over those only.
int64_t ComputeTotal(const Profile& p, size_t index);

TopResult ComputeTop(const Profile& p, size_t index, bool sort_by_cum);

// Caller/callee weights of the nodes whose names match a predicate (pprof's peek/tree).
struct Edge {
  uint32_t other = 0;
  int64_t weight = 0;
  bool inlined = false;
};
struct PeekEntry {
  TopRow row;
  std::vector<Edge> callers, callees;  // heaviest first
};
std::vector<PeekEntry> ComputePeek(const Profile& p, size_t index,
                                   const std::vector<uint8_t>& selected_nodes,
                                   const NodeTable& nodes);

// The frames of sample `i`, root first, as function-level node names (inlined frames expanded);
// at most kMaxExpandedFrames (the root-most ones), so exports stay bounded on hostile input.
inline constexpr size_t kMaxExpandedFrames = 4096;
void StackNames(const Profile& p, const NodeTable& nodes, size_t i,
                std::vector<uint32_t>* root_first);

}  // namespace godx::pprof
