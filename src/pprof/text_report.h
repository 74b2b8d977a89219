// pprof's text outputs with `go tool pprof`'s exact text: -text/-top, -tree, -peek, -traces,
// -tags, -comments and -raw, plus godx's --json for tree, peek, traces and tags. Built on the
// pprof-faithful graph (callgraph.h) of a profile already filtered and aggregated by
// PreparePprofReport.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "pprof/callgraph.h"
#include "pprof/model.h"
#include "pprof/options.h"

namespace godx::pprof {

// What a report needs besides the profile: pprof's report.Options, resolved.
struct ReportContext {
  PprofOptions options;  // after pprof's per-output overrides (nodecount, fractions, granularity)
  size_t sample_index = 0;
  std::string sample_type;  // "mean_" prefix with -mean
  std::string sample_unit;
  double ratio = 1;          // 1 / -divide_by
  std::string output_unit;   // "minimum" until a graph picks one
  int64_t total = 0;         // before focus filters unless -relative_percentages
  std::vector<std::string> active_filters;
  std::map<std::string, std::string, std::less<>> num_label_units;
  std::vector<std::string> warnings;  // what pprof prints on stderr

  std::string FormatValue(int64_t v) const;
};

// pprof's driver from a merged profile to a report: per-output overrides, tagroot/tagleaf,
// filters (before or after the total, as -relative_percentages says), aggregation. Rewrites `p`.
Result<ReportContext> PreparePprofReport(const PprofOptions& o, Profile* p);

// One text output. Errors are pprof's ("no matches found for regexp: X").
Result<std::string> GenerateTextReport(const Profile& p, ReportContext& ctx);

// The trimmed graph pprof draws and lists, and the header lines above it (text/tree/dot).
struct TrimmedGraph {
  std::unique_ptr<GraphBuilder> builder;
  std::unique_ptr<Graph> graph;
  int orig_count = 0, dropped_nodes = 0, dropped_edges = 0;
};
TrimmedGraph NewTrimmedGraph(const Profile& p, const ReportContext& ctx);
void SelectOutputUnit(const Graph& g, ReportContext* ctx);
std::vector<std::string> ProfileLabels(const Profile& p, const ReportContext& ctx);
std::vector<std::string> ReportLabels(const Profile& p, const ReportContext& ctx, int64_t shown_total,
                                      int node_count, int orig_count, int dropped_nodes,
                                      int dropped_edges, bool full_headers);

// Go's text/tabwriter with AlignRight, padding 1 (pprof's tags table).
std::string TabwriterAlignRight(std::string_view text);

}  // namespace godx::pprof
