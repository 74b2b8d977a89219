#include "schedlog/analyze.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/plural.h"
#include "core/stats.h"
#include "core/units.h"
#include "core/wait_reason.h"
#include "schedlog/reader.h"
#include "schedlog/release.h"

namespace godx::schedlog {

namespace {

// Thresholds (docs/formats/schedtrace.md).
constexpr size_t kMinSamples = 3;
constexpr double kSaturatedShare = 0.5;    // samples with no idle P and a backlog ≥ GOMAXPROCS
constexpr double kIdleWithWorkShare = 0.2; // samples with idle Ps while the global queue holds...
constexpr int32_t kIdleWithWorkQueue = 4;  // ...at least this many goroutines (1 or 2 is a wake-up
                                           // caught in flight, not a problem)
constexpr int32_t kThreadGrowthMin = 20;   // threads added over the trace
constexpr double kThreadGrowthR2 = 0.7;
constexpr int32_t kManyThreadsFactor = 10; // threads ≥ 10 × GOMAXPROCS + 20
constexpr int64_t kImbalanceMin = 8;       // max − min local queue
constexpr double kImbalanceShare = 0.25;
constexpr uint32_t kPileupMin = 100;       // goroutines in one wait class...
constexpr double kPileupShare = 0.5;       // ...or this share of at least 20 goroutines
constexpr uint32_t kLockedMin = 10;
constexpr uint32_t kSyscallThreadsMin = 10;  // threads held by goroutines in system calls...
constexpr double kSyscallThreadsShare = 0.5; // ...that are most of the process's threads
constexpr double kSpinningShare = 0.25;    // mean spinning Ms ≥ this share of GOMAXPROCS (and ≥ 1)
constexpr double kStuckMs = 1000;          // a busy P whose schedtick stood still this long

// A P that stayed busy without its schedtick moving: one goroutine ran the whole time.
struct StuckRun {
  size_t p = 0, from = 0, to = 0;  // samples
  int64_t tick = 0, curg = -1;
  double ms = 0;
};

// Per-P ticks of a sample and whether each P was busy: from scheddetail P lines (status 1 =
// running) or Go 1.25's schedticks list (busy when no P was idle).
bool TicksOf(const SchedTrace& t, const SchedSample& s, std::vector<int64_t>* ticks,
             std::vector<bool>* busy, std::vector<int64_t>* curg) {
  ticks->clear();
  busy->clear();
  curg->clear();
  if (s.detail && s.detail_index >= 0) {
    for (const PState& p : t.details[size_t(s.detail_index)].p) {
      ticks->push_back(p.schedtick);
      busy->push_back(p.status == 1);
      curg->push_back(p.curg);
    }
  } else {
    for (uint32_t i = 0; i < s.ticks_count; ++i) {
      ticks->push_back(t.schedticks[s.ticks_begin + i]);
      busy->push_back(s.idleprocs == 0);
      curg->push_back(-1);
    }
  }
  return !ticks->empty();
}

// The longest stuck run of each P that lasted at least kStuckMs.
std::vector<StuckRun> FindStuckPs(const SchedTrace& t, const std::vector<double>& when) {
  std::vector<StuckRun> longest;
  std::vector<StuckRun> open;  // per P; `to` == 0 when not in a run
  std::vector<int64_t> prev_ticks, ticks, prev_curg, curg;
  std::vector<bool> prev_busy, busy;
  bool have_prev = false;
  auto close = [&](StuckRun& run) {
    if (run.to > run.from) {
      run.ms = when[run.to] - when[run.from];
      if (run.ms >= kStuckMs) {
        if (longest.size() <= run.p) longest.resize(run.p + 1);
        if (run.ms > longest[run.p].ms) longest[run.p] = run;
      }
    }
    run = StuckRun{};
  };
  for (size_t i = 0; i < t.samples.size(); ++i) {
    bool has = TicksOf(t, t.samples[i], &ticks, &busy, &curg);
    if (!has || !have_prev || ticks.size() != prev_ticks.size()) {
      for (auto& run : open) close(run);
    } else {
      open.resize(ticks.size());
      for (size_t p = 0; p < ticks.size(); ++p) {
        bool same = ticks[p] >= 0 && ticks[p] == prev_ticks[p] && busy[p] && prev_busy[p] &&
                    (curg[p] < 0 || prev_curg[p] < 0 || curg[p] == prev_curg[p]);
        if (!same) {
          close(open[p]);
          continue;
        }
        if (open[p].to == 0 && open[p].from == 0) {
          open[p] = StuckRun{p, i - 1, i, ticks[p], curg[p], 0};
        } else {
          open[p].to = i;
          if (curg[p] >= 0) open[p].curg = curg[p];
        }
      }
    }
    have_prev = has;
    prev_ticks = ticks;
    prev_busy = busy;
    prev_curg = curg;
  }
  for (auto& run : open) close(run);
  std::vector<StuckRun> out;
  for (const auto& run : longest) {
    if (run.ms >= kStuckMs) out.push_back(run);
  }
  return out;
}

// gomaxprocs= through the trace: "2 → 1 at 1.30 s (line 42) → 2 at 2.70 s (line 95)", times on
// the SCHED clock (since the first schedtrace line).
std::string ProcsHistory(const SchedTrace& t) {
  constexpr size_t kShown = 6;
  const auto& ss = t.samples;
  std::string out = std::to_string(ss.front().gomaxprocs);
  for (size_t i = 0; i < t.procs_changes.size() && i < kShown; ++i) {
    const SchedSample& at = ss[t.procs_changes[i].sample];
    out += fmt::format(" → {} at {} (line {})", at.gomaxprocs,
                       FormatDuration(double(at.t_ms) / 1000), at.line);
  }
  if (t.procs_changes.size() > kShown) {
    out += fmt::format(" … ({} more changes, last to {})", t.procs_changes.size() - kShown,
                       ss.back().gomaxprocs);
  }
  return out;
}

}  // namespace

Report AnalyzeSchedTrace(const SchedTrace& t, const std::string& source,
                         const AnalyzeOptions& options) {
  Report r;
  r.kind = "sched";
  r.source = source;
  const auto& ss = t.samples;
  const size_t n = ss.size();

  // Timeline made continuous across restarts (the ms clock starts again at 0).
  std::vector<double> when;
  when.reserve(n);
  double offset = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && ss[i].t_ms < ss[i - 1].t_ms) offset = when.back() + 1;
    when.push_back(offset + double(ss[i].t_ms));
  }
  const double span_s = (when.back() - when.front()) / 1000;

  int32_t min_p = INT32_MAX, max_p = 0, max_threads = 0, max_runq = 0;
  size_t saturated = 0, idle_with_work = 0, imbalanced = 0, with_local = 0;
  double sum_runq = 0, sum_local = 0, sum_spin = 0, sum_idle = 0, sum_p = 0;
  int64_t max_local_total = 0;
  std::vector<double> threads;
  threads.reserve(n);
  for (const auto& s : ss) {
    min_p = std::min(min_p, s.gomaxprocs);
    max_p = std::max(max_p, s.gomaxprocs);
    max_threads = std::max(max_threads, s.threads);
    max_runq = std::max(max_runq, s.runqueue);
    sum_runq += s.runqueue;
    sum_local += double(s.local_sum);
    sum_spin += s.spinningthreads;
    sum_idle += s.idleprocs;
    sum_p += s.gomaxprocs;
    max_local_total = std::max(max_local_total, s.local_sum);
    threads.push_back(s.threads);
    int64_t queued = s.runqueue + s.local_sum;
    if (s.idleprocs == 0 && queued >= std::max(1, s.gomaxprocs)) ++saturated;
    if (s.idleprocs > 0 && s.runqueue >= kIdleWithWorkQueue) ++idle_with_work;
    if (s.local_count > 1) {
      ++with_local;
      if (s.local_max - s.local_min >= kImbalanceMin) ++imbalanced;
    }
  }
  const double dn = double(n);
  LinearFit tfit = FitLine(when, threads);

  r.title = fmt::format("Scheduler trace: {} over {}{}", Plural(n, "sample"),
                        FormatDuration(span_s), t.details.empty() ? "" : " (with scheddetail)");
  const GoRelease release = SchedTraceRelease(t);
  SetGoRelease(r, release);
  // Per-P figures use each sample's own gomaxprocs: since Go 1.25 the runtime changes it when the
  // CPUs it may use change, and any program can call runtime.GOMAXPROCS.
  const size_t p_changes = t.procs_changes.size();
  const double mean_p = sum_p / double(n);
  const std::string procs_text = min_p == max_p
                                     ? std::to_string(max_p)
                                     : fmt::format("{}–{} (each sample's own)", min_p, max_p);
  r.facts.push_back({"GOMAXPROCS", p_changes == 0 ? std::to_string(max_p)
                                                  : fmt::format("{} ({} changes)", ProcsHistory(t),
                                                                p_changes)});
  r.facts.push_back({"Threads", fmt::format("{} → {} (max {}){}", ss.front().threads,
                                            ss.back().threads, max_threads,
                                            span_s > 0 ? fmt::format(", trend {}",
                                                                     FormatRate(tfit.slope * 1000, "threads"))
                                                       : "")});
  r.facts.push_back({"Global run queue", fmt::format("mean {:.1f} · max {}", sum_runq / dn, max_runq)});
  if (with_local > 0) {
    r.facts.push_back({"Local run queues", fmt::format("mean total {:.1f} · max total {}",
                                                       sum_local / dn, max_local_total)});
  }
  r.facts.push_back(
      {"Idle Ps", min_p == max_p
                      ? fmt::format("mean {:.1f} of {}", sum_idle / dn, max_p)
                      : fmt::format("mean {:.1f} of a mean {:.1f} ({} of P time idle)", sum_idle / dn,
                                    mean_p, FormatPercent(sum_p > 0 ? sum_idle / sum_p : 0))});
  r.facts.push_back({"Spinning threads", fmt::format("mean {:.2f}", sum_spin / dn)});
  r.facts.push_back({"Saturated samples",
                     fmt::format("{} of {} (no idle P and at least GOMAXPROCS goroutines queued)",
                                 FormatCount(saturated), FormatCount(n))});

  if (n >= kMinSamples && double(saturated) >= kSaturatedShare * dn) {
    r.findings.push_back(Finding{
        "sched-cpu-saturated", double(saturated) >= 0.9 * dn ? Severity::kCritical : Severity::kWarning,
        fmt::format("CPU saturated: every P busy with runnable goroutines queued in {} of samples",
                    FormatPercent(double(saturated) / dn)),
        {fmt::format("mean queued: {:.1f} global + {:.1f} local at GOMAXPROCS {}", sum_runq / dn,
                     sum_local / dn, procs_text),
         fmt::format("max global run queue {} (line {})", max_runq,
                     std::max_element(ss.begin(), ss.end(), [](auto& a, auto& b) {
                       return a.runqueue < b.runqueue;
                     })->line)},
        "Goroutines wait for a CPU: scheduling latency grows with the queue. Profile CPU (godx "
        "pprof on /debug/pprof/profile) to cut work, or give the program more CPUs; check that "
        "GOMAXPROCS matches the container's CPU limit."});
  }
  if (n >= kMinSamples && idle_with_work >= kMinSamples &&
      double(idle_with_work) >= kIdleWithWorkShare * dn) {
    r.findings.push_back(Finding{
        "sched-idle-with-work", Severity::kWarning,
        fmt::format("Ps sat idle while goroutines waited in the global queue in {} samples",
                    FormatCount(idle_with_work)),
        {fmt::format("{} of {} samples had idleprocs > 0 and runqueue ≥ {}",
                     FormatCount(idle_with_work), FormatCount(n), kIdleWithWorkQueue)},
        "Work is not reaching idle Ps quickly: often goroutines locked to threads "
        "(runtime.LockOSThread), long syscalls or cgo calls holding Ms, or CPU throttling of the "
        "container. Compare with scheddetail=1 output."});
  }
  // What holds the threads, from the last scheddetail sample: goroutines in system calls, each
  // on the M its G line names.
  std::string syscall_hold;
  const DetailSnapshot* last_detail = t.details.empty() ? nullptr : &t.details.back();
  if (last_detail != nullptr && last_detail->syscall_threads > 0) {
    const DetailSnapshot& d = *last_detail;
    syscall_hold = fmt::format(
        "{} in system calls hold {} of {} OS threads (scheddetail sample at line {}: G lines with "
        "status=3 and an M)",
        Plural(d.by_status[3], "goroutine"), d.syscall_threads, ss[d.sample].threads,
        ss[d.sample].line);
  }
  int32_t growth = ss.back().threads - ss.front().threads;
  // Trailing samples at the last thread count: threads that grew and then held (Go keeps idle
  // threads after a burst of blocking calls) are not a leak in progress.
  size_t held = 1;
  while (held < n && ss[n - 1 - held].threads == ss.back().threads) ++held;
  const bool plateau = held >= 3 && held * 4 >= n;
  if (n >= kMinSamples && growth >= kThreadGrowthMin && plateau) {
    const SchedSample& reached = ss[n - held];  // the first sample at the final count
    double grew_s = double(reached.t_ms - ss.front().t_ms) / 1000;
    double held_s = double(ss.back().t_ms - reached.t_ms) / 1000;
    r.findings.push_back(Finding{
        "sched-thread-growth", max_threads >= 1000 ? Severity::kWarning : Severity::kInfo,
        fmt::format("OS threads grew from {} to {} in {} ({}), then held at {} for the last {} "
                    "({} of {} samples)",
                    ss.front().threads, reached.threads, FormatDuration(grew_s),
                    FormatRate(grew_s > 0 ? growth / grew_s : 0, "threads"), reached.threads,
                    FormatDuration(held_s), FormatCount(held), FormatCount(n)),
        {fmt::format("no new thread since line {}; idle threads at the end: {}", reached.line,
                     ss.back().idlethreads),
         "Go creates a thread whenever every M is blocked in a syscall or cgo call, or locked to a "
         "goroutine, and keeps it afterwards"},
        "A burst of blocking syscalls or cgo calls (or locked goroutines) needed these threads and "
        "Go kept them: harmless unless it repeats. A leak would keep growing; watch the count "
        "('godx watch') and take a goroutine dump if it moves again."});
  } else if (n >= kMinSamples && growth >= kThreadGrowthMin && tfit.slope > 0 &&
             tfit.r2 >= kThreadGrowthR2) {
    r.findings.push_back(Finding{
        "sched-thread-growth", max_threads >= 1000 ? Severity::kCritical : Severity::kWarning,
        fmt::format("OS threads keep growing: {} → {} ({})", ss.front().threads, ss.back().threads,
                    FormatRate(tfit.slope * 1000, "threads")),
        {fmt::format("straight-line fit r² {:.2f} over {} samples; idle threads at the end: {}",
                     tfit.r2, FormatCount(n), ss.back().idlethreads),
         "Go creates a thread whenever every M is blocked in a syscall or cgo call, or locked to a "
         "goroutine"},
        "Threads are leaking in blocking syscalls, cgo calls, or goroutines that call "
        "runtime.LockOSThread and never exit. A goroutine dump (godx stacks) shows where they "
        "block; Go exits with 'thread exhaustion' at 10,000 threads by default."});
  } else if (max_threads >= kManyThreadsFactor * std::max(1, max_p) + 20) {
    r.findings.push_back(Finding{
        "sched-many-threads", Severity::kInfo,
        fmt::format("{} OS threads for GOMAXPROCS {}", max_threads, max_p),
        {"many threads are parked or blocked in syscalls/cgo"},
        "Usually harmless, but each thread costs memory; look for blocking syscalls or cgo."});
  }
  const bool syscalls_hold_most =
      last_detail != nullptr && last_detail->syscall_threads >= kSyscallThreadsMin &&
      double(last_detail->syscall_threads) >=
          kSyscallThreadsShare * double(ss[last_detail->sample].threads);
  if (!syscall_hold.empty()) {
    for (Finding& f : r.findings) {
      if (f.id != "sched-thread-growth" && f.id != "sched-many-threads") continue;
      f.evidence.push_back(syscall_hold);
      // Not threads a burst left idle: calls that have not returned still hold them.
      if (syscalls_hold_most) {
        f.advice = "The threads are not idle: goroutines blocked in system calls still hold them "
                   "(sched-syscall-threads), and each new blocking call adds one.";
      }
    }
  }
  if (syscalls_hold_most) {
    const DetailSnapshot& d = *last_detail;
    const int32_t threads_then = ss[d.sample].threads;
    r.findings.push_back(Finding{
        "sched-syscall-threads",
        d.syscall_threads >= uint32_t(kThreadGrowthMin) ? Severity::kWarning : Severity::kInfo,
        fmt::format("{} in blocking system calls hold {} of {} OS threads",
                    Plural(d.by_status[3], "goroutine"), d.syscall_threads, threads_then),
        {syscall_hold,
         fmt::format("OS threads {} → {} over the trace at GOMAXPROCS {}", ss.front().threads,
                     ss.back().threads, procs_text),
         "a goroutine in a system call keeps its thread until the call returns; the runtime starts "
         "another thread for the Ps it leaves behind"},
        "Reads and writes on files, pipes or devices the runtime cannot poll (raw syscall.Read, "
        "regular files, blocking ioctl) each hold a thread while they wait. Use I/O the network "
        "poller handles (net, os.File on pipes and sockets), bound the blocking calls with a "
        "semaphore, or give them timeouts; a goroutine dump (godx stacks) shows which calls."});
  }
  const double spin_mean = sum_spin / dn;
  if (n >= kMinSamples && spin_mean >= std::max(1.0, kSpinningShare * mean_p)) {
    r.findings.push_back(Finding{
        "sched-spinning", Severity::kInfo,
        fmt::format("{:.1f} threads on average spin looking for work", spin_mean),
        {fmt::format("mean spinningthreads {:.2f} at GOMAXPROCS {} over {} samples", spin_mean,
                     procs_text, FormatCount(n))},
        "Spinning Ms burn CPU while goroutines are woken in short bursts (many tiny tasks, "
        "timers, channel ping-pong). Batching work or fewer, longer-lived goroutines reduces it."});
  }
  std::vector<StuckRun> stuck = FindStuckPs(t, when);
  for (const StuckRun& run : stuck) {
    const SchedSample& a = ss[run.from];
    const SchedSample& b = ss[run.to];
    r.findings.push_back(Finding{
        "sched-p-stuck", Severity::kWarning,
        fmt::format("P{} ran {} for {} without a scheduling point", run.p,
                    run.curg >= 0 ? fmt::format("goroutine {}", run.curg) : "one goroutine",
                    FormatDuration(run.ms / 1000)),
        {fmt::format("schedtick {} unchanged from line {} ({} ms) to line {} ({} ms) while the P "
                     "stayed busy",
                     run.tick, a.line, a.t_ms, b.line, b.t_ms)},
        "A goroutine that never yields: a loop without function calls on Go before 1.14 (or with "
        "GODEBUG=asyncpreemptoff=1), a long cgo call, or a non-preemptible runtime section. It "
        "starves the other goroutines on that P and holds up every stop-the-world (GC pauses "
        "grow). A CPU profile or a goroutine dump shows the function."});
  }
  if (with_local >= kMinSamples && double(imbalanced) >= kImbalanceShare * double(with_local)) {
    r.findings.push_back(Finding{
        "sched-imbalance", Severity::kInfo,
        fmt::format("Local run queues were uneven in {} of samples", FormatPercent(double(imbalanced) / double(with_local))),
        {fmt::format("max − min local queue ≥ {} in {} samples", kImbalanceMin, imbalanced)},
        "Work stealing evens this out over time; a persistent imbalance points at goroutines "
        "spawned in bursts from one P."});
  }

  // scheddetail: the latest snapshot and the biggest pile-up.
  Json detail = nullptr;
  if (!t.details.empty()) {
    const DetailSnapshot& d = t.details.back();
    std::map<std::string, uint32_t> by_class;
    Json reasons = Json::object();
    std::vector<std::pair<std::string_view, uint32_t>> sorted;
    for (auto [id, count] : d.by_wait_reason) sorted.emplace_back(t.wait_reasons.Get(id), count);
    std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.second > b.second; });
    for (auto& [reason, count] : sorted) {
      reasons[std::string(reason)] = count;
      by_class[std::string(WaitClassName(ClassifyWaitReason(reason)))] += count;
    }
    Json statuses = Json::object();
    std::string status_text;
    for (int i = 0; i <= kGStatusCount; ++i) {
      if (d.by_status[i] == 0) continue;
      statuses[GStatusName(i)] = d.by_status[i];
      status_text += fmt::format("{}{} {}", status_text.empty() ? "" : " · ", GStatusName(i),
                                 FormatCount(d.by_status[i]));
    }
    r.facts.push_back({"Goroutines (last detail)",
                       fmt::format("{} at line {}: {}", FormatCount(d.goroutines),
                                   ss[d.sample].line, status_text)});
    r.facts.push_back({"Ms (last detail)",
                       fmt::format("{} · blocked {} · spinning {} · locked to a goroutine {}",
                                   d.ms, d.ms_blocked, d.ms_spinning, d.ms_locked)});
    Table wt{"Waiting goroutines by reason (last detail sample)", {"reason", "class", "goroutines"},
             {false, false, true}, {}, 0};
    for (auto& [reason, count] : sorted) {
      wt.rows.push_back({std::string(reason),
                         std::string(WaitClassName(ClassifyWaitReason(reason))),
                         FormatCount(count)});
    }
    if (!wt.rows.empty()) r.tables.push_back(std::move(wt));
    for (auto& [reason, count] : sorted) {
      WaitClass c = ClassifyWaitReason(reason);
      if (!IsBlockingWait(c)) continue;
      if (count >= kPileupMin ||
          (d.goroutines >= 20 && double(count) >= kPileupShare * double(d.goroutines))) {
        r.findings.push_back(Finding{
            "sched-wait-pileup", Severity::kWarning,
            fmt::format("{} goroutines waiting in '{}'", FormatCount(count), reason),
            {fmt::format("{} of {} goroutines in the scheddetail sample at line {}",
                         FormatCount(count), FormatCount(d.goroutines), ss[d.sample].line)},
            "A large group blocked on the same kind of wait is a leak or contention suspect; "
            "scheddetail has no stacks, so take a goroutine dump (godx stacks) to see where."});
      }
    }
    if (d.locked_goroutines >= kLockedMin) {
      r.findings.push_back(Finding{
          "sched-locked-goroutines", Severity::kWarning,
          fmt::format("{} goroutines are locked to OS threads", d.locked_goroutines),
          {fmt::format("{} Ms locked to a goroutine, {} Ms blocked", d.ms_locked, d.ms_blocked)},
          "Each locked goroutine pins a thread: check for runtime.LockOSThread without "
          "UnlockOSThread, or goroutines that lock and never exit."});
    }
    detail = Json{{"samples", t.details.size()},
                  {"line", ss[d.sample].line},
                  {"goroutines", d.goroutines},
                  {"by_status", statuses},
                  {"by_wait_reason", reasons},
                  {"by_wait_class", by_class},
                  {"ms", d.ms},
                  {"ms_blocked", d.ms_blocked},
                  {"ms_spinning", d.ms_spinning},
                  {"locked_goroutines", d.locked_goroutines},
                  {"syscall_threads", d.syscall_threads},
                  {"ps_in_syscall", d.ps_in_syscall}};
  }

  if (n >= 20) {
    Table tl{"Over time", {"at", "threads", "idle Ps", "global queue", "local queues", "spinning"},
             {true, true, true, true, true, true}, {}, 0};
    const int kWindows = 10;
    size_t i = 0;
    for (int w = 0; w < kWindows; ++w) {
      double hi = w + 1 == kWindows ? INFINITY : when.front() + span_s * 1000 * (w + 1) / kWindows;
      size_t first = i;
      double rq = 0, lq = 0, idle = 0, spin = 0;
      int32_t th = 0;
      while (i < n && when[i] < hi) {
        rq += ss[i].runqueue;
        lq += double(ss[i].local_sum);
        idle += ss[i].idleprocs;
        spin += ss[i].spinningthreads;
        th = std::max(th, ss[i].threads);
        ++i;
      }
      double k = double(i - first);
      if (k == 0) continue;
      tl.rows.push_back({FormatDuration((when[first] - when.front()) / 1000), std::to_string(th),
                         fmt::format("{:.1f}", idle / k), fmt::format("{:.1f}", rq / k),
                         fmt::format("{:.1f}", lq / k), fmt::format("{:.1f}", spin / k)});
    }
    r.tables.push_back(std::move(tl));
  }

  if (p_changes > 0) {
    r.findings.push_back(Finding{
        "sched-gomaxprocs-changed", Severity::kInfo,
        fmt::format("GOMAXPROCS changed {} ({}–{})", Plural(p_changes, "time"), min_p, max_p),
        {ProcsHistory(t),
         // Before 1.25 only the program itself can change it.
         release.max_minor < 25
             ? "the release predates Go 1.25: the program called runtime.GOMAXPROCS"
             : "the program called runtime.GOMAXPROCS, or (Go 1.25+) the runtime followed a change "
               "of the CPUs it may use (cgroup CPU limit, CPU affinity)"},
        "Per-P figures (saturation, idle Ps, spinning) use each sample's own GOMAXPROCS. If it "
        "dropped under load, the program lost CPUs: check the container's CPU limit."});
  }
  if (t.headerless_details > 0)
    r.warnings.push_back(fmt::format(
        "{} scheddetail block{} without {} 'SCHED ...' line (not in the text): GOMAXPROCS, idle "
        "Ps and threads counted from the P and M lines; the global run queue, spinning threads "
        "and the time are unknown",
        t.headerless_details, t.headerless_details == 1 ? "" : "s",
        t.headerless_details == 1 ? "its" : "their"));
  if (t.joined_samples > 0)
    r.warnings.push_back(fmt::format(
        "{} SCHED samples stood on lines shared with others (the text lost its line ends): "
        "each was read on its own",
        t.joined_samples));
  if (t.restarts > 0) {
    r.warnings.push_back(fmt::format("the log holds {} runs of a program (the SCHED clock restarts)",
                                     t.restarts + 1));
  }
  if (t.other_lines > 0) {
    r.warnings.push_back(fmt::format("{} of {} lines held program output or other traces and were "
                                     "skipped",
                                     FormatCount(t.other_lines), FormatCount(t.lines)));
  }
  if (t.malformed > 0) {
    r.warnings.push_back(fmt::format("{} SCHED lines did not parse, first at line {}: expected {}",
                                     FormatCount(t.malformed), t.first_malformed_line,
                                     t.first_malformed_why));
  }

  Json& s = r.summary;
  s["samples"] = n;
  s["span_s"] = span_s;
  Json history = Json::array();
  for (const SchedProcsChange& c : t.procs_changes) {
    history.push_back(Json{{"line", ss[c.sample].line},
                           {"t_ms", ss[c.sample].t_ms},
                           {"from", c.from},
                           {"to", c.to}});
  }
  s["gomaxprocs"] = Json{{"min", min_p},
                         {"max", max_p},
                         {"mean", mean_p},
                         {"first", ss.front().gomaxprocs},
                         {"last", ss.back().gomaxprocs},
                         {"changes", p_changes},
                         {"history", std::move(history)}};
  s["idle_share_pct"] = sum_p > 0 ? Json(sum_idle / sum_p * 100) : Json(nullptr);
  s["max_threads"] = max_threads;
  s["threads"] = Json{{"first", ss.front().threads}, {"last", ss.back().threads},
                      {"max", max_threads}, {"slope_per_s", tfit.slope * 1000}, {"r2", tfit.r2}};
  s["runqueue"] = Json{{"mean", sum_runq / dn}, {"max", max_runq}};
  s["local_queued"] = Json{{"mean", sum_local / dn}, {"max", max_local_total}};
  s["idleprocs_mean"] = sum_idle / dn;
  s["spinning_mean"] = sum_spin / dn;
  s["saturated_samples"] = saturated;
  s["idle_with_work_samples"] = idle_with_work;
  s["detail"] = detail;
  s["lines"] = t.lines;
  s["skipped_lines"] = t.other_lines;
  s["malformed_lines"] = t.malformed;

  if (!options.json) return r;
  Json series = Json::object();
  auto column = [&](const char* name, auto get) {
    Json col = Json::array();
    for (size_t i = 0; i < n; ++i) col.push_back(get(ss[i], i));
    series[name] = std::move(col);
  };
  column("t_ms", [&](const SchedSample&, size_t i) { return when[i]; });
  column("line", [](const SchedSample& x, size_t) { return x.line; });
  column("gomaxprocs", [](const SchedSample& x, size_t) { return x.gomaxprocs; });
  column("idleprocs", [](const SchedSample& x, size_t) { return x.idleprocs; });
  column("threads", [](const SchedSample& x, size_t) { return x.threads; });
  column("spinningthreads", [](const SchedSample& x, size_t) { return x.spinningthreads; });
  column("idlethreads", [](const SchedSample& x, size_t) { return x.idlethreads; });
  column("runqueue", [](const SchedSample& x, size_t) { return x.runqueue; });
  column("local_queued", [](const SchedSample& x, size_t) { return x.local_sum; });
  // Each P's local run queue per sample (the "[a b c]" list), for the HTML report's per-P chart.
  column("per_p_runq", [&](const SchedSample& x, size_t) {
    Json row = Json::array();
    for (uint32_t k = 0; k < x.local_count; ++k) row.push_back(t.local_queues[x.local_begin + k]);
    return row;
  });
  r.extra["series"] = std::move(series);
  return r;
}

Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(SchedTrace trace, ReadSchedTrace(input));
  // The SCHED clock went back: a restart (one log's runs), or several processes.
  if (trace.restarts == 0) return AnalyzeSchedTrace(trace, input.name(), options);
  auto split = SplitInterleaved(input.data(), SchedSequenceKey);
  if (!split) return AnalyzeSchedTrace(trace, input.name(), options);
  const std::string evidence =
      fmt::format("the SCHED clock goes back at line {}: {:.0f}ms after {:.0f}ms",
                  split->back_line, split->back_key.at * 1000, split->back_prev.at * 1000);
  if (!split->separable) {
    // Thread growth, queue trends and rates over several processes would be wrong: none at all.
    return Status::Error(fmt::format(
        "{}:{}: the schedtrace output of more than one process is interleaved ({}, again and "
        "again), and no prefix tells their lines apart; give each process's output alone",
        input.name(), split->back_line, evidence));
  }
  return AnalyzeEachProcess(std::move(*split), input.name(), evidence,
                            [&](const Input& part) -> Result<Report> {
                              GODX_ASSIGN_OR_RETURN(SchedTrace t, ReadSchedTrace(part));
                              return AnalyzeSchedTrace(t, part.name(), options);
                            });
}

}  // namespace godx::schedlog
