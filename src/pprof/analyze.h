// Turning a profile into a Report: what it is (facts), the top table (pprof's `top`), and
// findings pprof does not give: runtime overhead and hot user code for CPU, allocation sites for
// heap, contended sites for block/mutex, the biggest stacks for goroutine profiles.
#pragma once

#include <string>

#include "core/input.h"
#include "core/report.h"
#include "pprof/filter.h"
#include "pprof/model.h"

namespace godx::pprof {

struct ViewOptions {
  std::string sample_index;  // name or number; "" = pprof's default
  bool cum_sort = false;
  int nodecount = 20;        // rows in the text table (<= 0: all); JSON always has every row
  std::string unit;          // --unit
  int cores = 0;              // CPUs the process could use (GOMAXPROCS), when the caller knows; 0 = unknown
  bool noinlines = false;    // --noinlines: inlined frames count for the function they were inlined into
  // For a diff: seconds from the base's capture to the new profile's (their time_nanos), 0 when
  // unknown. Heap growth is given per second over it.
  double diff_interval_s = 0;
  FilterOptions filters;
};

// Resolves --sample_index against `p`; an unknown name is an error listing the choices.
Result<size_t> ResolveSampleIndex(const Profile& p, const std::string& wanted);

// The top report of an already-filtered profile. `diff` says the profile is a diff (pprof::base
// samples present), which changes the title and advice.
Report AnalyzeProfile(const Profile& p, std::string_view source, size_t sample_index,
                      const ViewOptions& view, const AnalyzeOptions& options);

// For `godx analyze`: read, then AnalyzeProfile with the defaults.
Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options);

// pprof's -noinlines: keep only the outermost (physical) frame of each location.
void DropInlinedFrames(Profile* p);

// Which kind of Go profile this is, from its sample types ("cpu", "heap", "contention",
// "goroutine", "threadcreate", or "other").
std::string_view ProfileKind(const Profile& p);

}  // namespace godx::pprof
