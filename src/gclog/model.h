// The GC trace model: one record per `gc N @...` line, plus the scavenger lines. Times are
// milliseconds as the runtime printed them; heap sizes are the runtime's truncated MiB (x>>20).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
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

// A heap size in MiB as printed, saturated (a corrupt line must not wrap a size negative).
inline int32_t SaturatedMb(uint64_t v) {
  return static_cast<int32_t>(std::min<uint64_t>(v, INT32_MAX));
}

// One `gc N @...` line as the runtime printed it. The reader parses every line into one of these;
// the trace keeps per-cycle columns (GcSeries) and whole records only where they are needed.
struct GcCycle {
  uint64_t line = 0;  // 1-based line number in the input
  double at_s = NAN;  // seconds since program start, as printed; NaN for ≤1.4
  uint32_t num = 0;   // the runtime's cycle number
  uint16_t procs = 0;   // GOMAXPROCS during the cycle (≤1.4: the number of GC procs)
  uint8_t util_pct = 0;  // runtime's GC CPU share since program start, truncated
  GcFormat format = GcFormat::kGo16;
  bool forced = false;  // "(forced)": runtime.GC() or debug.FreeOSMemory
  // "(checking for goroutine leaks)" after the CPU share (Go 1.26+, GOEXPERIMENT=
  // goroutineleakprofile): the cycle also looked for goroutines blocked forever.
  bool leak_check = false;
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
  bool operator==(const GcCycle&) const = default;

  // What GOGC applies to besides the live heap: stacks and globals since 1.18, else 0.
  int32_t RootsMb() const { return std::max(0, stacks_mb) + std::max(0, globals_mb); }
};

// Allocates like std::allocator but leaves elements that a vector grows by uninitialised, so that
// room resized for a piece of the input costs no memory until it is written (ReadGcTrace).
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  using value_type = T;
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialisation: no write for numbers
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using Column = std::vector<T, UninitializedAllocator<T>>;

// The per-cycle values the analyses read, one column each, in cycle order. 38 bytes per cycle
// where a whole GcCycle takes 104: a long log holds millions of cycles, and the memory they take
// is a large share of reading it.
struct GcSeries {
  Column<double> t_s;  // seconds on one clock for the whole log (GcTrace::run_starts)
  Column<float> pause_ms, mark_ms, cpu_assist_ms, cpu_ms;
  Column<int32_t> live_mb, goal_mb, roots_mb;
  Column<uint16_t> procs;

  size_t size() const { return t_s.size(); }
  // `t_s` holds the cycle's at_s until the reader lays the runs on one clock.
  void Add(const GcCycle& c) {
    t_s.push_back(c.at_s);
    pause_ms.push_back(static_cast<float>(c.PauseMs()));
    mark_ms.push_back(c.mark_ms);
    cpu_assist_ms.push_back(c.cpu_assist_ms);
    cpu_ms.push_back(static_cast<float>(c.CpuMs()));
    live_mb.push_back(c.heap_live_mb);
    goal_mb.push_back(c.goal_mb);
    roots_mb.push_back(c.RootsMb());
    procs.push_back(c.procs);
  }
  // Writes cycle `c` at index `i` (below size()).
  void Set(size_t i, const GcCycle& c) {
    t_s[i] = c.at_s;
    pause_ms[i] = static_cast<float>(c.PauseMs());
    mark_ms[i] = c.mark_ms;
    cpu_assist_ms[i] = c.cpu_assist_ms;
    cpu_ms[i] = static_cast<float>(c.CpuMs());
    live_mb[i] = c.heap_live_mb;
    goal_mb[i] = c.goal_mb;
    roots_mb[i] = c.RootsMb();
    procs[i] = c.procs;
  }
  // Resizes every column; new elements are uninitialised (and take no memory until written).
  void Resize(size_t n);
  void Reserve(size_t n);
  // Appends `count` cycles of `from` starting at `first`.
  void AppendRange(const GcSeries& from, size_t first, size_t count);
  // Moves `count` cycles from index `from` to index `to` (ranges may overlap), one column per
  // worker on up to `threads` threads.
  void Move(size_t from, size_t to, size_t count, size_t threads);
};

// Whole-trace sums and counts that need no per-cycle column.
struct GcTotals {
  // GC CPU, ms: all of it, and its parts (cpu_stw: the stop-the-world phases' CPU).
  double cpu_ms = 0, cpu_assist_ms = 0, cpu_background_ms = 0, cpu_idle_ms = 0, cpu_stw_ms = 0;
  uint64_t forced = 0;
  uint64_t leak_checks = 0;               // cycles that checked for goroutine leaks (1.26+)
  uint64_t with_goal = 0, over_goal = 0;  // cycles with a goal, and those that ended above it
  GcFormat format = GcFormat::kGo14;  // the newest era seen
  // Allocation between the starts of consecutive cycles (AddInterval): MiB allocated, seconds
  // those intervals span, and how many there were.
  double alloc_mb = 0, alloc_s = 0;
  uint64_t alloc_intervals = 0;

  void Add(const GcCycle& c) {
    if (c.has_cpu) {
      cpu_ms += c.CpuMs();
      cpu_assist_ms += c.cpu_assist_ms;
      cpu_background_ms += c.cpu_background_ms;
      cpu_idle_ms += c.cpu_idle_ms;
      cpu_stw_ms += double(c.cpu_sweep_term_ms) + c.cpu_mark_term_ms + c.cpu_other_ms;
    }
    forced += c.forced;
    leak_checks += c.leak_check;
    if (c.goal_mb >= 0) {
      ++with_goal;
      over_goal += c.heap_end_mb > c.goal_mb;
    }
    format = std::max(format, c.format);
  }
  void Merge(const GcTotals& o);

  // Counts what the program allocated from the start of `prev` to the start of `c`, the next
  // cycle: the heap's growth during `prev` (its end minus its start) plus its growth from `prev`'s
  // marked heap, which the runtime takes as the live heap once marking ends, to `c`'s start
  // (docs/formats/gctrace.md, "Allocation rate"). Pairs that are not consecutive cycles of one
  // run with times (≤1.4 lines have none) are left out: the heap between them is unknown. Cycles
  // printed at the same millisecond count, with their allocation and no time.
  void AddInterval(const GcCycle& prev, const GcCycle& c) {
    double dt = c.at_s - prev.at_s;
    if (c.num != prev.num + 1 || prev.format == GcFormat::kGo14 || !(dt >= 0)) return;
    alloc_mb += std::max(0, prev.heap_end_mb - prev.heap_start_mb) +
                std::max(0, c.heap_start_mb - prev.heap_live_mb);
    alloc_s += dt;
    ++alloc_intervals;
  }
};

// Whether `c` starts a new run of a program after `prev` (the program restarted and appended to
// the same log): its cycle number and its time are both below the previous cycle's.
inline bool StartsRun(const GcCycle& prev, const GcCycle& c) {
  return c.num < prev.num && c.at_s < prev.at_s;
}
// Whether `c`'s number or time is not after `prev`'s: in one process's output they only grow.
inline bool GoesBack(const GcCycle& prev, const GcCycle& c) {
  return c.num <= prev.num || c.at_s < prev.at_s;
}

// Scavenger output: `scvg` lines (≤1.13, with gctrace) and `scav` lines (scavtrace, 1.14+). A scav
// line is printed once per GC cycle, when sweeping ends; its "work" is what the scavenger returned
// to the OS since the line before, its "total" (older) or "now" (newer) is how much of the heap
// stands released at that moment (docs/formats/gctrace.md, "Scavenger lines").
struct ScavengerStats {
  uint64_t scvg_lines = 0;
  uint64_t scav_lines = 0;
  double released_mb = 0;        // sum of "scvgN: X MB released"
  double scav_work_kib = 0;      // sum of scav "work" KiB (background + eager)
  double scav_eager_kib = 0;     // of which "work (eager)": returned by allocating goroutines
  int64_t last_sys_mb = -1;      // last scvg "sys: X"
  int64_t last_inuse_mb = -1;    // last scvg "inuse: X"
  int64_t released_now_kib = -1;   // last scav "KiB total|now": released and not reused since
  int64_t released_peak_kib = -1;  // the largest of those
  int32_t last_util_pct = -1;      // last scav "N% util": heap in use / heap retained
  uint64_t scav_forced = 0;        // "(forced)": debug.FreeOSMemory
  // The shapes of the scav lines seen, which differ between releases.
  uint64_t scav_total_lines = 0;   // "scav N KiB work, N KiB total, ..." (1.14 to 1.19 or 1.20)
  uint64_t scav_gen_lines = 0;     // "scav G N KiB work, ..." (a generation first: 1.16–1.18)
  uint64_t scav_now_lines = 0;     // "... (bg), N KiB work (eager), N KiB now" (1.20/1.21+)
  uint64_t scav_other_lines = 0;   // "scav ... KiB ..." in none of those shapes (summed loosely)

  void Merge(const ScavengerStats& o);
};

// gctrace=2's scan statistics after each gctrace line (Go 1.25+): "scan: total ..." and
// "scan: class ...". Span counts ("N+M=K spans") are printed only by the Green Tea collector.
struct ScanStats {
  uint64_t lines = 0;
  uint64_t span_lines = 0;
};

// A change of GOMAXPROCS between one cycle and the next ("N P" at the end of the line): the
// program called runtime.GOMAXPROCS, or (Go 1.25+) the runtime followed the CPUs it may use.
struct ProcsChange {
  size_t index = 0;  // of the cycle that first shows the new count
  uint32_t num = 0;  // its cycle number
  double at_s = NAN; // its time as printed
  uint64_t line = 0;
  uint16_t from = 0, to = 0;
};
// How many changes the trace keeps one by one (all are counted).
inline constexpr size_t kMaxProcsChanges = 64;

// How many whole records the trace keeps besides the first and the last: the longest pauses.
inline constexpr size_t kLongestPauses = 5;

struct GcTrace {
  GcSeries series;
  GcTotals totals;
  GcCycle first, last;  // whole records of the first and the last cycle
  // The cycles with the longest pauses, longest first (the earlier of equal pauses first).
  std::vector<GcCycle> longest;
  // Every cycle as a whole record, only when read with keep_cycles (--json's per-cycle series).
  std::vector<GcCycle> cycles;
  ScavengerStats scavenger;
  ScanStats scan;
  // The first kMaxProcsChanges changes of GOMAXPROCS, in order, and how many there were.
  std::vector<ProcsChange> procs_changes;
  uint64_t procs_change_count = 0;
  uint64_t gc_forced_lines = 0;  // "GC forced": sysmon's 2-minute forced GC
  uint64_t lines = 0;            // lines read
  uint64_t other_lines = 0;      // lines that were not GC/scavenger lines (program output, ...)
  // The first cycle of every run after the first (StartsRun): a log several runs appended to.
  std::vector<size_t> run_starts;
  // Cycles whose number or time is not after the previous cycle's: a new run, or the output of
  // more than one process interleaved (core/interleave.h tells which).
  uint64_t backward_cycles = 0;
  uint64_t malformed = 0;        // lines that looked like runtime lines but did not parse
  uint64_t first_malformed_line = 0;
  std::string first_malformed_why;
};

}  // namespace godx::gclog
