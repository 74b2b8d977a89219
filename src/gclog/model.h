// The GC trace model: one record per `gc N @...` line, plus the scavenger lines. Times are
// milliseconds as the runtime printed them; heap sizes are the runtime's truncated MiB (x>>20).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace godx::gclog {

// The eras of the gctrace line (docs/formats/gctrace.md).
enum class GcFormat : uint8_t {
  kGo14,     // gc76(1): 2+1+1390+1 us, 1 -> 3 MB, ...           (whole cycle stops the world)
  kGo15,     // five clock phases, seven cpu values
  kGo16,     // 1.6-1.17: three clock phases, A+B/C/D+E ms cpu
  kGo118,    // 1.18+: adds "N MB stacks, N MB globals"
};
const char* GcFormatName(GcFormat f);

// Kept small (96 bytes): a multi-gigabyte log holds millions of cycles.
struct GcCycle {
  uint64_t line = 0;  // 1-based line number in the input
  double at_s = NAN;  // seconds since program start, as printed; NaN for ≤1.4
  // Seconds on one clock for the whole log: at_s, plus the length of earlier runs when the log
  // holds several (the cycle number and clock restart); the cycle's index for ≤1.4.
  double t_s = 0;
  uint32_t num = 0;   // the runtime's cycle number
  uint16_t procs = 0;   // GOMAXPROCS during the cycle (≤1.4: the number of GC procs)
  uint8_t util_pct = 0;  // runtime's GC CPU share since program start, truncated
  GcFormat format = GcFormat::kGo16;
  bool forced = false;  // "(forced)": runtime.GC() or debug.FreeOSMemory
  bool has_cpu = false;
  // Wall clock, ms. Stop-the-world: sweep termination, mark termination, and the other STW
  // phases (Go 1.5's write-barrier install; the whole cycle for ≤1.4).
  float sweep_term_ms = 0, mark_ms = 0, mark_term_ms = 0, other_stw_ms = 0;
  // CPU time, ms. `cpu_other_ms` is Go 1.5's scan and write-barrier-install CPU.
  float cpu_sweep_term_ms = 0, cpu_assist_ms = 0, cpu_background_ms = 0, cpu_idle_ms = 0,
        cpu_mark_term_ms = 0, cpu_other_ms = 0;
  // Heap, MiB: at GC start, at GC end, marked live; the goal (-1 when the era lacks it); stack and
  // globals scan sizes (-1 before 1.18).
  int32_t heap_start_mb = 0, heap_end_mb = 0, heap_live_mb = 0, goal_mb = -1, stacks_mb = -1,
          globals_mb = -1;

  double PauseMs() const { return double(sweep_term_ms) + mark_term_ms + other_stw_ms; }
  double CpuMs() const {
    return double(cpu_sweep_term_ms) + cpu_assist_ms + cpu_background_ms + cpu_idle_ms +
           cpu_mark_term_ms + cpu_other_ms;
  }
};

// Scavenger output: `scvg` lines (≤1.13, with gctrace) and `scav` lines (scavtrace, 1.14+).
struct ScavengerStats {
  uint64_t scvg_lines = 0;
  uint64_t scav_lines = 0;
  double released_mb = 0;        // sum of "scvgN: X MB released"
  double scav_work_kib = 0;      // sum of scav "work" KiB (background + eager)
  int64_t last_sys_mb = -1;      // last scvg "sys: X"
  int64_t last_inuse_mb = -1;    // last scvg "inuse: X"
};

struct GcTrace {
  std::vector<GcCycle> cycles;
  ScavengerStats scavenger;
  uint64_t gc_forced_lines = 0;  // "GC forced": sysmon's 2-minute forced GC
  uint64_t lines = 0;            // lines read
  uint64_t other_lines = 0;      // lines that were not GC/scavenger lines (program output, ...)
  uint64_t restarts = 0;         // times the cycle numbers started again (several runs in a log)
  uint64_t malformed = 0;        // lines that looked like runtime lines but did not parse
  uint64_t first_malformed_line = 0;
  std::string first_malformed_why;
};

}  // namespace godx::gclog
