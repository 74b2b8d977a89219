#include "trace/goroutine_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/plural.h"
#include "core/units.h"

namespace godx::trace {

namespace {

constexpr int64_t kMs = 1000000;
constexpr size_t kTopGroups = 10, kWorstGroups = 5;

std::string Dur(int64_t ns) { return FormatDuration(static_cast<double>(ns) / 1e9); }
std::string At(int64_t ns, int64_t first) { return "+" + Dur(std::max<int64_t>(0, ns - first)); }
std::string Name(const std::string& n) { return n.empty() ? "(unnamed)" : n; }

Json GoroutineJson(const GoroutineSummary& g) {
  Json blocks = Json::object();
  for (const auto& [reason, ns] : g.block_ns) blocks[reason.empty() ? "(none)" : reason] = ns;
  Json ranges = Json::object();
  for (const auto& [name, ns] : g.range_ns) ranges[name] = ns;
  return Json{{"id", g.id},
              {"exec_ns", g.exec_ns},
              {"sched_wait_ns", g.sched_wait_ns},
              {"sync_block_ns", g.SyncBlockNs()},
              {"network_block_ns", g.NetworkBlockNs()},
              {"syscall_ns", g.syscall_ns},
              {"syscall_block_ns", g.syscall_block_ns},
              {"total_ns", g.total_ns},
              {"block_ns_by_reason", blocks},
              {"range_ns", ranges}};
}

void AddSchedFinding(Report& r, const SchedLatency& s, const GoroutineAnalysis& a, int64_t first) {
  if (s.waits == 0 || s.p99_ns < kMs) return;
  Finding f;
  f.id = "trace-sched-latency";
  // Severity follows the evidence as well as the latency: a p99 of a few dozen waits is nearly
  // their maximum, so CRITICAL needs a thousand waits and WARNING twenty.
  f.severity = s.p99_ns >= 50 * kMs && s.waits >= 1000 ? Severity::kCritical
               : s.p99_ns >= 10 * kMs && s.waits >= 20 ? Severity::kWarning
                                                       : Severity::kInfo;
  // Whether Ps sat idle while goroutines waited decides the cause: a scheduler that did not use
  // its Ps, or more runnable work than Ps.
  const bool idle = s.idle_while_runnable_ns > 0 &&
                    s.idle_while_runnable_ns * 10 >= std::max<int64_t>(s.span_ns, 1);
  if (idle) {
    f.title = fmt::format("p99 scheduler latency {}: runnable goroutines waited while {:.0f} of {} "
                          "Ps were idle", Dur(s.p99_ns), std::max(1.0, s.mean_idle_ps), s.ps);
    f.advice = "Ps were free while goroutines waited to run: look for long non-preemptible loops "
               "or locked OS threads (runtime.LockOSThread) holding work back, and for wakeup "
               "latency on an oversubscribed machine (more busy threads than cores).";
  } else {
    const uint64_t procs = s.gomaxprocs_at_max != 0 ? s.gomaxprocs_at_max : s.ps;
    f.title = fmt::format("p99 scheduler latency {}: more runnable goroutines than {} (every P "
                          "busy)", Dur(s.p99_ns), Plural(procs, "P"));
    f.advice = "Every P was busy while goroutines waited: the program has more runnable work "
               "than GOMAXPROCS; raise GOMAXPROCS if cores are free, or cut the CPU work (see "
               "`godx trace --pprof=sched` for who made the waiting goroutines runnable).";
  }
  f.evidence.push_back(fmt::format("runnable → running waits: p50 {}, p90 {}, p99 {}, max {} "
                                   "over {}", Dur(s.p50_ns), Dur(s.p90_ns), Dur(s.p99_ns),
                                   Dur(s.max_ns), Plural(s.waits, "wait")));
  std::string who;
  for (const GoroutineGroup& g : a.groups) {
    for (const GoroutineSummary& w : g.worst) {
      if (w.id == s.max_goroutine) who = Name(g.name);
    }
  }
  f.evidence.push_back(fmt::format("longest: goroutine {}{} waited {}, until {}{}",
                                   s.max_goroutine, who.empty() ? "" : " (" + who + ")",
                                   Dur(s.max_ns), At(s.max_at_ns, first),
                                   s.gomaxprocs_at_max != 0
                                       ? fmt::format(", with GOMAXPROCS {}", s.gomaxprocs_at_max)
                                       : std::string()));
  if (s.idle_while_runnable_ns > 0) {
    f.evidence.push_back(fmt::format(
        "goroutines were runnable while Ps sat idle for {} ({} of the trace) in {} of at least "
        "{}; {:.1f} Ps idle on average, at most {}", Dur(s.idle_while_runnable_ns),
        FormatPercent(static_cast<double>(s.idle_while_runnable_ns) /
                      static_cast<double>(std::max<int64_t>(s.span_ns, 1))),
        Plural(s.idle_stretches, "stretch", "stretches"), Dur(kIdleWhileRunnableMinNs),
        s.mean_idle_ps, s.max_idle_ps));
  }
  r.findings.push_back(std::move(f));
}

void AddSyscallFinding(Report& r, const GoroutineAnalysis& a, const SchedLatency& s) {
  if (a.syscalls.empty() || s.ps == 0 || s.span_ns <= 0) return;
  int64_t held = 0;
  for (const SyscallHold& h : a.syscalls) held += h.held_ns;
  const double capacity = static_cast<double>(s.span_ns) * static_cast<double>(s.ps);
  const double share = static_cast<double>(held) / capacity;
  if (share < 0.10) return;
  const SyscallHold& top = a.syscalls.front();
  Finding f;
  f.id = "trace-syscalls-hold-ps";
  f.severity = share >= 0.30 ? Severity::kCritical : Severity::kWarning;
  f.title = fmt::format("syscalls in {} blocked Ps for {} of the time",
                        top.function,
                        FormatPercent(static_cast<double>(top.held_ns) / capacity));
  f.evidence.push_back(fmt::format("syscalls held their P for {} in all: {} of {} × {}",
                                   Dur(held), FormatPercent(share), Plural(s.ps, "P"),
                                   Dur(s.span_ns)));
  for (size_t i = 0; i < std::min<size_t>(3, a.syscalls.size()); ++i) {
    const SyscallHold& h = a.syscalls[i];
    if (h.held_ns == 0) break;
    f.evidence.push_back(fmt::format("{}: {} held over {}", h.function, Dur(h.held_ns),
                                     Plural(h.count, "syscall")));
  }
  f.advice = "A goroutine in a syscall keeps its P until sysmon takes it back (after about "
             "20 µs): many short blocking syscalls leave Ps unable to run Go code. Batch the "
             "calls, buffer I/O, or move them to fewer goroutines.";
  r.findings.push_back(std::move(f));
}

void AddCutFinding(Report& r, const GoroutineAnalysis& a, const TraceInfo& info, int64_t first) {
  if (info.cut.empty() || a.running_at_end.empty()) return;
  Finding f;
  f.id = "trace-ended-while-running";
  f.severity = Severity::kWarning;
  const auto& last = a.running_at_end.front();
  f.title = fmt::format("the trace stops at {} with {} still running: the program died there (a "
                        "panic, os.Exit or a kill) or the capture was cut", At(a.end_ns, first),
                        Plural(a.running_at_end.size(), "goroutine"));
  for (size_t i = 0; i < std::min<size_t>(5, a.running_at_end.size()); ++i) {
    const auto& g = a.running_at_end[i];
    f.evidence.push_back(fmt::format("goroutine {} ({}) was running; its last event {} at {}",
                                     g.id, Name(g.name), g.last_event, At(g.last_ns, first)));
  }
  f.evidence.push_back("cut: " + info.cut);
  f.advice = fmt::format("If the program panicked, its panic message names the goroutine; the "
                         "last one to run here was goroutine {} ({}). Stop the trace before "
                         "exiting (defer trace.Stop()) to keep the end.", last.id,
                         Name(last.name));
  r.findings.push_back(std::move(f));
}

}  // namespace

void AddGoroutineView(Report& r, const GoroutineAnalysis& a, const SchedLatency& s,
                      const TraceInfo& info, int64_t first_ns) {
  if (a.goroutines == 0) return;
  if (s.waits > 0) {
    r.facts.push_back({"Scheduler latency",
                       fmt::format("p50 {}, p99 {}, max {} over {}", Dur(s.p50_ns),
                                   Dur(s.p99_ns), Dur(s.max_ns), Plural(s.waits, "wait"))});
  }
  Table t{"Goroutines by start function (as go tool trace's goroutine analysis)",
          {"start function", "count", "execution", "sched wait", "sync block", "network",
           "syscall", "syscall block", "GC assist", "sweep"},
          {false, true, true, true, true, true, true, true, true, true}, {}, 0};
  Json groups = Json::array();
  for (size_t i = 0; i < a.groups.size(); ++i) {
    const GoroutineGroup& g = a.groups[i];
    Json worst = Json::array();
    for (const GoroutineSummary& w : g.worst) worst.push_back(GoroutineJson(w));
    groups.push_back(Json{{"name", g.name},
                          {"count", g.count},
                          {"exec_ns", g.exec_ns},
                          {"sched_wait_ns", g.sched_wait_ns},
                          {"sync_block_ns", g.sync_block_ns},
                          {"network_block_ns", g.network_block_ns},
                          {"other_block_ns", g.other_block_ns},
                          {"syscall_ns", g.syscall_ns},
                          {"syscall_block_ns", g.syscall_block_ns},
                          {"gc_assist_ns", g.gc_assist_ns},
                          {"sweep_ns", g.sweep_ns},
                          {"total_ns", g.total_ns},
                          {"worst", worst}});
    if (i < kTopGroups) {
      t.rows.push_back({Name(g.name), FormatCount(g.count), Dur(g.exec_ns), Dur(g.sched_wait_ns),
                        Dur(g.sync_block_ns), Dur(g.network_block_ns), Dur(g.syscall_ns),
                        Dur(g.syscall_block_ns), Dur(g.gc_assist_ns), Dur(g.sweep_ns)});
    }
  }
  t.omitted_rows = a.groups.size() > kTopGroups ? a.groups.size() - kTopGroups : 0;
  r.tables.push_back(std::move(t));
  Table w{"Longest-waiting goroutines of the busiest groups",
          {"start function", "goroutine", "waiting", "sched wait", "sync block", "network",
           "syscall block", "execution"},
          {false, true, true, true, true, true, true, true}, {}, 0};
  for (size_t i = 0; i < std::min(kWorstGroups, a.groups.size()); ++i) {
    for (const GoroutineSummary& g : a.groups[i].worst) {
      if (g.WaitNs() == 0) continue;
      w.rows.push_back({Name(a.groups[i].name), fmt::format("{}", g.id), Dur(g.WaitNs()),
                        Dur(g.sched_wait_ns), Dur(g.SyncBlockNs()), Dur(g.NetworkBlockNs()),
                        Dur(g.syscall_block_ns), Dur(g.exec_ns)});
    }
  }
  if (!w.rows.empty()) r.tables.push_back(std::move(w));
  Json syscalls = Json::array();
  for (const SyscallHold& h : a.syscalls) {
    syscalls.push_back(Json{{"function", h.function}, {"count", h.count}, {"held_ns", h.held_ns}});
  }
  r.summary["goroutines"] = Json{{"count", a.goroutines}, {"groups", groups}};
  r.summary["sched_latency"] = Json{{"waits", s.waits},
                                    {"total_ns", s.total_ns},
                                    {"p50_ns", s.p50_ns},
                                    {"p90_ns", s.p90_ns},
                                    {"p99_ns", s.p99_ns},
                                    {"max_ns", s.max_ns},
                                    {"max_goroutine", s.max_goroutine},
                                    {"ps", s.ps},
                                    {"idle_while_runnable_ns", s.idle_while_runnable_ns},
                                    {"idle_stretches", s.idle_stretches},
                                    {"mean_idle_ps", s.mean_idle_ps},
                                    {"max_idle_ps", s.max_idle_ps}};
  r.summary["syscalls"] = syscalls;
  AddSchedFinding(r, s, a, first_ns);
  AddSyscallFinding(r, a, s);
  AddCutFinding(r, a, info, first_ns);
}

}  // namespace godx::trace
