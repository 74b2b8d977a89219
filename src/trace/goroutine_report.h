// The goroutine, scheduler-latency and syscall views of `godx trace` (text tables, the JSON
// summary's "goroutines", "sched_latency" and "syscalls" keys) and their findings.
#pragma once

#include "core/report.h"
#include "trace/goroutines.h"
#include "trace/model.h"
#include "trace/sched_latency.h"

namespace godx::trace {

void AddGoroutineView(Report& r, const GoroutineAnalysis& goroutines, const SchedLatency& sched,
                      const TraceInfo& info, int64_t first_ns);

}  // namespace godx::trace
