#include "trace/gc_report.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/plural.h"
#include "core/units.h"

namespace godx::trace {

namespace {

constexpr int64_t kMs = 1000000;
constexpr int64_t kLongStw = 10 * kMs;
// MMU findings need this much trace: fewer 10 ms windows say nothing about the program.
constexpr int64_t kMmuMinTrace = 1000 * kMs;

std::string Dur(int64_t ns) { return FormatDuration(static_cast<double>(ns) / 1e9); }
std::string At(int64_t ns, int64_t first) { return "+" + Dur(std::max<int64_t>(0, ns - first)); }

// Stops godx's own capture makes (tracing starts and stops with one) are not the program's.
bool CaptureStop(const std::string& kind) {
  return kind == "start trace" || kind == "stop trace";
}

struct PauseStats {
  std::vector<int64_t> ns;
  int64_t max_ns = 0, total_ns = 0;
  const StwPause* longest = nullptr;
  uint64_t over = 0;
};

// Downsamples a series to at most n points, keeping each slice's highest value.
Json Series(const std::vector<HeapSample>& v, int64_t first, size_t n) {
  Json out = Json::array();
  if (v.empty()) return out;
  const size_t step = (v.size() + n - 1) / n;
  for (size_t i = 0; i < v.size(); i += step) {
    size_t best = i;
    for (size_t j = i; j < std::min(v.size(), i + step); ++j) {
      if (v[j].bytes > v[best].bytes) best = j;
    }
    out.push_back(Json::array({v[best].time_ns - first, v[best].bytes}));
  }
  return out;
}

uint64_t Peak(const std::vector<HeapSample>& v) {
  uint64_t m = 0;
  for (const auto& s : v) m = std::max(m, s.bytes);
  return m;
}

}  // namespace

void AddGcView(Report& r, const GcResult& gc, const GcViewOptions& o) {
  const int64_t first = o.first_ns;
  // Cycles.
  std::vector<int64_t> cycle_ns;
  for (const GcCycle& c : gc.cycles) {
    if (c.end_ns >= 0 && !c.began_before_trace) cycle_ns.push_back(c.end_ns - c.start_ns);
  }
  Json cycles = Json::array();
  for (const GcCycle& c : gc.cycles) {
    cycles.push_back(Json{{"start_ns", c.start_ns - first},
                          {"duration_ns", c.end_ns >= 0 ? Json(c.end_ns - c.start_ns) : Json()},
                          {"began_before_trace", c.began_before_trace}});
  }
  if (!cycle_ns.empty()) {
    std::vector<int64_t> v = cycle_ns;
    int64_t total = 0;
    for (int64_t d : v) total += d;
    r.facts.push_back({"GC cycle length",
                       fmt::format("p50 {}, max {} over {} (GC running {} of the trace)",
                                   Dur(Quantile(v, 0.5)), Dur(*std::max_element(v.begin(),
                                                                                v.end())),
                                   Plural(v.size(), "complete cycle"),
                                   o.duration_ns > 0
                                       ? FormatPercent(static_cast<double>(total) /
                                                       static_cast<double>(o.duration_ns))
                                       : "?")});
  }
  // Pauses: GC stops and the others (ReadMemStats, GOMAXPROCS ...), which have other causes.
  PauseStats gcp, other;
  Json pauses = Json::array();
  for (const StwPause& p : gc.pauses) {
    pauses.push_back(Json{{"start_ns", p.start_ns - first}, {"kind", p.kind}, {"gc", p.gc},
                          {"duration_ns", p.duration_ns >= 0 ? Json(p.duration_ns) : Json()}});
    if (p.duration_ns < 0 || CaptureStop(p.kind)) continue;
    PauseStats& s = p.gc ? gcp : other;
    s.ns.push_back(p.duration_ns);
    s.total_ns += p.duration_ns;
    if (s.longest == nullptr || p.duration_ns > s.max_ns) {
      s.max_ns = p.duration_ns;
      s.longest = &p;
    }
    if (p.duration_ns > kLongStw) ++s.over;
  }
  if (!gc.pauses.empty()) {
    std::vector<const StwPause*> sorted;
    for (const StwPause& p : gc.pauses) sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(), [](const StwPause* a, const StwPause* b) {
      return a->duration_ns > b->duration_ns;
    });
    Table t{"Longest stop-the-world pauses", {"at", "kind", "duration"}, {true, false, true},
            {}, 0};
    constexpr size_t kTop = 5;
    for (size_t i = 0; i < sorted.size() && i < kTop; ++i) {
      t.rows.push_back({At(sorted[i]->start_ns, first), sorted[i]->kind,
                        sorted[i]->duration_ns >= 0 ? Dur(sorted[i]->duration_ns) : "no end"});
    }
    t.omitted_rows = sorted.size() > kTop ? sorted.size() - kTop : 0;
    r.tables.push_back(std::move(t));
  }
  // Heap.
  if (!gc.heap_live.empty()) {
    std::string heap = fmt::format("in use {} at the start, {} at the end, peak {}",
                                   FormatBytes(static_cast<double>(gc.heap_live.front().bytes)),
                                   FormatBytes(static_cast<double>(gc.heap_live.back().bytes)),
                                   FormatBytes(static_cast<double>(Peak(gc.heap_live))));
    if (!gc.heap_goal.empty()) {
      heap += fmt::format("; goal {} → {}",
                          FormatBytes(static_cast<double>(gc.heap_goal.front().bytes)),
                          FormatBytes(static_cast<double>(gc.heap_goal.back().bytes)));
    }
    r.facts.push_back({"Heap", heap});
  }
  // MMU.
  const MmuPoint mmu10 = Mmu(gc.util, 10 * kMs);
  const MmuPoint mmu10_bg = Mmu(gc.util_without_assist_sweep, 10 * kMs);
  const bool have_util = gc.util.size() >= 2;
  if (have_util) {
    r.facts.push_back({"MMU (10 ms)", fmt::format("{} (without assists and sweeping: {})",
                                                  FormatPercent(mmu10.mmu),
                                                  FormatPercent(mmu10_bg.mmu))});
  }
  Json curve = Json::array();
  if (o.mmu_curve && have_util) {
    Table t{"Minimum mutator utilisation", {"window", "MMU", "without assist/sweep", "worst at"},
            {true, true, true, true}, {}, 0};
    const int64_t span = gc.util.back().time_ns - gc.util.front().time_ns;
    for (int64_t w : MmuWindows(span)) {
      const MmuPoint a = Mmu(gc.util, w), b = Mmu(gc.util_without_assist_sweep, w);
      curve.push_back(Json{{"window_ns", w}, {"mmu", RoundDecimals(a.mmu, 4)},
                           {"mmu_without_assist_sweep", RoundDecimals(b.mmu, 4)},
                           {"worst_start_ns", a.worst_start_ns - first}});
      t.rows.push_back({Dur(w), FormatPercent(a.mmu), FormatPercent(b.mmu),
                        At(a.worst_start_ns, first)});
    }
    r.tables.push_back(std::move(t));
  }

  // Findings. GC pauses and other pauses are separate causes.
  auto pause_finding = [&](const PauseStats& s, bool is_gc) {
    if (s.over == 0) return;
    Finding f;
    f.id = is_gc ? "trace-gc-stw-long" : "trace-stw-long";
    f.severity = (s.max_ns >= 100 * kMs || s.over >= 5) ? Severity::kCritical
                                                        : Severity::kWarning;
    std::vector<int64_t> v = s.ns;
    f.title = fmt::format("{} stopped the world {}, {} over 10 ms (longest {})",
                          is_gc ? "GC" : "The runtime (not the GC)", Plural(v.size(), "time"),
                          FormatCount(s.over), Dur(s.max_ns));
    f.evidence.push_back(fmt::format("{} with an end in the {} trace: p50 {}, p99 {}, max {}, "
                                     "total {}", Plural(v.size(), "pause"), Dur(o.duration_ns),
                                     Dur(Quantile(v, 0.5)), Dur(Quantile(v, 0.99)),
                                     Dur(s.max_ns), Dur(s.total_ns)));
    f.evidence.push_back(fmt::format("longest: {} at {} for {}", s.longest->kind,
                                     At(s.longest->start_ns, first), Dur(s.max_ns)));
    if (is_gc && have_util && mmu10.worst_start_ns <= s.longest->start_ns + s.max_ns &&
        s.longest->start_ns < mmu10.worst_start_ns + 10 * kMs) {
      f.evidence.push_back(fmt::format("the worst 10 ms window for the mutator ({} of the CPU "
                                       "left to it) holds that pause",
                                       FormatPercent(mmu10.mmu)));
    }
    f.advice = is_gc
                   ? "Every goroutine must reach a safe point before the world stops: look for "
                     "CPU starvation (a CPU quota below GOMAXPROCS throttles the stop), tight "
                     "loops without function calls, or very many goroutines and large stacks."
                   : "These stops come from runtime calls such as runtime.ReadMemStats, "
                     "runtime.GOMAXPROCS or a goroutine profile: call them less often.";
    r.findings.push_back(std::move(f));
  };
  pause_finding(gcp, true);
  pause_finding(other, false);
  // A low MMU that the long GC pause above already explains is the same cause.
  const bool explained = gcp.over > 0 && gcp.longest != nullptr &&
                         gcp.longest->start_ns < mmu10.worst_start_ns + 10 * kMs &&
                         mmu10.worst_start_ns <= gcp.longest->start_ns + gcp.max_ns;
  if (have_util && mmu10.mmu < 0.5 && !explained && !gc.cycles.empty()) {
    if (o.duration_ns < kMmuMinTrace) {
      r.warnings.push_back(fmt::format("MMU at 10 ms windows is {}, but the trace is {} long: "
                                       "too short to judge (godx needs {})",
                                       FormatPercent(mmu10.mmu), Dur(o.duration_ns),
                                       Dur(kMmuMinTrace)));
    } else {
      const MmuPoint mmu100 = Mmu(gc.util, 100 * kMs);
      Finding f;
      f.id = "trace-gc-mmu-low";
      f.severity = mmu10.mmu < 0.2 && mmu100.mmu < 0.5 ? Severity::kCritical : Severity::kWarning;
      f.title = fmt::format("In its worst 10 ms the program kept only {} of its CPU from the GC",
                            FormatPercent(mmu10.mmu));
      f.evidence.push_back(fmt::format("minimum mutator utilisation over {} of trace with {} "
                                       "({} Ps): {} at 10 ms windows, {} at 100 ms",
                                       Dur(o.duration_ns), Plural(gc.cycles.size(), "GC cycle"),
                                       gc.gomaxprocs, FormatPercent(mmu10.mmu),
                                       FormatPercent(mmu100.mmu)));
      f.evidence.push_back(fmt::format("worst 10 ms window starts at {}",
                                       At(mmu10.worst_start_ns, first)));
      if (mmu10_bg.mmu - mmu10.mmu >= 0.2) {
        f.evidence.push_back(fmt::format("without mark assists and sweeping it would be {}: "
                                         "allocation-driven GC work ({} of goroutine time in "
                                         "assists) takes most of it",
                                         FormatPercent(mmu10_bg.mmu), Dur(gc.assist_ns)));
        f.advice = "Goroutines are made to help the GC because they allocate fast: allocate "
                   "less (reuse buffers, sync.Pool), or give the heap more room (GOGC, "
                   "GOMEMLIMIT).";
      } else {
        f.advice = "Background mark workers take the CPU: with few Ps the GC's 25% share is "
                   "felt; give the heap more room (GOGC, GOMEMLIMIT) to collect less often.";
      }
      r.findings.push_back(std::move(f));
    }
  }

  r.summary["gc"] = Json{
      {"cycles", cycles},
      {"stw_pauses", pauses},
      {"heap_live", Series(gc.heap_live, first, 200)},
      {"heap_goal", Series(gc.heap_goal, first, 200)},
      {"assist_ns", gc.assist_ns},
      {"gomaxprocs", gc.gomaxprocs},
      {"mmu_10ms", have_util ? Json(RoundDecimals(mmu10.mmu, 4)) : Json()},
      {"mmu_10ms_without_assist_sweep", have_util ? Json(RoundDecimals(mmu10_bg.mmu, 4)) : Json()},
  };
  if (o.mmu_curve) r.summary["mmu"] = curve;
}

void AddAnnotationView(Report& r, AnnotationResult& a) {
  auto latency_table = [&](const char* title, const char* what,
                           const std::map<std::string, LatencyStats>& m) {
    Json j = Json::object();
    if (m.empty()) return j;
    Table t{title, {what, "count", "p50", "p99", "max", "no end"},
            {false, true, true, true, true, true}, {}, 0};
    std::vector<std::pair<std::string, LatencyStats>> sorted(m.begin(), m.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) {
      return x.second.total_ns > y.second.total_ns;
    });
    constexpr size_t kTop = 15;
    for (size_t i = 0; i < sorted.size(); ++i) {
      const auto& [name, s] = sorted[i];
      j[name] = Json{{"count", s.count}, {"unended", s.unended}, {"p50_ns", s.p50_ns},
                     {"p99_ns", s.p99_ns}, {"max_ns", s.max_ns}, {"total_ns", s.total_ns}};
      if (i >= kTop) continue;
      t.rows.push_back({name.empty() ? "(unnamed)" : name, FormatCount(s.count),
                        s.count ? Dur(s.p50_ns) : "-", s.count ? Dur(s.p99_ns) : "-",
                        s.count ? Dur(s.max_ns) : "-", FormatCount(s.unended)});
    }
    t.omitted_rows = sorted.size() > kTop ? sorted.size() - kTop : 0;
    r.tables.push_back(std::move(t));
    return j;
  };
  Json tasks = latency_table("User tasks by type", "task", a.tasks);
  Json regions = latency_table("User regions by type", "region", a.regions);
  Json logs = Json::object();
  if (!a.logs.empty()) {
    Table t{"User logs by category", {"category", "logs", "first message"}, {false, true, false},
            {}, 0};
    for (const auto& [cat, c] : a.logs) {
      logs[cat] = Json{{"count", c.count}, {"example", c.example}};
      if (t.rows.size() < 15) {
        t.rows.push_back({cat.empty() ? "(none)" : cat, FormatCount(c.count), c.example});
      }
    }
    t.omitted_rows = a.logs.size() > 15 ? a.logs.size() - 15 : 0;
    r.tables.push_back(std::move(t));
  }
  r.summary["annotations"] = Json{{"tasks", tasks}, {"regions", regions}, {"logs", logs}};
}

void AddUtilisationView(Report& r, const UtilisationResult& u, int64_t first_ns) {
  if (u.buckets() == 0) return;
  const size_t nps = u.busy.size();
  const auto procs = static_cast<double>(std::max<uint64_t>(u.gomaxprocs, nps));
  Table t{fmt::format("P utilisation over time ({} buckets)", Dur(u.bucket_ns)),
          {"from", "busy Ps", "idle Ps", "per P"}, {true, true, true, false}, {}, 0};
  Json per_p = Json::array(), idle = Json::array();
  for (size_t p = 0; p < nps; ++p) {
    Json row = Json::array();
    for (size_t i = 0; i < u.buckets(); ++i) {
      row.push_back(RoundDecimals(std::min(1.0, static_cast<double>(u.busy[p][i]) /
                                                    static_cast<double>(u.bucket_ns)), 3));
    }
    per_p.push_back(row);
  }
  for (size_t i = 0; i < u.buckets(); ++i) {
    double busy = 0;
    std::string each;
    for (size_t p = 0; p < nps; ++p) {
      const double f = std::min(1.0, static_cast<double>(u.busy[p][i]) /
                                         static_cast<double>(u.bucket_ns));
      busy += f;
      if (p < 8) each += fmt::format("{}{:.0f}", p ? " " : "", f * 100);
    }
    if (nps > 8) each += " …";
    idle.push_back(RoundDecimals(procs - busy, 2));
    t.rows.push_back({At(u.start_ns + static_cast<int64_t>(i) * u.bucket_ns, first_ns),
                      fmt::format("{:.1f}", busy), fmt::format("{:.1f}", procs - busy), each});
  }
  r.tables.push_back(std::move(t));
  int64_t total = 0;
  for (int64_t v : u.total_busy_ns) total += v;
  const double share = u.span_ns > 0 ? static_cast<double>(total) /
                                           (static_cast<double>(u.span_ns) * procs)
                                     : 0;
  r.facts.push_back({"P utilisation", fmt::format("{} of {} Ps' time running goroutines",
                                                  FormatPercent(share),
                                                  static_cast<uint64_t>(procs))});
  r.summary["utilisation"] = Json{{"start_ns", u.start_ns - first_ns},
                                  {"bucket_ns", u.bucket_ns},
                                  {"gomaxprocs", static_cast<uint64_t>(procs)},
                                  {"share", RoundDecimals(share, 4)},
                                  {"per_p", per_p},
                                  {"idle_ps", idle}};
}

}  // namespace godx::trace
