// The GC, stop-the-world, MMU, annotation and utilisation parts of the `godx trace` report:
// facts, tables, JSON and findings, each finding stating its evidence.
#pragma once

#include <cstdint>

#include "core/report.h"
#include "trace/annotations.h"
#include "trace/gc_analysis.h"
#include "trace/utilisation.h"

namespace godx::trace {

struct GcViewOptions {
  bool mmu_curve = false;  // `godx trace --mmu`: the whole curve, not only the 10 ms point
  int64_t first_ns = 0;    // the trace's first event: times are said relative to it
  int64_t duration_ns = 0;
};

void AddGcView(Report& r, const GcResult& gc, const GcViewOptions& o);
void AddAnnotationView(Report& r, AnnotationResult& a);
void AddUtilisationView(Report& r, const UtilisationResult& u, int64_t first_ns);

}  // namespace godx::trace
