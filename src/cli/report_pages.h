// The reports an HTML page shows for one input (`--html` of doctor, `godx serve`): the same
// analyses as the text commands, asked for the series the charts draw, plus the flame graph's
// tree for profiles.
#pragma once

#include <string>
#include <vector>

#include "core/input.h"
#include "core/report.h"
#include "core/status.h"
#include "pprof/model.h"

namespace godx::cli {

// For a report of `input` from the pprof reader: adds the flame graph's data (extra "flame", the
// tree of `godx pprof flame`, default sample type) so the page can draw it.
void AddFlameData(const Input& input, Report* report);

// Adds the call graph pprof draws (`godx pprof -svg`: godx's DOT through Graphviz's dot, as the
// served graph view) for sample type `sample_index` (empty: pprof's default), made safe to place
// in the page: extra "callgraph" holds {"svg": ...}, or {"note": ...} saying why there is none
// (Graphviz missing or failing never fails the report).
void AddCallGraph(pprof::Profile p, const std::string& sample_index, Report* report);

// Every file of the capture bundle `dir`, through the signals that claim it, in manifest order
// (files godx wrote for itself are left out): the charts under doctor's merged report.
std::vector<Report> BundleFileReports(const std::string& dir, const InputOptions& input_options);

// The reports for PATH: a capture bundle gives doctor's report then one per captured file; any
// other file or directory goes through every signal that claims it (as `godx analyze`).
Result<std::vector<Report>> PageReports(const std::string& path, const InputOptions& input_options);

}  // namespace godx::cli
