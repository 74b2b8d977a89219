// Minimum mutator utilisation (MMU), as Go's internal/trace defines it (gc.go): the mutator
// utilisation function is piecewise constant — at each point the share of GOMAXPROCS Ps not
// doing GC work (0 during a GC stop-the-world) — and MMU(w) is the lowest mean of that function
// over any window of length w inside the trace.
#pragma once

#include <cstdint>
#include <vector>

namespace godx::trace {

// A change of the utilisation function: from `time_ns` on, the mutator had `util` (0..1). The
// last point marks the end of the trace (upstream ends every function with a 0 there).
struct UtilPoint {
  int64_t time_ns = 0;
  double util = 0;
};

// Appends `p`, as upstream's addUtil: nothing when the value does not change, the lower value
// when two changes share a time stamp.
void AddUtil(std::vector<UtilPoint>& util, UtilPoint p);

struct MmuPoint {
  int64_t window_ns = 0;
  double mmu = 1;
  int64_t worst_start_ns = 0;  // where a window of that MMU starts
};

// MMU for a window of `window_ns` (clamped to the function's span). Exact: the windowed mean is
// piecewise linear in the window's start, so its minimum lies where either edge meets a change;
// every such start is visited with two monotone integrators, O(n) per window.
MmuPoint Mmu(const std::vector<UtilPoint>& util, int64_t window_ns);

// The windows `godx trace --mmu` reports: 1, 2, 5 ms ... up to the trace's length, and the length.
std::vector<int64_t> MmuWindows(int64_t duration_ns);

}  // namespace godx::trace
