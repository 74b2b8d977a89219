#include "gclog/analyze.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>

#include <fmt/format.h>

#include "core/parallel.h"
#include "core/plural.h"
#include "core/stats.h"
#include "core/units.h"
#include "gclog/reader.h"
#include "gclog/release.h"

namespace godx::gclog {

namespace {

// Thresholds (docs/formats/gctrace.md).
constexpr double kAssistWarnShare = 0.25;     // assist CPU / all GC CPU
constexpr double kAssistCriticalShare = 0.50;
constexpr double kGcCpuWarn = 0.10;           // GC CPU / (wall × GOMAXPROCS)
constexpr double kGcCpuCritical = 0.25;
constexpr double kFrequentPerSecond = 10;     // cycles per second...
constexpr double kFrequentMaxLiveMb = 64;     // ...with a live heap this small...
constexpr double kFrequentMinCpu = 0.05;      // ...and a GC CPU share that matters
constexpr double kPauseOutlierMs = 10;        // a pause this long...
constexpr double kPauseOutlierRatio = 10;     // ...and this many times the median
constexpr double kLongPauseP99Ms = 10;
constexpr size_t kLeakMinCycles = 10;
constexpr double kLeakMinR2 = 0.8;
constexpr double kLeakMinGrowth = 1.5;        // fitted end / fitted start
constexpr double kLeakMinGrowthMb = 4;
constexpr double kForcedShare = 0.10;
constexpr uint64_t kForcedMin = 3;
constexpr double kOvershootShare = 0.25;      // cycles whose heap ended above its goal
constexpr int32_t kHeadroomMinLiveMb = 8;     // headroom is judged on heaps at least this big
constexpr size_t kHeadroomMinCycles = 9;
constexpr double kSqueezedHeadroom = 0.15;    // late median headroom below this: a memory limit
constexpr size_t kMinCyclesToJudge = 10;      // GC CPU share and frequency need this many cycles
constexpr double kMinSpanToJudgeS = 1;        // ...over at least this long to be a warning
constexpr double kAllocRateUncertain = 0.05;  // allocation rate's standard error (from whole-MiB
                                              // sizes) above which the text states it

// The pacer's headroom in cycle i: how far above the previous cycle's live heap the goal was set,
// as a share of what GOGC applies to (live heap, plus stacks and globals since 1.18). With no
// memory limit it is GOGC/100 throughout; under GOMEMLIMIT it shrinks towards 0 as the heap nears
// the limit. NaN where it cannot be judged (no goal, or a heap too small for MiB rounding).
double Headroom(const GcSeries& ser, size_t i) {
  int32_t live = ser.live_mb[i - 1];
  if (ser.goal_mb[i] < 0 || live < kHeadroomMinLiveMb) return NAN;
  return (double(ser.goal_mb[i]) - live) / (double(live) + ser.roots_mb[i - 1]);
}

// Milliseconds for JSON: the runtime prints at most microsecond precision.
double Ms(double v) { return RoundDecimals(v, 6); }

Json DistJson(const Distribution& d) {
  return Json{{"p50", Ms(d.p50)}, {"p90", Ms(d.p90)}, {"p99", Ms(d.p99)}, {"max", Ms(d.max)},
              {"mean", Ms(d.mean)}, {"total", Ms(d.sum)}};
}

std::string DistText(const Distribution& d) {
  return fmt::format("p50 {} · p90 {} · p99 {} · max {}", FormatMs(d.p50), FormatMs(d.p90),
                     FormatMs(d.p99), FormatMs(d.max));
}

// The runtime prints heap sizes truncated to whole MiB, so 0 means "under 1 MiB".
std::string Mib(double mb) { return mb == 0 ? "<1 MiB" : FormatBytes(mb * 1024 * 1024); }

// The pacer's headroom over the trace: GOGC (from its median, when pacing is steady) and its
// median in the last third of the trace (NaN where there are too few cycles to judge).
void HeadroomStats(const GcSeries& ser, double* gogc, double* late_median) {
  const size_t n = ser.size();
  // The cycles where headroom can be judged; those from `late_from` on are in the last third.
  std::vector<float> head;
  head.reserve(n);
  size_t late_from = 0;
  for (size_t i = 1; i < n; ++i) {
    if (i == n - n / 3) late_from = head.size();
    double h = Headroom(ser, i);
    if (!std::isnan(h)) head.push_back(static_cast<float>(h));
  }
  if (n - n / 3 >= n) late_from = head.size();
  if (head.size() >= kHeadroomMinCycles) {
    const double qs[] = {0.10, 0.50, 0.90};
    std::vector<double> p = Percentiles(head, qs);
    if (p[0] > 0 && p[2] <= 1.3 * p[0]) *gogc = p[1] * 100;  // steady pacing only
  }
  std::span<const float> late = std::span<const float>(head).subspan(late_from);
  if (late.size() >= kHeadroomMinCycles) *late_median = Percentile(late, 0.5);
}

// The "Over time" table cuts the trace into ten windows of equal time: cycles [begin, end).
struct Window {
  size_t begin = 0, end = 0;
  double from_s = 0;  // since the first cycle
};

std::vector<Window> TimeWindows(const GcSeries& ser, double span_s) {
  const int kWindows = 10;
  const size_t n = ser.size();
  const double t0 = ser.t_s[0];
  std::vector<Window> windows;
  size_t i = 0;
  for (int w = 0; w < kWindows; ++w) {
    double hi = w + 1 == kWindows ? INFINITY : t0 + span_s * (w + 1) / kWindows;
    size_t begin = i;
    while (i < n && ser.t_s[i] < hi) ++i;
    if (i > begin) windows.push_back({begin, i, span_s * w / kWindows});
  }
  return windows;
}

std::vector<std::string> WindowRow(const GcSeries& ser, const Window& w, double span_s) {
  double assist = 0, all = 0;
  for (size_t i = w.begin; i < w.end; ++i) {
    assist += ser.cpu_assist_ms[i];
    all += ser.cpu_ms[i];
  }
  const size_t cycles = w.end - w.begin;
  const size_t last = w.end - 1;
  double p99 = Percentile(std::span<const float>(ser.pause_ms).subspan(w.begin, cycles), 0.99);
  return {FormatDuration(w.from_s), FormatCount(cycles),
          fmt::format("{:.1f}", double(cycles) / (span_s / 10)), FormatMs(p99),
          all > 0 ? FormatPercent(assist / all) : "n/a", Mib(double(ser.live_mb[last])),
          ser.goal_mb[last] >= 0 ? Mib(double(ser.goal_mb[last])) : "n/a"};
}

// GOMAXPROCS through the trace: "2 → 1 at cycle 14 (@1.231s) → 2 at cycle 23 (@2.151s)".
std::string ProcsHistory(const GcTrace& t, bool timed) {
  constexpr size_t kShown = 6;
  std::string out = std::to_string(t.first.procs);
  for (size_t i = 0; i < t.procs_changes.size() && i < kShown; ++i) {
    const ProcsChange& c = t.procs_changes[i];
    out += fmt::format(" → {} at cycle {}{}", c.to, c.num,
                       timed ? fmt::format(" (@{:.3f}s)", c.at_s) : "");
  }
  if (t.procs_change_count > kShown) {
    out += fmt::format(" … ({} more changes, last to {})", t.procs_change_count - kShown,
                       t.last.procs);
  }
  return out;
}

Json ProcsChangesJson(const GcTrace& t) {
  Json out = Json::array();
  for (const ProcsChange& c : t.procs_changes) {
    out.push_back(Json{{"cycle", c.num},
                       {"line", c.line},
                       {"t_s", std::isnan(c.at_s) ? Json(nullptr) : Json(c.at_s)},
                       {"from", c.from},
                       {"to", c.to}});
  }
  return out;
}

std::string KiB(double kib) { return FormatBytes(kib * 1024); }

// The scavenger's lines in one fact: what it returned to the OS, and how much stood released.
std::string ScavengerText(const ScavengerStats& sc) {
  std::string out = fmt::format("{} lines · returned {} to the OS",
                                FormatCount(sc.scvg_lines + sc.scav_lines),
                                Mib(sc.released_mb + sc.scav_work_kib / 1024));
  if (sc.scav_now_lines > 0) {
    out += fmt::format(" (background {}, eager {})", KiB(sc.scav_work_kib - sc.scav_eager_kib),
                       KiB(sc.scav_eager_kib));
  }
  if (sc.released_now_kib >= 0) {
    out += fmt::format(" · released at the end {} (peak {})", KiB(double(sc.released_now_kib)),
                       KiB(double(sc.released_peak_kib)));
  }
  if (sc.last_util_pct >= 0) out += fmt::format(" · heap in use {}% of retained", sc.last_util_pct);
  if (sc.scav_forced > 0) out += fmt::format(" · {} forced (debug.FreeOSMemory)", sc.scav_forced);
  if (sc.last_sys_mb >= 0) {
    out += fmt::format(" · last scvg sys {} inuse {}", Mib(double(sc.last_sys_mb)),
                       Mib(double(sc.last_inuse_mb)));
  }
  return out;
}

Json ScavengerJson(const ScavengerStats& sc) {
  auto kib_or_null = [](int64_t v) { return v >= 0 ? Json(v) : Json(nullptr); };
  return Json{{"scvg_lines", sc.scvg_lines},
              {"scav_lines", sc.scav_lines},
              {"released_mb", sc.released_mb + sc.scav_work_kib / 1024},
              {"work_kib", sc.scav_work_kib},
              {"eager_kib", sc.scav_eager_kib},
              {"released_now_kib", kib_or_null(sc.released_now_kib)},
              {"released_peak_kib", kib_or_null(sc.released_peak_kib)},
              {"util_pct", sc.last_util_pct >= 0 ? Json(sc.last_util_pct) : Json(nullptr)},
              {"forced", sc.scav_forced},
              {"unrecognised_lines", sc.scav_other_lines}};
}

// A log that holds the scavenger's lines and no GC cycle (GODEBUG=scavtrace=1 alone, or Go ≤1.11's
// scvg lines pasted on their own): what the scavenger said, and that the cycles are not there.
Report ScavengerOnlyReport(const GcTrace& t, const std::string& source) {
  Report r;
  r.kind = "gc";
  r.source = source;
  r.title = "Scavenger lines only: no GC cycle in the input";
  r.facts.push_back({"Cycles", "0 (no gctrace line: GODEBUG=gctrace=1 was not set, or its lines "
                               "were not pasted)"});
  r.facts.push_back({"Scavenger", ScavengerText(t.scavenger)});
  r.warnings.push_back(
      "only the scavenger's lines are in the input: pauses, heap growth and GC CPU need "
      "GODEBUG=gctrace=1 lines");
  r.summary["cycles"] = 0;
  r.summary["scavenger"] = ScavengerJson(t.scavenger);
  r.summary["lines"] = t.lines;
  r.summary["skipped_lines"] = t.other_lines;
  r.extra["go_release"] = nullptr;
  return r;
}

}  // namespace

Report AnalyzeGcTrace(const GcTrace& t, const std::string& source, const AnalyzeOptions& options) {
  Report r;
  r.kind = "gc";
  r.source = source;
  const GcSeries& ser = t.series;
  const GcTotals& tot = t.totals;
  const size_t n = ser.size();
  if (n == 0) return ScavengerOnlyReport(t, source);
  auto when = [&](size_t i) { return ser.t_s[i]; };
  const size_t restarts = t.run_starts.size();
  const bool timed = t.first.format != GcFormat::kGo14;
  // The newest format seen (a log can mix them only when several programs wrote to it).
  const GcFormat format = tot.format;

  const double cpu_total = tot.cpu_ms, cpu_assist = tot.cpu_assist_ms,
               cpu_bg = tot.cpu_background_ms, cpu_idle = tot.cpu_idle_ms, cpu_stw = tot.cpu_stw_ms;
  const uint64_t forced = tot.forced, overshoot = tot.over_goal, with_goal = tot.with_goal;
  const double span_s = n > 1 ? when(n - 1) - when(0) : 0;
  const double per_s = span_s > 0 ? double(n - 1) / span_s : 0;

  // The passes over the columns are independent: they run side by side (a long log has millions
  // of cycles), each writing only its own results.
  Distribution pause, mark;  // pauses and concurrent mark, per cycle
  double proc_ms = 0;        // wall time × GOMAXPROCS, ms
  int min_p = INT32_MAX, max_p = 0, p_changes = 0;
  // Go ≤1.4 lines carry the GC's helper threads per cycle ("gc6(5)"), not GOMAXPROCS.
  const bool helper_procs = format == GcFormat::kGo14;
  // Live heap: level, growth (a straight line through time), peak. The second half alone shows
  // whether growth goes on or levelled off.
  LinearFit fit, late_fit;
  double live_max = 0, live_mean = 0, goal_last = -1, goal_max = -1;
  double gogc = NAN, head_late = NAN;  // the pacer's headroom: GOGC, and late in the trace
  // The trace in ten windows of time.
  const std::vector<Window> windows =
      timed && n >= 20 && span_s > 0 ? TimeWindows(ser, span_s) : std::vector<Window>{};
  std::vector<std::vector<std::string>> window_rows(windows.size());
  // Longest first (RunTasks).
  std::vector<std::function<void()>> passes = {
      [&] {
        // One pass for the sums that run along the whole trace; each keeps its own order of
        // addition, so results do not depend on the number of threads.
        LineFitter all, second_half;
        for (size_t i = 0; i < n; ++i) {
          if (i + 1 < n) proc_ms += (when(i + 1) - when(i)) * 1000 * ser.procs[i];
          min_p = std::min<int>(min_p, ser.procs[i]);
          max_p = std::max<int>(max_p, ser.procs[i]);
          if (!helper_procs && i > 0 && ser.procs[i] != ser.procs[i - 1]) ++p_changes;
          double live = ser.live_mb[i];
          all.Add(when(i), live);
          if (i >= n / 2) second_half.Add(when(i), live);
          live_max = std::max(live_max, live);
          live_mean += live;
          if (ser.goal_mb[i] >= 0) {
            goal_last = double(ser.goal_mb[i]);
            goal_max = std::max(goal_max, goal_last);
          }
        }
        live_mean /= double(n);
        fit = all.Fit();
        late_fit = second_half.Fit();
      },
      [&] { HeadroomStats(ser, &gogc, &head_late); },
      [&] { pause = Summarize(ser.pause_ms); },
      [&] {
        if (timed) mark = Summarize(ser.mark_ms);
      },
  };
  for (size_t w = 0; w < windows.size(); ++w) {
    passes.push_back([&, w] { window_rows[w] = WindowRow(ser, windows[w], span_s); });
  }
  RunTasks(passes);
  // Idle-priority marking only runs on Ps that had nothing else to do, so it is left out of the
  // share that counts as a cost (and reported beside it).
  const double gc_cpu_share = proc_ms > 0 ? (cpu_total - cpu_idle) / proc_ms : NAN;
  const double gc_cpu_share_idle = proc_ms > 0 ? cpu_total / proc_ms : NAN;
  const double assist_share = cpu_total > 0 ? cpu_assist / cpu_total : NAN;
  const double live_first = t.first.heap_live_mb, live_last = t.last.heap_live_mb;

  // Title and facts.
  r.title = fmt::format("GC trace: {}{} ({} format)", Plural(n, "cycle"),
                        timed && span_s > 0 ? " over " + FormatDuration(span_s) : "",
                        GcFormatName(format));
  const GoRelease release = GcTraceRelease(t);
  SetGoRelease(r, release);
  if (timed && span_s > 0) {
    r.facts.push_back({"Frequency", fmt::format("{}, mean interval {}",
                                                FormatRate(per_s, "cycles"),
                                                FormatDuration(span_s / double(n - 1)))});
  }
  r.facts.push_back({"Pause (STW)", DistText(pause) + " per cycle"});
  if (timed) r.facts.push_back({"Concurrent mark", DistText(mark)});
  // Allocation rate: see GcTotals::AddInterval.
  const double alloc_rate = tot.alloc_s > 0 ? tot.alloc_mb / tot.alloc_s : NAN;
  if (!timed) {
    r.facts.push_back({"Allocation rate", "n/a (Go ≤1.4 lines carry no time)"});
  } else if (std::isnan(alloc_rate)) {
    r.facts.push_back({"Allocation rate", n == 1 ? "n/a (one cycle: no interval to measure)"
                                                 : "n/a (no two consecutive cycles)"});
  } else {
    // Heap sizes print truncated to whole MiB. Each interval sums two differences of truncated
    // sizes, each off by U−U' MiB (U, U' the lost fractions, uniform: standard deviation
    // √(1/6)); the errors are unbiased and add up as √(2n) of that over n intervals.
    const double sd_mb = std::sqrt(2.0 * double(tot.alloc_intervals) / 6.0);
    const double rel = tot.alloc_mb > 0 ? sd_mb / tot.alloc_mb : INFINITY;
    r.facts.push_back(
        {"Allocation rate",
         fmt::format("{}/s ({} allocated in {} between cycle starts, {}){}", Mib(alloc_rate),
                     Mib(tot.alloc_mb), FormatDuration(tot.alloc_s),
                     Plural(tot.alloc_intervals, "interval"),
                     rel > kAllocRateUncertain
                         ? fmt::format(" · ±{} (the log prints heap sizes in whole MiB)",
                                       std::isinf(rel) ? Mib(sd_mb) : FormatPercent(rel))
                         : "")});
  }
  if (cpu_total > 0 && proc_ms <= 0) {
    // One cycle (or cycles all at one time): the share has no wall time to be measured against.
    r.facts.push_back(
        {"GC CPU", fmt::format("n/a ({}: no interval to measure) · {} of GC CPU · "
                               "runtime's own figure {}%",
                               n == 1 ? "one cycle" : "every cycle at one time",
                               FormatMs(cpu_total), unsigned(t.last.util_pct))});
  } else if (cpu_total > 0) {
    r.facts.push_back(
        {"GC CPU", fmt::format("{} of the CPU available to Go ({} with idle-time marking; {} = "
                               "wall time × {}) · runtime's own figure {}%",
                               std::isnan(gc_cpu_share) ? "n/a" : FormatPercent(gc_cpu_share),
                               std::isnan(gc_cpu_share) ? "n/a" : FormatPercent(gc_cpu_share_idle),
                               FormatDuration(proc_ms / 1000),
                               p_changes > 0 ? "each cycle's GOMAXPROCS" : "GOMAXPROCS",
                               unsigned(t.last.util_pct))});
  }
  if (cpu_total > 0) {
    r.facts.push_back(
        {"Mark CPU", fmt::format("assist {} · background {} · idle {} (assist {} of GC CPU)",
                                 FormatMs(cpu_assist), FormatMs(cpu_bg), FormatMs(cpu_idle),
                                 FormatPercent(assist_share))});
  }
  r.facts.push_back({"Live heap",
                     fmt::format("{} → {} (peak {}){}", Mib(live_first), Mib(live_last),
                                 Mib(live_max),
                                 timed && span_s > 0
                                     ? fmt::format(", trend {}/min (r² {:.2f})",
                                                   Mib(fit.slope * 60), fit.r2)
                                     : "")});
  if (goal_last >= 0) {
    r.facts.push_back({"Heap goal", fmt::format("last {} · max {}", Mib(goal_last), Mib(goal_max))});
  }
  r.facts.push_back({"Forced cycles", fmt::format("{}{}", FormatCount(forced),
                                                  t.gc_forced_lines ? fmt::format(
                                                      " · {} periodic 'GC forced' (idle 2 min)",
                                                      t.gc_forced_lines) : "")});
  if (helper_procs)
    r.facts.push_back({"GC procs", fmt::format("{} per cycle (Go ≤1.4 prints the GC's helper "
                                               "threads, not GOMAXPROCS)",
                                               min_p == max_p ? std::to_string(max_p)
                                                              : fmt::format("{}–{}", min_p, max_p))});
  else
  r.facts.push_back(
      {"GOMAXPROCS", min_p == max_p ? std::to_string(max_p)
                                    : fmt::format("{} ({} changes)", ProcsHistory(t, timed),
                                                  p_changes)});
  const ScavengerStats& sc = t.scavenger;
  if (sc.scvg_lines + sc.scav_lines > 0) r.facts.push_back({"Scavenger", ScavengerText(sc)});
  if (t.scan.span_lines > 0) {
    r.facts.push_back({"Collector", fmt::format("Green Tea (gctrace=2 scan lines count spans: {} "
                                                "lines)",
                                                FormatCount(t.scan.lines))});
  }
  if (tot.leak_checks > 0) {
    r.facts.push_back({"Goroutine leak checks",
                       fmt::format("{} also looked for leaked goroutines "
                                   "(GOEXPERIMENT=goroutineleakprofile)",
                                   Plural(tot.leak_checks, "cycle"))});
  }

  // Findings.
  if (!std::isnan(assist_share) && assist_share >= kAssistWarnShare) {
    r.findings.push_back(Finding{
        "gc-assist-heavy",
        assist_share >= kAssistCriticalShare ? Severity::kCritical : Severity::kWarning,
        fmt::format("Mark assists took {} of GC CPU", FormatPercent(assist_share)),
        {fmt::format("assist {} vs background {} and idle {} over {}", FormatMs(cpu_assist),
                     FormatMs(cpu_bg), FormatMs(cpu_idle), Plural(n, "cycle")),
         "goroutines that allocate are drafted into marking, which adds latency to their requests"},
        "Allocation outpaces background marking: reduce allocation on hot paths (reuse buffers, "
        "sync.Pool), or give the GC more room (higher GOGC, or GOMEMLIMIT with headroom)."});
  }
  // A share or a rate over a few cycles or a moment of wall time says little: such findings stay
  // INFO and say why.
  const bool enough_time = n >= kMinCyclesToJudge && span_s >= kMinSpanToJudgeS;
  const std::string too_little = fmt::format(
      "only {} over {}: too little to judge (needs {}+ cycles over {}+)", Plural(n, "cycle"),
      FormatDuration(span_s), kMinCyclesToJudge, FormatDuration(kMinSpanToJudgeS));
  if (!std::isnan(gc_cpu_share) && gc_cpu_share >= kGcCpuWarn) {
    r.findings.push_back(Finding{
        "gc-cpu-high",
        gc_cpu_share >= kGcCpuCritical ? Severity::kCritical : Severity::kWarning,
        fmt::format("GC used {} of the CPU available to Go", FormatPercent(gc_cpu_share)),
        {fmt::format("{} of GC CPU (not counting {} of idle-time marking) in {} of wall time at "
                     "GOMAXPROCS {}",
                     FormatMs(cpu_total - cpu_idle), FormatMs(cpu_idle), FormatDuration(span_s),
                     min_p == max_p ? std::to_string(max_p)
                                    : fmt::format("{}–{} (each cycle's own)", min_p, max_p)),
         fmt::format("the runtime's own cumulative figure: {}%", unsigned(t.last.util_pct))},
        "Profile allocations (go tool pprof -sample_index=alloc_space, or godx pprof on an allocs "
        "profile) and cut the top sites; raising GOGC trades memory for GC CPU."});
  }
  if (timed && per_s >= kFrequentPerSecond && live_mean < kFrequentMaxLiveMb &&
      (std::isnan(gc_cpu_share) || gc_cpu_share >= kFrequentMinCpu)) {
    r.findings.push_back(Finding{
        "gc-frequent-small-heap", Severity::kWarning,
        fmt::format("GC runs {} with only {} live", FormatRate(per_s, "times"), Mib(live_mean)),
        {fmt::format("{} cycles in {}, mean live heap {}, last goal {}", FormatCount(n),
                     FormatDuration(span_s), Mib(live_mean), goal_last >= 0 ? Mib(goal_last) : "n/a")},
        "A small heap with a high allocation rate makes the GC run constantly. Raise GOGC (e.g. "
        "200-400) or set GOMEMLIMIT to the memory you can afford, with GOGC=off if the limit is "
        "the only bound you want."});
  }
  for (Finding& f : r.findings) {
    if (!enough_time && (f.id == "gc-cpu-high" || f.id == "gc-frequent-small-heap")) {
      f.severity = Severity::kInfo;
      f.evidence.push_back(too_little);
    }
  }
  if (pause.max >= kPauseOutlierMs && pause.max >= kPauseOutlierRatio * std::max(pause.p50, 1e-3)) {
    const GcCycle& c = t.longest.front();
    r.findings.push_back(Finding{
        "gc-pause-outlier", Severity::kWarning,
        fmt::format("One GC pause of {} ({}x the median)", FormatMs(pause.max),
                    std::lround(pause.max / std::max(pause.p50, 1e-3))),
        {fmt::format("cycle {} at line {}{}: sweep termination {}, mark termination {}{}", c.num,
                     c.line, timed ? fmt::format(" (@{:.3f}s)", c.at_s) : "",
                     FormatMs(c.sweep_term_ms), FormatMs(c.mark_term_ms),
                     c.other_stw_ms > 0 ? ", other STW " + FormatMs(c.other_stw_ms) : ""),
         fmt::format("median pause {}", FormatMs(pause.p50))},
        "Long stop-the-world phases usually mean a goroutine could not be preempted (a tight loop "
        "without function calls before Go 1.14), a very large number of goroutines or stacks to "
        "scan, or an overloaded machine (CPU throttling, swap). Check the scheduler trace and CPU "
        "quota around that time."});
  } else if (pause.p99 >= kLongPauseP99Ms) {
    r.findings.push_back(Finding{
        "gc-pauses-long", Severity::kWarning,
        fmt::format("GC pauses are long: p99 {}", FormatMs(pause.p99)),
        {DistText(pause)},
        "Check for CPU throttling (cgroup quota), swapping, or GOMAXPROCS above the CPUs really "
        "available."});
  }
  if (timed && n >= kLeakMinCycles && fit.slope > 0 && fit.r2 >= kLeakMinR2) {
    double start = fit.intercept + fit.slope * when(0);
    double end = fit.intercept + fit.slope * when(n - 1);
    // Still growing at the end: the second half on its own must keep climbing.
    const LinearFit& late = late_fit;
    if (end - start >= kLeakMinGrowthMb && end >= kLeakMinGrowth * std::max(start, 1.0) &&
        late.slope > 0.25 * fit.slope) {
      r.findings.push_back(Finding{
          "gc-live-heap-growth", Severity::kWarning,
          fmt::format("Live heap grows steadily: +{}/min, a leak suspect", Mib(fit.slope * 60)),
          {fmt::format("live heap {} at cycle {} → {} at cycle {} over {}", Mib(live_first),
                       t.first.num, Mib(live_last), t.last.num, FormatDuration(span_s)),
           fmt::format("straight-line fit r² {:.2f} over {} cycles; still growing in the second "
                       "half (+{}/min)",
                       fit.r2, FormatCount(n), Mib(late.slope * 60))},
          "Memory that survives every GC is still referenced. Take two heap profiles minutes apart "
          "and compare inuse_space (godx pprof diff old.pb.gz new.pb.gz); look for caches, maps and "
          "slices that only grow, and goroutines that never exit (godx stacks)."});
    }
  }
  if (forced >= kForcedMin && double(forced) >= kForcedShare * double(n)) {
    r.findings.push_back(Finding{
        "gc-forced", Severity::kWarning,
        fmt::format("{} of {} cycles were forced by the program", FormatCount(forced),
                    FormatCount(n)),
        {"cycles ending in '(forced)' come from runtime.GC() or debug.FreeOSMemory()"},
        "Explicit GCs stop the program's own pacing and cost a full cycle each; remove them, or "
        "use GOMEMLIMIT to bound memory instead."});
  }
  if (with_goal >= 10 && double(overshoot) >= kOvershootShare * double(with_goal)) {
    r.findings.push_back(Finding{
        "gc-goal-overshoot", Severity::kInfo,
        fmt::format("The heap ended above its goal in {} of {} cycles", FormatCount(overshoot),
                    FormatCount(with_goal)),
        {"the heap grew past the pacer's goal before marking finished"},
        "Allocation bursts outrun the pacer; expect mark assists. Smoothing allocation spikes "
        "or raising GOGC helps."});
  }
  if (!std::isnan(gogc)) {
    r.facts.push_back({"GOGC (estimated)",
                       fmt::format("≈{:.0f}, from the heap goal against the live heap", gogc)});
  }
  if (!std::isnan(head_late) && head_late < kSqueezedHeadroom) {
    const GcCycle& last = t.last;
    bool costly = !std::isnan(gc_cpu_share) && gc_cpu_share >= kGcCpuWarn;
    r.findings.push_back(Finding{
        "gc-memory-limit", costly ? Severity::kCritical : Severity::kWarning,
        costly ? fmt::format("GC is thrashing against a memory limit ({} cycles/s, {} of CPU)",
                             std::lround(per_s), FormatPercent(gc_cpu_share))
               : "The heap goal is pinned to the live heap: a memory limit (GOMEMLIMIT) steers the GC",
        {fmt::format("in the last third of the trace the goal was set a median {:.0f}% above the "
                     "live heap (GOGC=100 alone gives 100%)",
                     head_late * 100),
         fmt::format("last cycle {} (line {}): live {}, goal {}", last.num, last.line,
                     Mib(last.heap_live_mb), Mib(last.goal_mb))},
        "The live heap has grown to the memory limit, so the GC runs almost back to back. A "
        "limit only helps while the live heap fits under it: find what keeps growing (heap "
        "profiles), or raise GOMEMLIMIT or the container's memory."});
  }
  // Under a memory limit, "raise GOGC or set GOMEMLIMIT" is the wrong advice: the limit is the cause.
  bool limited = std::any_of(r.findings.begin(), r.findings.end(),
                             [](const Finding& f) { return f.id == "gc-memory-limit"; });
  if (limited) {
    std::erase_if(r.findings, [](const Finding& f) { return f.id == "gc-frequent-small-heap"; });
  }
  if (p_changes > 0) {
    r.findings.push_back(Finding{
        "gc-gomaxprocs-changed", Severity::kInfo,
        fmt::format("GOMAXPROCS changed {} ({}–{})", Plural(p_changes, "time"), min_p, max_p),
        {ProcsHistory(t, timed),
         // Before 1.25 only the program itself can change it.
         release.max_minor < 25
             ? "the release predates Go 1.25: the program called runtime.GOMAXPROCS"
             : "the program called runtime.GOMAXPROCS, or (Go 1.25+) the runtime followed a change "
               "of the CPUs it may use (cgroup CPU limit, CPU affinity)"},
        "GC CPU shares are computed with the GOMAXPROCS of each cycle. Fewer Ps mean less "
        "background marking capacity: expect more mark assists and longer cycles while it is "
        "low."});
  }
  if (restarts > 0) {
    r.warnings.push_back(fmt::format(
        "the log holds {} runs of a program (cycle numbers restart); times are laid end to end",
        restarts + 1));
  }
  if (t.other_lines > 0) {
    r.warnings.push_back(fmt::format("{} of {} lines held program output or other runtime traces and were "
                                     "skipped",
                                     FormatCount(t.other_lines), FormatCount(t.lines)));
  }
  if (t.malformed > 0) {
    r.warnings.push_back(fmt::format("{} GC lines did not parse and were skipped, first at line {}: "
                                     "expected {}",
                                     FormatCount(t.malformed), t.first_malformed_line,
                                     t.first_malformed_why));
  }

  // Tables: the slowest pauses, and the trace in ten windows of time.
  {
    Table top{"Longest pauses", {"cycle", "line", "at", "pause", "sweep term", "mark term", "heap"},
              {true, true, true, true, true, true, false}, {}, 0};
    for (const GcCycle& c : t.longest) {
      top.rows.push_back({std::to_string(c.num), std::to_string(c.line),
                          timed ? fmt::format("{:.3f}s", c.at_s) : "",
                          FormatMs(c.PauseMs()), FormatMs(c.sweep_term_ms),
                          FormatMs(c.mark_term_ms),
                          fmt::format("{}→{}→{} MB", c.heap_start_mb, c.heap_end_mb,
                                      c.heap_live_mb)});
    }
    r.tables.push_back(std::move(top));
  }
  if (!window_rows.empty()) {
    r.tables.push_back(Table{"Over time",
                             {"from", "cycles", "GC/s", "pause p99", "assist", "live heap", "goal"},
                             {true, true, true, true, true, true, true},
                             std::move(window_rows),
                             0});
  }

  // JSON.
  Json& s = r.summary;
  s["cycles"] = n;
  s["format"] = GcFormatName(format);
  s["span_s"] = span_s;
  s["gc_per_s"] = per_s;
  s["pause_ms"] = DistJson(pause);
  s["mark_ms"] = timed ? DistJson(mark) : Json(nullptr);
  s["gc_cpu"] = Json{{"computed_pct", std::isnan(gc_cpu_share) ? Json(nullptr) : Json(gc_cpu_share * 100)},
                     {"computed_with_idle_pct", std::isnan(gc_cpu_share_idle) ? Json(nullptr) : Json(gc_cpu_share_idle * 100)},
                     {"runtime_pct", t.last.util_pct},
                     {"total_ms", Ms(cpu_total)},
                     {"stw_ms", Ms(cpu_stw)},
                     {"assist_ms", Ms(cpu_assist)},
                     {"background_ms", Ms(cpu_bg)},
                     {"idle_ms", Ms(cpu_idle)},
                     {"assist_share_pct", std::isnan(assist_share) ? Json(nullptr) : Json(assist_share * 100)}};
  s["live_heap_mb"] = Json{{"first", live_first}, {"last", live_last}, {"max", live_max},
                           {"slope_mb_per_min", fit.slope * 60}, {"r2", fit.r2}};
  s["heap_goal_mb"] = goal_last >= 0 ? Json{{"last", goal_last}, {"max", goal_max}} : Json(nullptr);
  s["gogc_estimate"] = std::isnan(gogc) ? Json(nullptr) : Json(std::round(gogc));
  s["late_headroom_pct"] = std::isnan(head_late) ? Json(nullptr) : Json(RoundDecimals(head_late * 100, 1));
  s["alloc"] = Json{{"rate_mb_per_s", std::isnan(alloc_rate) ? Json(nullptr) : Json(alloc_rate)},
                    {"allocated_mb", tot.alloc_mb},
                    {"span_s", tot.alloc_s},
                    {"intervals", tot.alloc_intervals}};
  s["forced_cycles"] = forced;
  s["gc_forced_lines"] = t.gc_forced_lines;
  s["gomaxprocs"] = Json{{"min", min_p},
                         {"max", max_p},
                         {"first", t.first.procs},
                         {"last", t.last.procs},
                         {"changes", p_changes},
                         {"history", ProcsChangesJson(t)}};
  s["scavenger"] = ScavengerJson(sc);
  s["scan_lines"] = Json{{"lines", t.scan.lines}, {"with_spans", t.scan.span_lines}};
  s["leak_check_cycles"] = tot.leak_checks;
  s["lines"] = t.lines;
  s["skipped_lines"] = t.other_lines;
  s["malformed_lines"] = t.malformed;

  // The per-cycle series, from the whole records (the trace must be read with keep_cycles).
  if (!options.json || t.cycles.size() != n) return r;
  const auto& cs = t.cycles;
  Json series = Json::object();
  auto column = [&](const char* name, auto get) {
    Json col = Json::array();
    for (size_t i = 0; i < n; ++i) col.push_back(get(i));
    series[name] = std::move(col);
  };
  column("cycle", [&](size_t i) { return cs[i].num; });
  column("line", [&](size_t i) { return cs[i].line; });
  column("t_s", [&](size_t i) { return timed ? Json(when(i)) : Json(nullptr); });
  column("pause_ms", [&](size_t i) { return Ms(cs[i].PauseMs()); });
  column("mark_ms", [&](size_t i) { return Ms(cs[i].mark_ms); });
  column("cpu_assist_ms", [&](size_t i) { return Ms(cs[i].cpu_assist_ms); });
  column("cpu_background_ms", [&](size_t i) { return Ms(cs[i].cpu_background_ms); });
  column("cpu_idle_ms", [&](size_t i) { return Ms(cs[i].cpu_idle_ms); });
  column("cpu_total_ms", [&](size_t i) { return Ms(cs[i].CpuMs()); });
  column("heap_start_mb", [&](size_t i) { return cs[i].heap_start_mb; });
  column("heap_end_mb", [&](size_t i) { return cs[i].heap_end_mb; });
  column("live_mb", [&](size_t i) { return cs[i].heap_live_mb; });
  column("goal_mb", [&](size_t i) { return cs[i].goal_mb >= 0 ? Json(cs[i].goal_mb) : Json(nullptr); });
  column("procs", [&](size_t i) { return cs[i].procs; });
  column("forced", [&](size_t i) { return cs[i].forced; });
  r.extra["series"] = std::move(series);
  return r;
}

namespace {

std::string GcKeyText(const SequenceKey& k) {
  return std::isnan(k.at) ? fmt::format("gc {}", k.num) : fmt::format("gc {} @{:.3f}s", k.num, k.at);
}

}  // namespace

Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(GcTrace trace, ReadGcTrace(input, {.keep_cycles = options.json}));
  // Cycle numbers or times that go back: a restart (one log's runs), or several processes.
  if (trace.backward_cycles == 0) return AnalyzeGcTrace(trace, input.name(), options);
  auto split = SplitInterleaved(input.data(), GcSequenceKey);
  if (!split) return AnalyzeGcTrace(trace, input.name(), options);
  const std::string evidence =
      fmt::format("cycle numbers go back at line {}: {} after {}", split->back_line,
                  GcKeyText(split->back_key), GcKeyText(split->back_prev));
  if (!split->separable) {
    // One trace's rates, trends and shares over several processes would be wrong: none at all.
    return Status::Error(fmt::format(
        "{}:{}: the gctrace output of more than one process is interleaved ({}), and neither a "
        "prefix nor the cycle numbers tell their lines apart; give each process's output alone",
        input.name(), split->back_line, evidence));
  }
  return AnalyzeEachProcess(std::move(*split), input.name(), evidence,
                            [&](const Input& part) -> Result<Report> {
                              GODX_ASSIGN_OR_RETURN(GcTrace t,
                                                    ReadGcTrace(part, {.keep_cycles = options.json}));
                              return AnalyzeGcTrace(t, part.name(), options);
                            });
}

}  // namespace godx::gclog
