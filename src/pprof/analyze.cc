#include "pprof/analyze.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <span>

#include "core/leak_severity.h"
#include "core/plural.h"
#include "core/units.h"
#include "pprof/format.h"
#include "pprof/graph.h"
#include "pprof/reader.h"
#include "pprof/release.h"

namespace godx::pprof {

namespace {

bool HasType(const Profile& p, std::string_view t) { return p.FindSampleIndex(t) >= 0 && !t.empty(); }

// Standard-library and runtime code: a package path whose first element has no dot and is not
// "main" (Go's rule for what `go get` cannot fetch).
bool IsStdFunction(std::string_view name) {
  if (name.empty() || name[0] == '<' || name[0] == '[') return true;
  size_t slash = name.find('/');
  if (slash != std::string_view::npos) {
    // "github.com/x/y.F" and "golang.org/x/net/http2.F": the first element has a dot.
    std::string_view first = name.substr(0, slash);
    return first.find('.') == std::string_view::npos;
  }
  // "main.f", "main.(*T).M" are the program's; "runtime.x", "sync.(*Mutex).Lock" are not.
  return name.substr(0, name.find('.')) != "main";
}

struct Category {
  std::string_view id, title, advice;
  std::array<std::string_view, 10> prefixes;
  double warn, critical;
};

// Runtime work that can dominate a CPU profile. A sample counts once per category when any frame
// starts with one of the prefixes.
constexpr Category kCpuCategories[] = {
    {"cpu-gc-marking", "garbage collection (marking and sweeping)",
     "Allocate less (reuse buffers, sync.Pool, avoid pointers in large structures) or give the heap "
     "more room (GOGC, GOMEMLIMIT); `godx pprof top --sample_index=alloc_space` on a heap profile "
     "shows who allocates.",
     {"runtime.gcBgMarkWorker", "runtime.gcDrain", "runtime.scanobject", "runtime.markroot",
      "runtime.gcAssistAlloc", "runtime.bgsweep", "runtime.greyobject", "runtime.scanstack",
      "runtime.sweepone", ""},
     0.25, 0.5},
    {"cpu-malloc", "memory allocation (runtime.mallocgc)",
     "Reduce allocations on hot paths: preallocate slices and maps, avoid converting []byte to "
     "string, avoid boxing values in interfaces.",
     {"runtime.mallocgc", "runtime.newobject", "runtime.makeslice", "runtime.growslice", "", "", "",
      "", "", ""},
     0.2, 0.4},
    {"cpu-scheduler", "the goroutine scheduler",
     "Many short-lived goroutines or frequent blocking hand-offs: batch work per goroutine, use "
     "worker pools, buffer channels.",
     {"runtime.schedule", "runtime.findrunnable", "runtime.findRunnable", "runtime.park_m",
      "runtime.goschedImpl", "runtime.stealWork", "runtime.mcall", "runtime.ready", "", ""},
     0.2, 0.4},
    {"cpu-syscall", "system calls",
     "Batch I/O (bufio), avoid small reads and writes, and check for busy polling.",
     {"syscall.Syscall", "syscall.RawSyscall", "syscall.syscall", "runtime/internal/syscall.Syscall6",
      "internal/syscall/unix.", "syscall.Syscall6", "", "", "", ""},
     0.3, 0.6},
    {"cpu-lock-contention", "lock contention (spinning and futex waits)",
     "Shard the lock, shorten critical sections, or use atomics; a mutex profile "
     "(runtime.SetMutexProfileFraction) shows which locks.",
     {"runtime.lock2", "runtime.lockWithRank", "sync.(*Mutex).lockSlow", "sync.(*RWMutex).RLock",
      "runtime.procyield", "runtime.osyield", "sync.runtime_SemacquireMutex", "", "", ""},
     0.1, 0.3},
};

bool StartsWithAny(std::string_view name, const std::array<std::string_view, 10>& prefixes) {
  for (std::string_view p : prefixes) {
    if (!p.empty() && name.starts_with(p)) return true;
  }
  return false;
}

// Where the program asked: per sample, the innermost frame of the program's own code (not the
// runtime or the standard library, e.g. the caller of sync.(*Mutex).Lock or of make()); the leaf
// when the whole stack is standard library.
// The runtime's allocation entry points. Go 1.27 heap profiles can start a stack at
// runtime.mallocgc itself (Go 1.19 and 1.26 start at its caller): a stack made only of runtime
// frames is attributed past these to the frame that asked for memory (runtime.malg: a new
// goroutine).
bool IsAllocatorFrame(std::string_view name) {
  static constexpr std::string_view kEntries[] = {
      "runtime.newobject",  "runtime.newarray",   "runtime.makeslice", "runtime.makeslicecopy",
      "runtime.growslice",  "runtime.makemap",    "runtime.makemap_small", "runtime.makechan",
      "runtime.rawstring",  "runtime.rawbyteslice", "runtime.rawruneslice"};
  if (name.substr(0, 16) == "runtime.mallocgc") return true;
  for (std::string_view e : kEntries) {
    if (name == e) return true;
  }
  return false;
}

// Work the profiler itself did while godx (or anyone) captured profiles: writing goroutine
// stacks, building and compressing profile.proto, serving /debug/pprof, reading an execution
// trace. A sample with any such frame belongs to the profiler, not the program, and is left out
// of findings (never out of the `top` table, which must match `go tool pprof`).
bool IsProfilerFrame(std::string_view name) {
  if (name.starts_with("net/http/pprof.")) return true;
  if (name.starts_with("runtime/pprof.")) {
    // Goroutine labels (pprof.Do, SetGoroutineLabels, WithLabels, ...) are the program's own
    // calls and stay on its stacks for all the work it does under them.
    std::string_view rest = name.substr(14);
    return !(rest.starts_with("Do") || rest.find("abel") != std::string_view::npos ||
             rest.starts_with("runtime_") || rest.starts_with("WithLabels"));
  }
  // Execution tracing: only the capture itself; trace.WithRegion, Log and NewTask are the program's.
  // The flight recorder's buffer (godx's agent keeps one running) is filled by runtime/trace's
  // multiplexer goroutine through its recorder; FlightRecorder.WriteTo writes a snapshot.
  return name.starts_with("runtime/trace.Start") || name.starts_with("runtime/trace.Stop") ||
         name.starts_with("runtime/trace.(*recorder)") ||
         name.starts_with("runtime/trace.(*traceMultiplexer)") ||
         name.starts_with("runtime/trace.(*FlightRecorder)") ||
         name == "runtime.ReadTrace" || name.starts_with("runtime.traceReader") ||
         name.starts_with("runtime.traceAdvance");
}

struct SiteRow {
  std::string name;
  int64_t value = 0;
  std::string via;   // the frame the site called into (e.g. runtime.chanrecv1) at `line`
  int64_t line = 0;  // the site's line that holds the most value, 0 when unknown
  std::string file;  // its source file, "" when unknown
  // Per-function rows: the site's lines by value, biggest first ({line, value}).
  std::vector<std::pair<int64_t, int64_t>> lines;
};

struct SiteResult {
  std::vector<SiteRow> rows;  // biggest first
  int64_t total = 0;          // of the samples kept (the profiler's own left out)
  int64_t excluded = 0;       // the profiler's own work
};

// Each sample goes to its site (see IsAllocatorFrame) and the site's line in that stack;
// samples through the profiler are counted in `excluded` instead. A row per function whose line
// is the one holding the most value there (the calls it makes included: a line that calls
// json.Marshal allocates what Marshal allocates), or, with `by_line`, a row per function and
// line (contention: each line is one blocking operation).
SiteResult Sites(const Profile& p, size_t idx, const NodeTable& nodes, bool exclude_profiler = true,
                 bool by_line = false) {
  struct LineAcc {
    int64_t value = 0;
    uint32_t via = kNoIndex;  // the node called from the line in its heaviest stack
    int64_t via_weight = 0;
    uint32_t function = kNoIndex;
  };
  std::map<std::pair<uint32_t, int64_t>, LineAcc> acc;
  std::vector<uint8_t> std_node(nodes.size()), alloc_node(nodes.size()), prof_node(nodes.size());
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    std_node[n] = IsStdFunction(nodes.Name(n));
    alloc_node[n] = IsAllocatorFrame(nodes.Name(n));
    prof_node[n] = exclude_profiler && IsProfilerFrame(nodes.Name(n));
  }
  SiteResult res;
  const size_t nv = p.num_values();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + idx];
    if (w == 0) continue;
    bool profiler = false;
    for (uint32_t li : p.Stack(s)) {
      for (uint32_t n : nodes.Of(li)) profiler |= prof_node[n] != 0;
    }
    if (profiler) {
      res.excluded += w;
      continue;
    }
    res.total += w;
    uint32_t first = kNoIndex, leaf = kNoIndex, own = kNoIndex, prev = kNoIndex;
    int64_t own_line = 0;
    uint32_t own_function = kNoIndex;
    for (uint32_t li : p.Stack(s)) {
      auto ns = nodes.Of(li);
      auto ls = li < p.locations.size() ? p.LinesOf(p.locations[li]) : std::span<const Line>{};
      for (size_t k = 0; k < ns.size(); ++k) {
        uint32_t n = ns[k];
        if (first == kNoIndex) first = n;
        if (leaf == kNoIndex && !alloc_node[n]) leaf = n;
        if (own == kNoIndex && !std_node[n]) {
          own = n;
          if (ls.size() == ns.size()) {
            own_line = ls[k].line;
            own_function = ls[k].function;
          }
          break;
        }
        prev = n;
      }
      if (own != kNoIndex) break;
    }
    uint32_t site = own != kNoIndex ? own : leaf != kNoIndex ? leaf : first;
    if (site == kNoIndex) continue;
    LineAcc& a = acc[{site, own != kNoIndex ? own_line : 0}];
    a.value += w;
    if (own != kNoIndex && w > a.via_weight) {
      a.via = prev;
      a.via_weight = w;
      a.function = own_function;
    }
  }
  auto fill = [&](SiteRow& row, int64_t line, const LineAcc& a) {
    row.line = line;
    row.via = a.via != kNoIndex ? std::string(nodes.Name(a.via)) : std::string();
    row.file = a.function < p.functions.size() ? std::string(p.Str(p.functions[a.function].filename))
                                               : std::string();
  };
  for (auto it = acc.begin(); it != acc.end();) {
    SiteRow row;
    row.name = std::string(nodes.Name(it->first.first));
    if (by_line) {
      row.value = it->second.value;
      fill(row, it->first.second, it->second);
      ++it;
    } else {
      const uint32_t node = it->first.first;
      auto best = it;
      for (; it != acc.end() && it->first.first == node; ++it) {
        row.value += it->second.value;
        if (it->first.second > 0) row.lines.push_back({it->first.second, it->second.value});
        if (it->second.value > best->second.value) best = it;
      }
      std::sort(row.lines.begin(), row.lines.end(), [](auto& a, auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      fill(row, best->first.second, best->second);
    }
    if (row.value > 0) res.rows.push_back(std::move(row));
  }
  std::sort(res.rows.begin(), res.rows.end(), [](auto& a, auto& b) {
    return a.value != b.value ? a.value > b.value : a.name != b.name ? a.name < b.name : a.line < b.line;
  });
  return res;
}

// The blocking mechanism a contention site went through, from the runtime/sync frame it called.
std::string_view Mechanism(std::string_view via) {
  if (via.starts_with("runtime.chanrecv")) return "channel receive";
  if (via.starts_with("runtime.chansend")) return "channel send";
  if (via.starts_with("runtime.selectgo") || via.starts_with("runtime.block")) return "select";
  if (via.starts_with("sync.(*RWMutex)")) return "sync.RWMutex";
  if (via.starts_with("sync.(*Mutex)")) return "sync.Mutex";
  if (via.starts_with("sync.(*Cond)")) return "sync.Cond";
  if (via.starts_with("sync.(*WaitGroup)")) return "sync.WaitGroup";
  if (via.starts_with("sync.(*Once)")) return "sync.Once";
  if (via.starts_with("runtime.semacquire") || via.starts_with("sync.runtime_Sem")) return "semaphore";
  return {};
}

// "main.(*cache).put (/src/app/cache.go:42)", or the name alone when the line is unknown.
std::string SiteWithLine(const SiteRow& row) {
  if (row.line <= 0) return row.name;
  return row.file.empty() ? fmt::format("{} (line {})", row.name, row.line)
                          : fmt::format("{} ({}:{})", row.name, row.file, row.line);
}

// "; lines cache.go:42 3.00 MiB, cache.go:40 1.00 MiB": where in the function the value sits,
// when more than one of its lines holds some (up to three, the file's base name).
std::string LineBreakdown(const SiteRow& row, std::string_view unit, const std::string& as_unit) {
  if (row.lines.size() < 2) return {};
  std::string_view base = row.file;
  if (size_t slash = base.rfind('/'); slash != std::string_view::npos) base = base.substr(slash + 1);
  std::string out = "; by line:";
  for (size_t i = 0; i < row.lines.size() && i < 3; ++i) {
    std::string where = base.empty() ? fmt::format("line {}", row.lines[i].first)
                                     : fmt::format("{}:{}", base, row.lines[i].first);
    out += fmt::format("{} {} {}", i == 0 ? "" : ",", where,
                       FormatValue(row.lines[i].second, unit, as_unit));
  }
  return out;
}

// How much evidence a CPU share needs before it is a finding. Each sample is one observation of
// where a CPU was: with n samples a share p has a standard error sqrt(p(1-p)/n), so a share is
// only trusted above p - 2·SE (≈95% lower bound). Below kMinCpuSamples samples a share is at most
// INFO, and below kMinCategorySamples in the category it is nothing at all.
constexpr int64_t kMinCpuSamples = 100;
constexpr int64_t kMinCategorySamples = 10;
// CPU must also matter against the wall clock: a category burning less than kWarnCores of one
// CPU on average (over the profile's duration) is not a problem whatever its share; CRITICAL
// needs kCriticalCores (or, when the core count is known, kCriticalOfAvailable of the cores).
constexpr double kWarnCores = 0.10;
constexpr double kCriticalCores = 0.5;
constexpr double kCriticalOfAvailable = 0.25;

double LowerBound(double p, double n) {
  if (n <= 0) return 0;
  return p - 2.0 * std::sqrt(std::max(0.0, p * (1 - p)) / n);
}

void CpuFindings(const Profile& p, size_t idx, const TopResult& top, const ViewOptions& view,
                 Report* r) {
  if (top.total <= 0) return;
  std::string_view unit = p.Str(p.sample_types[idx].unit);
  const bool is_ns = unit == "nanoseconds";
  const int samples_idx = p.FindSampleIndex("samples");
  constexpr size_t kCats = std::size(kCpuCategories);
  std::array<int64_t, kCats> sums{}, counts{};
  int64_t total = 0, total_count = 0, excluded = 0, excluded_count = 0;
  {
    const NodeTable& nodes = *top.nodes;  // node tables cost memory: share the top's
    std::vector<std::array<uint8_t, kCats>> node_cat(nodes.size());
    std::vector<uint8_t> prof_node(nodes.size());
    for (uint32_t n = 0; n < nodes.size(); ++n) {
      for (size_t c = 0; c < kCats; ++c) node_cat[n][c] = StartsWithAny(nodes.Name(n), kCpuCategories[c].prefixes);
      prof_node[n] = IsProfilerFrame(nodes.Name(n));
    }
    const size_t nv = p.num_values();
    for (size_t s = 0; s < p.num_samples(); ++s) {
      int64_t w = p.values[s * nv + idx];
      if (w == 0) continue;
      // Observations behind this sample: the "samples" count when the profile has one, else
      // the value over the sampling period, else one.
      int64_t cnt = samples_idx >= 0 ? p.values[s * nv + static_cast<size_t>(samples_idx)] : 0;
      if (cnt <= 0) cnt = p.period > 0 && is_ns ? std::max<int64_t>(1, w / p.period) : 1;
      std::array<uint8_t, kCats> in{};
      bool profiler = false;
      for (uint32_t li : p.Stack(s)) {
        for (uint32_t n : nodes.Of(li)) {
          for (size_t c = 0; c < kCats; ++c) in[c] |= node_cat[n][c];
          profiler |= prof_node[n] != 0;
        }
      }
      if (profiler) {
        excluded += w;
        excluded_count += cnt;
        continue;
      }
      total += w;
      total_count += cnt;
      for (size_t c = 0; c < kCats; ++c) {
        if (in[c]) {
          sums[c] += w;
          counts[c] += cnt;
        }
      }
    }
  }
  const double wall_s = static_cast<double>(p.duration_nanos) / 1e9;
  // "from 3 samples (30 ms of CPU in 10 s wall, 0.15% of 2 cores)"
  auto how_much = [&](int64_t cnt, int64_t value) {
    std::string s = fmt::format("from {} sample{} ({} of CPU", FormatCount(static_cast<uint64_t>(cnt)),
                                cnt == 1 ? "" : "s", FormatValue(value, unit, view.unit));
    if (is_ns && wall_s > 0) {
      double cores = static_cast<double>(value) / 1e9 / wall_s;
      if (view.cores > 0) {
        s += fmt::format(" in {} wall, {} of {} core{})", FormatDuration(wall_s),
                         FormatPercent(cores / view.cores), view.cores, view.cores == 1 ? "" : "s");
      } else {
        s += cores < 1 ? fmt::format(" in {} wall, {} of one CPU on average)", FormatDuration(wall_s),
                                     FormatPercent(cores))
                       : fmt::format(" in {} wall, {:.2f} CPUs busy on average)",
                                     FormatDuration(wall_s), cores);
      }
    } else {
      s += ", wall time unknown)";
    }
    return s;
  };
  Json runtime = Json::object();
  for (size_t c = 0; c < kCats; ++c) runtime[std::string(kCpuCategories[c].id)] = sums[c];
  r->summary["runtime_cum"] = std::move(runtime);
  r->summary["cpu_samples"] = total_count;
  r->summary["profiler_excluded"] = excluded;
  if (total <= 0) return;
  const std::string excluded_note =
      excluded > 0 ? fmt::format("{} ({}) of the profile was the profiler's own work and is left out",
                                 FormatValue(excluded, unit, view.unit), Percent(excluded, excluded + total))
                   : std::string();
  for (size_t c = 0; c < kCats; ++c) {
    const Category& cat = kCpuCategories[c];
    double share = static_cast<double>(sums[c]) / static_cast<double>(total);
    if (share < cat.warn || counts[c] < kMinCategorySamples) continue;
    double lower = LowerBound(share, static_cast<double>(total_count));
    bool enough = total_count >= kMinCpuSamples && lower >= cat.warn;
    // CPUs' worth the category burns on average; unknown without a duration.
    double cores = is_ns && wall_s > 0 ? static_cast<double>(sums[c]) / 1e9 / wall_s : -1;
    bool matters = cores < 0 || cores >= kWarnCores;
    bool critical_cpu = cores >= 0 && (view.cores > 0 ? cores / view.cores >= kCriticalOfAvailable
                                                      : cores >= kCriticalCores);
    Finding f;
    f.id = std::string(cat.id);
    if (enough && matters && lower >= cat.critical && critical_cpu) {
      f.severity = Severity::kCritical;
    } else if (enough && matters) {
      f.severity = Severity::kWarning;
    } else {
      f.severity = Severity::kInfo;
    }
    f.title = fmt::format("{} of CPU time is spent in {}", FormatPercent(share), cat.title);
    f.evidence.push_back(fmt::format("{} of {} sampled in stacks through {}..., {}",
                                     FormatValue(sums[c], unit, view.unit),
                                     FormatValue(total, unit, view.unit), cat.prefixes[0],
                                     how_much(counts[c], sums[c])));
    f.evidence.push_back(fmt::format(
        "whole profile: {}; the share is {} ± {} (two standard errors)",
        how_much(total_count, total), FormatPercent(share), FormatPercent(share - lower)));
    if (!enough) {
      f.evidence.push_back(fmt::format(
          "too little evidence for a warning: needs {}+ samples and a lower bound above {}",
          kMinCpuSamples, FormatPercent(cat.warn)));
    }
    if (!matters) {
      f.evidence.push_back(fmt::format(
          "the process is mostly idle: this is under {} of one CPU, so not a problem whatever its share",
          FormatPercent(kWarnCores)));
    }
    if (!excluded_note.empty()) f.evidence.push_back(excluded_note);
    int shown = 0;
    for (const TopRow& row : top.rows) {
      if (shown >= 3) break;
      if (StartsWithAny(row.name, cat.prefixes)) {
        f.evidence.push_back(fmt::format("{}: cum {} ({})", row.name, FormatValue(row.cum, unit, view.unit),
                                         Percent(row.cum, top.total)));
        ++shown;
      }
    }
    f.advice = std::string(cat.advice);
    r->findings.push_back(std::move(f));
  }
  // The hottest code of the program's own: each sample goes to its innermost non-standard frame,
  // so a loop that spends its time in crypto/sha256 is found too. Only with enough samples to
  // say which code is hottest.
  if (total_count < kMinCategorySamples) return;
  SiteResult all_sites = Sites(p, idx, *top.nodes);
  std::vector<SiteRow> sites;
  for (auto& site : all_sites.rows) {
    if (!IsStdFunction(site.name)) sites.push_back(std::move(site));
  }
  if (!sites.empty()) {
    Finding f;
    f.id = "cpu-hot-user-code";
    f.severity = Severity::kInfo;
    double share = static_cast<double>(sites[0].value) / static_cast<double>(total);
    // The function and its hottest line: the line whose samples (its own work and the calls
    // it makes) weigh most, as `godx pprof list` would show it.
    f.title = fmt::format("Hottest code of your own: {}: {} of CPU, counting the calls it makes",
                          SiteWithLine(sites[0]), FormatPercent(share));
    for (size_t i = 0; i < sites.size() && i < 5; ++i) {
      int64_t flat = 0;
      for (const TopRow& row : top.rows) {
        if (row.name == sites[i].name) flat = row.flat;
      }
      f.evidence.push_back(fmt::format("{}: {} ({}) under it, {} in the function itself{}",
                                       SiteWithLine(sites[i]),
                                       FormatValue(sites[i].value, unit, view.unit),
                                       Percent(sites[i].value, total),
                                       FormatValue(flat, unit, view.unit),
                                       LineBreakdown(sites[i], unit, view.unit)));
    }
    f.evidence.push_back(fmt::format("whole profile: {}", how_much(total_count, total)));
    if (!excluded_note.empty()) f.evidence.push_back(excluded_note);
    f.advice = fmt::format(
        "Start here: `godx pprof peek '{}' PROFILE` shows what it calls, `godx pprof list` its hot "
        "lines.",
        sites[0].name);
    r->findings.push_back(std::move(f));
  }
}

// Below these a site finding is at most INFO: a 2 MiB heap is no problem whoever holds it.
constexpr int64_t kInuseFloorBytes = int64_t{64} << 20;   // in-use heap at the last GC
constexpr int64_t kAllocFloorBytes = int64_t{1} << 30;    // allocated since the process started
constexpr double kAllocRateFloor = 64.0 * (1 << 20);      // bytes/s, for delta profiles with a duration
// A profile's duration is its time span only for delta profiles (`?seconds=N`, which
// net/http/pprof writes with duration_nanos); runtime/pprof writes none for heap, block and
// mutex profiles, and a converted one may carry the few ms it took to write.
constexpr int64_t kMinSpanNanos = 1'000'000'000;

// The evidence line of one site: "main.f (app/main.go:42): 3.00 MiB (75.00%)[, 1.00 MiB/s]
// [; by line: ...]".
std::string SiteEvidence(const SiteRow& row, int64_t total, std::string_view unit, double span_s,
                         const ViewOptions& view) {
  std::string rate;
  if (span_s > 0) {
    double per_s = static_cast<double>(row.value) / span_s;
    rate = fmt::format(", {}/s", FormatValue(static_cast<int64_t>(per_s), unit, view.unit));
  }
  return fmt::format("{}: {} ({}){}{}", SiteWithLine(row), FormatValue(row.value, unit, view.unit),
                     Percent(row.value, total), rate, LineBreakdown(row, unit, view.unit));
}

Json SiteJson(const SiteRow& row) {
  Json j = {{"function", row.name}, {"value", row.value}};
  if (!row.via.empty()) j["via"] = row.via;
  if (row.line > 0) j["line"] = row.line;
  if (row.line > 0 && !row.file.empty()) j["file"] = row.file;
  return j;
}

enum class HeapKind { kInuse, kAlloc };

void HeapSitesFinding(const Profile& p, const NodeTable& nodes, int idx, HeapKind kind,
                      const ViewOptions& view, Report* r) {
  if (idx < 0) return;
  std::string_view unit = p.Str(p.sample_types[static_cast<size_t>(idx)].unit);
  SiteResult res = Sites(p, static_cast<size_t>(idx), nodes);
  int64_t total = res.total;
  if (total <= 0 || res.rows.empty()) return;
  const auto& sites = res.rows;
  const bool span = p.duration_nanos >= kMinSpanNanos;
  const double span_s = span ? static_cast<double>(p.duration_nanos) / 1e9 : 0;
  Finding f;
  bool big = true;
  std::string size_note, rate_in_title;
  if (kind == HeapKind::kInuse) {
    f.id = "heap-inuse-sites";
    big = total >= kInuseFloorBytes;
    size_note = fmt::format("in-use heap (sampled): {}{}", FormatValue(total, unit, view.unit),
                            big ? ""
                                : fmt::format(", under the {} floor below which no heap site is a warning",
                                              FormatBytes(static_cast<double>(kInuseFloorBytes))));
    f.advice = "Memory still live at the last GC: check that caches and maps are bounded and that "
               "large buffers are released.";
  } else {
    f.id = "heap-alloc-sites";
    if (span) {
      double rate = static_cast<double>(total) / span_s;
      big = rate >= kAllocRateFloor;
      rate_in_title = fmt::format(", {}/s", FormatBytes(static_cast<double>(sites[0].value) / span_s));
      size_note = fmt::format("allocated {} in {} ({}/s){}", FormatValue(total, unit, view.unit),
                              FormatDuration(span_s), FormatBytes(rate),
                              big ? "" : fmt::format(", under the {}/s floor for a warning",
                                                     FormatBytes(kAllocRateFloor)));
    } else {
      big = total >= kAllocFloorBytes;
      size_note = fmt::format(
          "allocated since the process started: {}{}; the profile has no duration, so no rate: a "
          "delta profile (/debug/pprof/allocs?seconds=30, or `godx pprof URL/debug/pprof/allocs "
          "--seconds 30`) carries one",
          FormatValue(total, unit, view.unit),
          big ? "" : fmt::format(", under the {} floor for a warning",
                                 FormatBytes(static_cast<double>(kAllocFloorBytes))));
    }
    f.advice = "Allocation volume drives GC CPU: reuse buffers (sync.Pool), preallocate, and avoid "
               "needless conversions on this path.";
  }
  double share = static_cast<double>(sites[0].value) / static_cast<double>(total);
  f.severity = share >= 0.5 && big ? Severity::kWarning : Severity::kInfo;
  f.title = fmt::format("Top {} site: {}: {} of {}{}{}",
                        kind == HeapKind::kInuse ? "in-use memory" : "allocation",
                        SiteWithLine(sites[0]), FormatPercent(share),
                        FormatValue(total, unit, view.unit),
                        kind == HeapKind::kInuse ? " in use" : " allocated", rate_in_title);
  Json rows = Json::array();
  for (size_t i = 0; i < sites.size() && i < 5; ++i) {
    // Memory sites name their line: where the program's own code allocated (or called the code
    // that did).
    f.evidence.push_back(SiteEvidence(sites[i], total, unit, span_s, view));
    rows.push_back(SiteJson(sites[i]));
  }
  f.evidence.push_back(size_note);
  if (res.excluded > 0) {
    f.evidence.push_back(fmt::format("{} ({}) was the profiler's own work (runtime/pprof, "
                                     "net/http/pprof) and is left out",
                                     FormatValue(res.excluded, unit, view.unit),
                                     Percent(res.excluded, res.excluded + total)));
  }
  r->summary[f.id] = std::move(rows);
  r->summary[f.id + "_profiler_excluded"] = res.excluded;
  r->findings.push_back(std::move(f));
}

// Waits that are a goroutine idling until something arrives (a job on its queue, a timer, a
// signal, others finishing), not a contended resource: receives, selects, Cond.Wait and
// WaitGroup.Wait. A select may also hold a send; its line says which.
// The mechanism of a site: from the frame it called, or, for a site that is itself the
// standard library's (a stack without the program's code), from its own name.
std::string_view RowMechanism(const SiteRow& row) {
  std::string_view m = Mechanism(row.via);
  return m.empty() && row.via.empty() ? Mechanism(row.name) : m;
}

bool IsIdleWait(std::string_view mechanism) {
  return mechanism == "channel receive" || mechanism == "select" || mechanism == "sync.Cond" ||
         mechanism == "sync.WaitGroup";
}

// Block and mutex profiles: one finding for contention (senders blocked on a full channel —
// backpressure from a slow receiver —, locks, semaphores), judged by how much waiting there was,
// and one INFO for idle waits, which are no bottleneck by themselves. Each site is a line of the
// program's own code and the operation that blocked there.
void ContentionFindings(const Profile& p, const NodeTable& nodes, int idx, const ViewOptions& view,
                        Report* r) {
  if (idx < 0) return;
  std::string_view unit = p.Str(p.sample_types[static_cast<size_t>(idx)].unit);
  SiteResult res = Sites(p, static_cast<size_t>(idx), nodes, true, /*by_line=*/true);
  const int64_t total = res.total;
  if (total <= 0 || res.rows.empty()) return;
  std::vector<const SiteRow*> blocked, idle;
  int64_t blocked_total = 0, idle_total = 0;
  bool mutex_profile = false;  // the delay is charged where the lock is released
  for (const SiteRow& row : res.rows) {
    if (IsIdleWait(RowMechanism(row))) {
      idle.push_back(&row);
      idle_total += row.value;
    } else {
      blocked.push_back(&row);
      blocked_total += row.value;
    }
    mutex_profile |= row.via.find("Unlock") != std::string::npos || row.via == "runtime.unlock";
  }
  const bool span = p.duration_nanos >= kMinSpanNanos;
  const double span_s = static_cast<double>(p.duration_nanos) / 1e9;
  const char* endpoint = mutex_profile ? "mutex" : "block";
  // "≈7.9 goroutines blocked all the time" over a known span, else how to get one.
  auto at_once = [&](int64_t v) {
    return fmt::format("≈{:.1f} goroutines blocked all the time",
                       static_cast<double>(v) / static_cast<double>(p.duration_nanos));
  };
  auto amount = [&](int64_t v, std::string_view what) {
    if (span) {
      return fmt::format("{} of {} in {}: {}", FormatValue(v, unit, view.unit), what,
                         FormatDuration(span_s), at_once(v));
    }
    return fmt::format(
        "{} of {} since the program enabled {} profiling; the profile has no duration, so how "
        "many goroutines that is at once is unknown: a delta profile "
        "(/debug/pprof/{}?seconds=30, or `godx pprof URL/debug/pprof/{} --seconds 30`) carries one",
        FormatValue(v, unit, view.unit), what, endpoint, endpoint, endpoint);
  };
  auto site_line = [&](const SiteRow& row) {
    std::string_view mech = RowMechanism(row);
    std::string how = row.via.empty()   ? (mech.empty() ? std::string() : fmt::format(" — {}", mech))
                      : mech.empty()    ? fmt::format(" — via {}", row.via)
                                        : fmt::format(" — {} via {}", mech, row.via);
    return fmt::format("{}: {} ({}){}{}", SiteWithLine(row), FormatValue(row.value, unit, view.unit),
                       Percent(row.value, total), how,
                       span ? ", " + at_once(row.value) : std::string());
  };
  auto excluded_note = [&] {
    return fmt::format("{} ({}) was the profiler's own work (runtime/pprof, net/http/pprof) and "
                       "is left out",
                       FormatValue(res.excluded, unit, view.unit),
                       Percent(res.excluded, res.excluded + total));
  };
  // Without a span only the amount says anything; with one, at least one goroutine blocked on
  // average.
  const bool big = span ? static_cast<double>(blocked_total) / static_cast<double>(p.duration_nanos) >= 1.0
                        : blocked_total >= kMinSpanNanos;
  // A few µs of runtime.GC beside seconds of idle waiting is no finding of its own.
  const bool report_blocked = !blocked.empty() && (big || blocked_total >= idle_total);
  if (report_blocked) {
    const SiteRow& top = *blocked[0];
    std::string_view mech = RowMechanism(top);
    double share = static_cast<double>(top.value) / static_cast<double>(blocked_total);
    Finding f;
    f.id = "contention-sites";
    f.severity = share >= 0.5 && big ? Severity::kWarning : Severity::kInfo;
    std::string value = fmt::format("{} ({} of all waiting)", FormatValue(top.value, unit, view.unit),
                                    FormatPercent(static_cast<double>(top.value) / static_cast<double>(total)));
    if (mech == "channel send") {
      f.title = fmt::format("Goroutines blocked on channel send at {}: {}; the receiver is too slow",
                            SiteWithLine(top), value);
      f.advice = "Backpressure: the channel is full because its receiver cannot keep up. Speed up "
                 "or add receivers, hand over batches instead of single items, or shed load; a "
                 "bigger buffer only delays the wait. A CPU profile of the receiving goroutine "
                 "shows what slows it.";
    } else if (mech == "sync.Mutex" || mech == "sync.RWMutex") {
      f.title = mutex_profile
                    ? fmt::format("Lock contention on {} in {}, where the lock is released: "
                                  "waiters delayed {}",
                                  mech, SiteWithLine(top), value)
                    : fmt::format("Lock contention on {} at {}: {}", mech, SiteWithLine(top), value);
      f.advice = "Hold the lock for less: move work (sorting, allocation, I/O) out of the critical "
                 "section, shard the data by key, or use RWMutex or atomics where reads dominate. "
                 "A mutex profile charges the delay where the lock is released, so the line ends "
                 "the critical section to shorten.";
    } else {
      f.title = fmt::format("Top contended call site (delay): {}{}: {}", SiteWithLine(top),
                            mech.empty() ? std::string() : fmt::format(" ({})", mech), value);
      f.advice = "Time goroutines waited here: shorten the critical section, shard the lock, or "
                 "replace channel hand-offs with batching.";
    }
    for (size_t i = 0; i < blocked.size() && i < 5; ++i) f.evidence.push_back(site_line(*blocked[i]));
    f.evidence.push_back(amount(blocked_total, "blocking"));
    if (!idle.empty()) {
      f.evidence.push_back(fmt::format("{} more was idle waiting (channel receive, select, "
                                       "Cond/WaitGroup), not counted here",
                                       FormatValue(idle_total, unit, view.unit)));
    }
    if (res.excluded > 0) f.evidence.push_back(excluded_note());
    r->findings.push_back(std::move(f));
  }
  // Beside real blocking, a sliver of idle waiting is no finding of its own.
  if (!idle.empty() && (!report_blocked || idle_total * 10 >= total)) {
    const SiteRow& top = *idle[0];
    Finding f;
    f.id = "contention-idle-waits";
    f.severity = Severity::kInfo;
    f.title = fmt::format("Workers waited for work: {} ({} of all waiting), most at {} ({})",
                          FormatValue(idle_total, unit, view.unit),
                          FormatPercent(static_cast<double>(idle_total) / static_cast<double>(total)),
                          SiteWithLine(top), RowMechanism(top));
    for (size_t i = 0; i < idle.size() && i < 5; ++i) f.evidence.push_back(site_line(*idle[i]));
    f.evidence.push_back(amount(idle_total, "idle waiting"));
    if (res.excluded > 0 && !report_blocked) f.evidence.push_back(excluded_note());
    f.advice = "Goroutines blocked receiving (or in select, Cond.Wait, WaitGroup.Wait) are "
               "consumers waiting for work, a timer or others to finish: idle, not a bottleneck by "
               "itself. It matters only when a request waits here on a slow producer; then profile "
               "the producer.";
    r->findings.push_back(std::move(f));
  }
  Json rows = Json::array();
  for (size_t i = 0; i < res.rows.size() && i < 5; ++i) {
    Json j = SiteJson(res.rows[i]);
    std::string_view mech = RowMechanism(res.rows[i]);
    if (!mech.empty()) j["mechanism"] = std::string(mech);
    rows.push_back(std::move(j));
  }
  r->summary["contention-sites"] = std::move(rows);
  r->summary["contention-sites_profiler_excluded"] = res.excluded;
  r->summary["contention_blocked"] = blocked_total;
  r->summary["contention_idle"] = idle_total;
}

// The heap diff's growth by allocation site (the program's own frame and its line, as
// SitesFinding attributes samples), per second over the time between the two captures when it is
// known: the title and evidence of `f`. False when no site grew.
bool HeapDiffSites(const Profile& p, size_t idx, const NodeTable& nodes, std::string_view unit,
                   int64_t net, const ViewOptions& view, Finding* f) {
  SiteResult res = Sites(p, idx, nodes);
  if (res.rows.empty()) return false;
  const double dt = view.diff_interval_s;
  auto grown = [&](int64_t v) { return fmt::format("+{}", FormatValue(v, unit, view.unit)); };
  auto rate = [&](int64_t v) {
    return dt > 0 ? fmt::format(
                        "+{}/s", FormatValue(static_cast<int64_t>(std::llround(double(v) / dt)),
                                             unit, view.unit))
                  : std::string();
  };
  const SiteRow& top = res.rows[0];
  f->title = dt > 0 ? fmt::format("Heap grew {} in {} ({}), most at {}: {} ({})",
                                  net > 0 ? grown(net) : FormatValue(net, unit, view.unit),
                                  FormatDuration(dt), net > 0 ? rate(net) : "no net growth",
                                  SiteWithLine(top), grown(top.value), rate(top.value))
                    : fmt::format("Biggest heap growth at {}: {}", SiteWithLine(top),
                                  grown(top.value));
  for (size_t i = 0; i < res.rows.size() && i < 5; ++i) {
    const SiteRow& row = res.rows[i];
    std::string per_s = rate(row.value);
    f->evidence.push_back(fmt::format("grew   {}: {}{}", SiteWithLine(row), grown(row.value),
                                      per_s.empty() ? "" : ", " + per_s));
  }
  f->evidence.push_back(
      dt > 0 ? fmt::format("{} between the two profiles' capture times", FormatDuration(dt))
             : "the profiles carry no capture times, so no rate");
  if (res.excluded != 0) {
    f->evidence.push_back(fmt::format("{} changed in the profiler's own work (runtime/pprof, "
                                      "net/http/pprof), left out",
                                      FormatValue(res.excluded, unit, view.unit)));
  }
  return true;
}

void GoroutineFindings(const Profile& p, const NodeTable& nodes, size_t idx, Report* r) {
  std::vector<std::pair<int64_t, size_t>> stacks;
  int64_t total = 0;
  const size_t nv = p.num_values();
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + idx];
    total += w;
    if (w > 0) stacks.push_back({w, s});
  }
  if (stacks.empty()) return;
  std::sort(stacks.begin(), stacks.end(), [](auto& a, auto& b) { return a.first > b.first; });
  Finding f;
  f.id = "goroutine-biggest-stacks";
  int64_t top = stacks[0].first;
  f.severity = top >= 10000 ? Severity::kCritical : top >= 1000 ? Severity::kWarning : Severity::kInfo;
  auto describe = [&](size_t s) {
    // The innermost frame of the program's own code, else the leaf.
    std::string leaf, own;
    for (uint32_t li : p.Stack(s)) {
      for (uint32_t n : nodes.Of(li)) {
        // Frames Go's text format leaves unnamed say nothing to a reader.
        if (nodes.Name(n).starts_with("<") || nodes.Name(n).starts_with("[")) continue;
        if (leaf.empty()) leaf = nodes.Name(n);
        if (own.empty() && !IsStdFunction(nodes.Name(n))) own = nodes.Name(n);
      }
    }
    if (own.empty() || own == leaf) return leaf.empty() ? std::string("<no stack>") : leaf;
    return fmt::format("{} (in {})", own, leaf);
  };
  f.title = fmt::format("{} of {} goroutines share one stack: {}", FormatCount(static_cast<uint64_t>(top)),
                        FormatCount(static_cast<uint64_t>(total)), describe(stacks[0].second));
  for (size_t i = 0; i < stacks.size() && i < 5; ++i) {
    f.evidence.push_back(fmt::format("{}: {}", Plural(static_cast<uint64_t>(stacks[i].first), "goroutine"),
                                     describe(stacks[i].second)));
  }
  f.advice = top >= 1000
                 ? "Thousands of goroutines parked at one place usually means a leak: a missing "
                   "cancel/close, or a send nobody receives. `godx pprof traces` shows the full stack."
                 : "No single stack holds many goroutines.";
  r->findings.push_back(std::move(f));
}

// The goroutineleak profile (Go 1.26+) holds only goroutines that a GC cycle proved blocked for
// good: parked on a channel or lock that nothing reachable can ever touch again. That is the
// runtime's verdict, not a heuristic over stack shapes, so any sample at all is a real leak.
void GoroutineLeakFindings(const Profile& p, const NodeTable& nodes, size_t idx,
                           const ViewOptions& view, Report* r) {
  int64_t total = ComputeTotal(p, idx);
  r->summary["leaked_goroutines"] = total;
  if (total <= 0) return;
  auto sites = Sites(p, idx, nodes, /*exclude_profiler=*/false).rows;
  Finding f;
  f.id = "goroutine-leak-proven";
  f.severity = ProvenLeakSeverity(static_cast<uint64_t>(total));
  std::string where = sites.empty() ? std::string("<no stack>") : sites[0].name;
  f.title = fmt::format(
      "{} goroutines are leaked for good (the runtime's GC proved they can never run again); "
      "most at {}",
      FormatCount(static_cast<uint64_t>(total)), where);
  Json rows = Json::array();
  for (size_t i = 0; i < sites.size() && i < 5; ++i) {
    f.evidence.push_back(fmt::format("{}: {} leaked goroutines ({})", sites[i].name,
                                     FormatValue(sites[i].value, "count", view.unit),
                                     Percent(sites[i].value, total)));
    rows.push_back({{"function", sites[i].name}, {"goroutines", sites[i].value}});
  }
  f.evidence.push_back(
      "Source: the goroutineleak profile, written after a GC cycle that found these goroutines "
      "blocked on objects unreachable from any runnable goroutine: stronger evidence than counting "
      "parked goroutines");
  r->summary["leak_sites"] = std::move(rows);
  f.advice =
      "Each site waits on a channel, mutex or WaitGroup that only the leaked goroutines still "
      "reference: give it a way out (close the channel, cancel a context, use a buffered channel "
      "for a result nobody may read). `godx pprof traces` shows the full stacks; the debug=2 form "
      "of the profile shows each goroutine with its wait reason.";
  r->findings.push_back(std::move(f));
}

}  // namespace

std::string_view ProfileKind(const Profile& p) {
  if (HasType(p, "cpu") || (p.sample_types.size() == 2 && HasType(p, "samples") && HasType(p, "cpu"))) return "cpu";
  if (HasType(p, "inuse_space") || HasType(p, "alloc_space") || HasType(p, "space")) return "heap";
  if (HasType(p, "contentions") || HasType(p, "delay")) return "contention";
  if (HasType(p, "goroutineleak")) return "goroutineleak";
  if (HasType(p, "goroutine")) return "goroutine";
  if (HasType(p, "threadcreate")) return "threadcreate";
  return "other";
}

void DropInlinedFrames(Profile* p) {
  for (Location& l : p->locations) {
    if (l.line_count > 1) {
      l.line_begin += l.line_count - 1;
      l.line_count = 1;
    }
  }
}

Result<size_t> ResolveSampleIndex(const Profile& p, const std::string& wanted) {
  if (p.sample_types.empty()) return Status::Error("the profile has no sample types");
  if (wanted.empty()) return p.DefaultSampleIndex();
  int i = p.FindSampleIndex(wanted);
  if (i < 0) {
    std::string choices;
    for (const auto& vt : p.sample_types) {
      if (!choices.empty()) choices += ", ";
      choices += p.Str(vt.type);
    }
    return Status::Error(fmt::format("--sample_index: no sample type '{}' (choices: {})", wanted, choices));
  }
  return static_cast<size_t>(i);
}

Report AnalyzeProfile(const Profile& p, std::string_view source, size_t idx,
                      const ViewOptions& view, const AnalyzeOptions& options) {
  Report r;
  r.kind = "pprof";
  r.source = std::string(source);
  TopResult top = ComputeTop(p, idx, view.cum_sort);
  std::string_view type = idx < p.sample_types.size() ? p.Str(p.sample_types[idx].type) : "";
  std::string_view unit = idx < p.sample_types.size() ? p.Str(p.sample_types[idx].unit) : "";
  std::string_view kind = ProfileKind(p);
  bool diff = false;
  for (const Label& l : p.labels) {
    if (p.Str(l.key) == "pprof::base") diff = true;
  }
  int64_t net = 0;
  for (size_t i = 0; diff && idx < p.num_values() && i < p.num_samples(); ++i) {
    net += p.values[i * p.num_values() + idx];
  }
  auto signed_value = [&](int64_t v) {
    std::string s = FormatValue(v, unit, view.unit);
    return v > 0 ? fmt::format("+{}", s) : s;
  };
  if (diff) {
    r.title = fmt::format("{} profile diff: {} changed by {} ({} of the base's {}) in {}",
                          kind, type, signed_value(net), Percent(net, top.total),
                          FormatValue(top.total, unit, view.unit), Plural(p.num_samples(), "sample"));
  } else if (kind == "goroutineleak") {
    r.title = fmt::format("goroutine leak profile: {} leaked goroutine{} in {} stack{} ({})",
                          FormatValue(top.total, unit, view.unit), top.total == 1 ? "" : "s",
                          FormatCount(p.num_samples()), p.num_samples() == 1 ? "" : "s",
                          SourceFormatName(p.format));
  } else {
    r.title = fmt::format("{} profile: {} {} in {} ({})", kind,
                          FormatValue(top.total, unit, view.unit), type,
                          Plural(p.num_samples(), "sample"), SourceFormatName(p.format));
  }
  std::string types;
  for (const auto& vt : p.sample_types) {
    if (!types.empty()) types += ", ";
    types += fmt::format("{}/{}", p.Str(vt.type), p.Str(vt.unit));
  }
  r.facts.push_back({"Sample types", types});
  r.facts.push_back({"Showing", fmt::format("{} ({}), total {}", type, unit, FormatValue(top.total, unit, view.unit))});
  if (p.duration_nanos > 0) r.facts.push_back({"Duration", FormatDuration(static_cast<double>(p.duration_nanos) / 1e9)});
  if (p.period != 0) {
    r.facts.push_back({"Period", fmt::format("{} {}", p.period, p.Str(p.period_type.unit))});
  }
  r.facts.push_back({"Functions", FormatCount(top.rows.size())});
  if (kind == "goroutineleak") {
    r.facts.push_back({"Meaning",
                       "goroutines a GC cycle proved blocked forever (nothing reachable can wake "
                       "them)"});
  }
  SetGoRelease(r, InferRelease(p));
  for (StringId c : p.comments) r.facts.push_back({"Comment", std::string(p.Str(c))});
  if (diff) {
    r.facts.push_back({"Diff", "values are NEW minus BASE; percentages are of the base total"});
  }

  // Findings.
  if (diff) {
    // What grew and what shrank most, by the functions' own (flat) change.
    std::vector<const TopRow*> grew, shrank;
    for (const TopRow& row : top.rows) {
      if (row.flat > 0) grew.push_back(&row);
      if (row.flat < 0) shrank.push_back(&row);
    }
    std::sort(grew.begin(), grew.end(), [](auto* a, auto* b) { return a->flat > b->flat; });
    std::sort(shrank.begin(), shrank.end(), [](auto* a, auto* b) { return a->flat < b->flat; });
    if (!grew.empty() || !shrank.empty()) {
      Finding f;
      f.id = "diff-changes";
      double share = top.total > 0 ? static_cast<double>(net) / static_cast<double>(top.total) : 0;
      f.severity = share >= 0.5 ? Severity::kWarning : Severity::kInfo;
      f.title = grew.empty() ? fmt::format("Biggest shrink: {} ({})", shrank[0]->name, signed_value(shrank[0]->flat))
                             : fmt::format("Biggest growth: {} ({}, {} of the base)", grew[0]->name,
                                           signed_value(grew[0]->flat), Percent(grew[0]->flat, top.total));
      // A heap diff names the program's own allocation sites and lines that grew, and how fast.
      if (kind == "heap" && HeapDiffSites(p, idx, *top.nodes, unit, net, view, &f)) {
        grew.clear();
      }
      for (size_t i = 0; i < grew.size() && i < 5; ++i) {
        f.evidence.push_back(fmt::format("grew   {}: {}", grew[i]->name, signed_value(grew[i]->flat)));
      }
      for (size_t i = 0; i < shrank.size() && i < 3; ++i) {
        f.evidence.push_back(fmt::format("shrank {}: {}", shrank[i]->name, signed_value(shrank[i]->flat)));
      }
      f.advice = "`godx pprof flame --diff_base BASE NEW -o diff.html` shows where in the call tree "
                 "the change sits (red grew, blue shrank).";
      r.findings.push_back(std::move(f));
    }
    r.summary["net_change"] = net;
    r.summary["diff_interval_s"] =
        view.diff_interval_s > 0 ? Json(view.diff_interval_s) : Json(nullptr);
  } else {
    if (kind == "cpu") {
      CpuFindings(p, idx, top, view, &r);
    } else if (kind == "heap") {
      // The finding of the sample type shown comes first: who allocates for an allocs profile
      // (alloc_space is its default), what is held for a heap profile (inuse_space).
      const int inuse = p.FindSampleIndex("inuse_space"), alloc = p.FindSampleIndex("alloc_space");
      const bool alloc_first = type.starts_with("alloc_");
      if (alloc_first) HeapSitesFinding(p, *top.nodes, alloc, HeapKind::kAlloc, view, &r);
      HeapSitesFinding(p, *top.nodes, inuse, HeapKind::kInuse, view, &r);
      if (!alloc_first) HeapSitesFinding(p, *top.nodes, alloc, HeapKind::kAlloc, view, &r);
    } else if (kind == "contention") {
      ContentionFindings(p, *top.nodes, p.FindSampleIndex("delay"), view, &r);
    } else if (kind == "goroutine") {
      GoroutineFindings(p, *top.nodes, idx, &r);
    } else if (kind == "goroutineleak") {
      GoroutineLeakFindings(p, *top.nodes, idx, view, &r);
    }
  }

  r.summary["sample_type"] = std::string(type);
  r.summary["unit"] = std::string(unit);
  r.summary["total"] = top.total;
  r.summary["profile_kind"] = std::string(kind);
  r.summary["format"] = std::string(SourceFormatName(p.format));
  r.summary["samples"] = p.num_samples();
  r.summary["duration_ns"] = p.duration_nanos;
  r.summary["diff"] = diff;
  Json sts = Json::array();
  for (const auto& vt : p.sample_types) sts.push_back({{"type", std::string(p.Str(vt.type))}, {"unit", std::string(p.Str(vt.unit))}});
  r.summary["sample_types"] = std::move(sts);

  if (options.json) {
    Json rows = Json::array();
    for (const TopRow& row : top.rows) {
      Json j = {{"function", std::string(row.name)}, {"flat", row.flat}, {"cum", row.cum}};
      if (!row.InlineLabel().empty()) j["inline"] = std::string(row.InlineLabel());
      rows.push_back(std::move(j));
    }
    r.extra["rows"] = std::move(rows);
  } else {
    Table t;
    t.title = view.cum_sort ? "Top functions by cum" : "Top functions by flat";
    t.columns = {"flat", "flat%", "sum%", "cum", "cum%", "function"};
    t.right = {true, true, true, true, true, false};
    int64_t sum = 0;
    size_t limit = view.nodecount > 0 ? static_cast<size_t>(view.nodecount) : top.rows.size();
    for (size_t i = 0; i < top.rows.size(); ++i) {
      const TopRow& row = top.rows[i];
      sum += row.flat;
      if (i >= limit) continue;
      std::string name(row.name);
      if (!row.InlineLabel().empty()) name += fmt::format(" {}", row.InlineLabel());
      t.rows.push_back({FormatValue(row.flat, unit, view.unit), Percent(row.flat, top.total),
                        Percent(sum, top.total), FormatValue(row.cum, unit, view.unit),
                        Percent(row.cum, top.total), name});
    }
    if (top.rows.size() > limit) t.omitted_rows = top.rows.size() - limit;
    r.tables.push_back(std::move(t));
  }
  for (const std::string& n : p.notes) r.warnings.push_back(n);
  return r;
}

Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(Profile p, ReadProfile(input));
  ViewOptions view;
  view.cores = options.cores;
  GODX_ASSIGN_OR_RETURN(size_t idx, ResolveSampleIndex(p, view.sample_index));
  return AnalyzeProfile(p, input.name(), idx, view, options);
}

}  // namespace godx::pprof
