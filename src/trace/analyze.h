// Turns a reading of an execution trace into a Report: the summary `godx trace` prints.
#pragma once

#include <string>
#include <vector>

#include "core/go_release.h"
#include "core/input.h"
#include "core/report.h"
#include "trace/model.h"
#include "trace/summary.h"

namespace godx::trace {

// The Go releases that write a trace's header version (the format version is not the release:
// "go 1.11" is written by Go 1.11 to 1.18, "go 1.26" by 1.26 and 1.27); Go 1.27 is told apart by
// the ProcStatus SyscallAbandoned it introduced.
GoRelease ReleaseOf(const TraceInfo& info, const TraceSummary& summary);

Report AnalyzeTrace(const TraceInfo& info, const TraceSummary& summary, const std::string& source);
Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options = {});

// What `godx trace` adds to AnalyzeInput: the whole MMU curve, and sinks (exporters) that see the
// same single reading.
struct TraceOptions {
  bool mmu_curve = false;
  std::vector<EventSink*> extra_sinks;
};
Result<Report> AnalyzeTraceInput(const Input& input, const TraceOptions& trace_options,
                                 const AnalyzeOptions& options = {});

}  // namespace godx::trace
