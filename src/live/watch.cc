#include "live/watch.h"

#include <fmt/format.h>

#include "core/go_release.h"
#include "core/plural.h"
#include "core/units.h"
#include "live/expvar.h"
#include "live/goroutine_profile.h"
#include "live/proc.h"

namespace godx::live {

namespace {

constexpr size_t kMaxSamples = 100000;

Json Opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

WatchSample Watcher::Poll(double t, std::vector<std::string>* errors) {
  WatchSample s;
  s.t = t;
  // A service with godx's agent but no pprof is sampled through the agent (below).
  if (config_.pprof && (!config_.agent || config_.agent->pprof)) {
    FetchOptions fo;
    fo.connect_timeout_s = std::min(3.0, config_.timeout_s);
    fo.timeout_s = config_.timeout_s;
    fo.max_bytes = uint64_t{64} << 20;
    auto res = HttpGet(*config_.pprof, config_.pprof->path + "goroutine?debug=1", fo);
    if (!res.ok()) {
      errors->push_back(res.status().message());
    } else if (res->status != 200) {
      errors->push_back(
          fmt::format("{}goroutine?debug=1: HTTP {}", config_.pprof->ToString(), res->status));
    } else if (auto total = GoroutineTotal(res->body)) {
      s.goroutines = static_cast<int64_t>(*total);
      if (first_debug1_.empty()) first_debug1_ = res->body;
      last_debug1_ = std::move(res->body);
    } else {
      errors->push_back(fmt::format("{}goroutine?debug=1: expected 'goroutine profile: total N'",
                                    config_.pprof->ToString()));
    }
    std::string vars =
        config_.pprof->path.substr(0, config_.pprof->path.size() - std::string("pprof/").size()) +
        "vars";
    fo.max_bytes = uint64_t{16} << 20;
    auto vr = HttpGet(*config_.pprof, vars, fo);
    if (vr.ok() && vr->status == 200) {
      auto ev = ParseExpvars(vr->body, vars);
      if (ev.ok() && ev->memstats.heap_alloc >= 0) s.heap_bytes = ev->memstats.heap_alloc;
    }
  }
  if (config_.pid >= 0) {
    auto p = ReadProcess(config_.pid, config_.proc_root);
    if (!p.ok()) {
      errors->push_back(p.status().message());
    } else {
      if (p->status.threads >= 0) s.threads = p->status.threads;
      if (p->status.vm_rss >= 0) s.rss_bytes = p->status.vm_rss;
      if (p->status.rss_anon >= 0) s.rss_anon_bytes = p->status.rss_anon;
      if (p->status.rss_file >= 0) s.rss_file_bytes = p->status.rss_file;
      // Not an error when it fails: smaps may be unreadable (another user's process) while
      // status is not, and the kinds only refine what status says.
      if (auto m = ReadMemoryKinds(config_.pid, config_.proc_root); m.ok()) {
        if (!first_memory_) first_memory_ = *m;
        last_memory_ = *m;
        m->files.clear();
        s.memory = std::move(m).value();
      }
    }
  }
  if (config_.agent) PollAgentCrossCheck(*config_.agent, config_.timeout_s, &s, errors);
  if (samples_.size() >= kMaxSamples)
    samples_.erase(samples_.begin(), samples_.begin() + kMaxSamples / 2);
  samples_.push_back(s);
  return s;
}

namespace {

struct SeriesDef {
  const char* id;
  const char* name;
  std::optional<int64_t> WatchSample::*field;
  bool bytes;
};

std::string FormatValue(double x, bool bytes) {
  return bytes ? FormatBytes(x) : FormatCount(uint64_t(std::max(0.0, x)));
}

std::string FormatPerSecond(double per_second, bool bytes) {
  return bytes ? FormatBytes(per_second * 60) + "/min" : FormatRate(per_second);
}

// The value of `field` at the sample nearest to `t` (nullopt when none has it).
std::optional<double> ValueAt(const std::vector<WatchSample>& samples,
                              std::optional<int64_t> WatchSample::*field, double t) {
  std::optional<double> best;
  double best_d = 0;
  for (const auto& s : samples) {
    if (!(s.*field)) continue;
    double d = std::fabs(s.t - t);
    if (!best || d < best_d) {
      best = double(*(s.*field));
      best_d = d;
    }
  }
  return best;
}

// The sample nearest to `t` that has smaps kinds; null when none has.
const MemoryKinds* MemoryAt(const std::vector<WatchSample>& samples, double t) {
  const MemoryKinds* best = nullptr;
  double best_d = 0;
  for (const auto& s : samples) {
    if (!s.memory) continue;
    double d = std::fabs(s.t - t);
    if (best == nullptr || d < best_d) {
      best = &*s.memory;
      best_d = d;
    }
  }
  return best;
}

// How each kind of mapping moved between two smaps readings `span_s` apart, and which kind
// outside the Go heap grew most.
struct KindsGrowth {
  const MemoryKind* top = nullptr;  // null when no kind outside the Go heap grew
  double top_rise = 0;
  double go_heap_rise = 0;
  std::vector<std::string> evidence;
};

KindsGrowth CompareKinds(const MemoryKinds& a, const MemoryKinds& b, double span_s) {
  KindsGrowth g;
  std::string line = "/proc/PID/smaps, resident by kind:";
  bool first = true;
  for (const MemoryKind& k : MemoryKindTable()) {
    double before = double(a.*k.bytes), after = double(b.*k.bytes);
    double rise = after - before;
    std::string_view id = k.id;
    if (id == "go_heap") {
      g.go_heap_rise = rise;
    } else if (rise > g.top_rise) {
      g.top = &k;
      g.top_rise = rise;
    }
    line += fmt::format("{} {} {} → {}", first ? "" : ";", k.name, FormatBytes(before),
                        FormatBytes(after));
    if (id == "stacks") line += fmt::format(" ({} → {})", a.stack_count, Plural(uint64_t(b.stack_count), "stack"));
    if (id == "malloc" && (a.malloc_arenas > 0 || b.malloc_arenas > 0)) {
      line += fmt::format(" ({} → {} besides [heap])", a.malloc_arenas, Plural(uint64_t(b.malloc_arenas), "arena"));
    }
    first = false;
  }
  g.evidence.push_back(line);
  if (span_s > 0 && g.top != nullptr) {
    g.evidence.push_back(fmt::format("{} grew {} → {} at {}", g.top->name,
                                     FormatBytes(double(a.*g.top->bytes)),
                                     FormatBytes(double(b.*g.top->bytes)),
                                     FormatPerSecond(g.top_rise / span_s, true)));
  }
  if (a.cut || b.cut) g.evidence.push_back("smaps was cut at the read cap: sizes are lower bounds");
  return g;
}

// The mapped file that grew most between the two readings, as "PATH A → B"; "" when none grew.
std::string GrowingFile(const MemoryKinds& a, const MemoryKinds& b) {
  std::string best;
  int64_t most = 0;
  for (const auto& [path, after] : b.files) {
    auto it = a.files.find(path);
    int64_t rise = after - (it == a.files.end() ? 0 : it->second);
    if (rise > most) {
      most = rise;
      best = fmt::format("{} {} → {}", path,
                         FormatBytes(double(it == a.files.end() ? 0 : it->second)),
                         FormatBytes(double(after)));
    }
  }
  return best;
}

// What to do about growth of one kind of mapping.
std::string KindAdvice(std::string_view id) {
  if (id == "file") {
    return "The growth is file-backed memory (mapped files), not the Go heap: look for files "
           "mapped with syscall.Mmap or a memory-mapped store, and unmap what is no longer "
           "read. Heap profiles will not show it.";
  }
  if (id == "malloc") {
    return "The growth is in the C allocator (the malloc arenas and [heap]): memory C code "
           "allocates through cgo and does not free (C.CString and C.malloc need C.free). Heap "
           "profiles will not show it; a C heap profiler (jemalloc's, heaptrack) will.";
  }
  if (id == "stacks") {
    return "The growth is thread stacks: threads that are created and not ended, by C code "
           "through cgo or by goroutines locked with LockOSThread that never exit; 'godx "
           "doctor' compares the threadcreate profile with the thread count.";
  }
  return "The growth is anonymous memory the Go heap does not hold: syscall.Mmap(MAP_ANON) "
         "regions, or C allocations large enough for malloc to map them alone (128 KiB and up). "
         "/proc/PID/smaps lists the mappings; heap profiles will not show it.";
}

Finding GrowthFinding(const char* id, const char* name, const Growth& g, bool bytes) {
  auto v = [&](double x) { return FormatValue(x, bytes); };
  std::string rate = FormatPerSecond(g.per_second, bytes);
  double grew_s = g.grew_to_s - g.grew_from_s;
  Finding f;
  f.id = id;
  bool doubled = g.last >= 2 * g.first;
  if (g.plateau) {
    // Grown, then held: what it cost stays, but it is not growing now.
    f.severity = doubled ? Severity::kWarning : Severity::kInfo;
    f.title = fmt::format(
        "{} grew from {} to {} in {} ({}), then held at {} for the last {} ({} of {} samples)",
        name, v(g.first), v(g.last), FormatDuration(grew_s), rate, v(g.last),
        FormatDuration(g.end_s - g.plateau_since_s),
        g.plateau_samples, g.samples);
  } else {
    f.severity = doubled ? Severity::kCritical : Severity::kWarning;
    bool plural = std::string_view(name) == "Goroutines" || std::string_view(name) == "OS threads";
    f.title = fmt::format("{} {} growing: {} → {} in {} ({})", name, plural ? "keep" : "keeps",
                          v(g.first), v(g.last),
                          FormatDuration(grew_s), rate);
  }
  f.evidence.push_back(fmt::format("{} samples from +{:.1f}s to +{:.1f}s rose {} → {} at {}{}",
                                   g.grew_samples, g.grew_from_s, g.grew_to_s, v(g.first),
                                   v(g.last), rate,
                                   g.grew_samples >= 3 ? fmt::format(" (linear fit r² {:.2f})", g.r2)
                                                       : std::string()));
  if (g.plateau) {
    f.evidence.push_back(fmt::format(
        "growth stopped at +{:.1f}s: the last {} samples stay at {}", g.plateau_since_s,
        g.plateau_samples, v(g.last)));
  } else {
    f.evidence.push_back(fmt::format("still rising at the last sample ({} samples over {})",
                                     g.samples, FormatDuration(g.seconds)));
  }
  return f;
}

}  // namespace

std::vector<Finding> Watcher::Leaks() const {
  const SeriesDef series[] = {
      {"goroutine-leak", "Goroutines", &WatchSample::goroutines, false},
      {"thread-leak", "OS threads", &WatchSample::threads, false},
      {"rss-growth", "RSS", &WatchSample::rss_bytes, true},
      {"heap-growth", "Go heap", &WatchSample::heap_bytes, true},
  };
  const GrowthRule* rules[] = {&config_.goroutines, &config_.threads, &config_.rss, &config_.heap};
  std::optional<Growth> growth[4];
  size_t points[4] = {0, 0, 0, 0};
  for (size_t k = 0; k < 4; ++k) {
    std::vector<double> t, v;
    for (const auto& s : samples_) {
      if (!(s.*series[k].field)) continue;
      t.push_back(s.t);
      v.push_back(double(*(s.*series[k].field)));
    }
    points[k] = v.size();
    growth[k] = DetectGrowth(t, v, *rules[k], config_.window);
  }
  std::vector<Finding> out;
  for (size_t k = 0; k < 4; ++k) {
    if (!growth[k]) continue;
    const Growth& g = *growth[k];
    const SeriesDef& se = series[k];
    Finding f = GrowthFinding(se.id, se.name, g, se.bytes);
    std::string_view id = se.id;
    if (id == "goroutine-leak") {
      if (!HasStackDiff()) {
        f.evidence.push_back(
            "stacks that grow: not available in this build (needs the goroutine dump reader); "
            "run 'godx doctor' for the dump");
      } else {
        auto grown = GetStackDiff()(first_debug1_, last_debug1_);
        for (size_t i = 0; i < grown.size() && i < 5; ++i) {
          f.evidence.push_back(
              fmt::format("{} → {}: {}", grown[i].before, grown[i].after, grown[i].stack));
        }
      }
      f.advice =
          g.plateau
              ? "The goroutines stopped growing; if the level is higher than the load needs, "
                "find the stacks that grew ('godx doctor' captures the dump) and check that "
                "they end."
              : "Goroutines that never end: find the growing stacks ('godx doctor' captures "
                "the dump) and give them a way out (context cancel, closed channel, timeout).";
    } else if (id == "thread-leak") {
      f.advice =
          "Threads are created for goroutines blocked in system calls or cgo, or locked "
          "with LockOSThread, or by C code, and are never freed; 'godx doctor' compares "
          "the threadcreate profile with the thread count.";
    } else if (id == "rss-growth") {
      // RSS against the Go heap over the span RSS grew: the part the heap does not explain. The
      // heap is expvar's HeapAlloc when the service serves it, else what smaps holds resident in
      // the Go heap's address range.
      std::optional<double> h0 = ValueAt(samples_, &WatchSample::heap_bytes, g.grew_from_s),
                            h1 = ValueAt(samples_, &WatchSample::heap_bytes, g.grew_to_s);
      const MemoryKinds* m0 = MemoryAt(samples_, g.grew_from_s);
      const MemoryKinds* m1 = MemoryAt(samples_, g.grew_to_s);
      double span = g.grew_to_s - g.grew_from_s;
      std::optional<KindsGrowth> kinds;
      if (m0 && m1 && m0 != m1) kinds = CompareKinds(*m0, *m1, span);
      std::string heap_source = "expvar HeapAlloc";
      if (!(h0 && h1 && points[3] >= 2) && kinds) {
        h0 = double(m0->go_heap);
        h1 = double(m1->go_heap);
        heap_source = "smaps, the Go heap's address range";
      }
      double rss_rise = g.last - g.first;
      if (h0 && h1) {
        double heap_rise = *h1 - *h0;
        if (heap_rise < 0.25 * rss_rise) {
          double outside = rss_rise - std::max(0.0, heap_rise);
          f.id = "rss-growth-off-heap";
          std::string where;
          if (kinds && kinds->top != nullptr && kinds->top_rise >= 0.5 * outside) {
            where = fmt::format("; {} grew {} → {}", kinds->top->name,
                                FormatBytes(double(m0->*kinds->top->bytes)),
                                FormatBytes(double(m1->*kinds->top->bytes)));
          }
          f.title = fmt::format(
              "RSS grows outside the Go heap: {} → {} in {} ({}) while the Go heap went {} → {}{}",
              FormatBytes(g.first), FormatBytes(g.last), FormatDuration(span),
              FormatPerSecond(g.per_second, true), FormatBytes(*h0), FormatBytes(*h1), where);
          if (g.plateau) {
            f.title = fmt::format(
                "RSS grew outside the Go heap: {} → {} in {} ({}), then held; the Go heap "
                "went {} → {}{}",
                FormatBytes(g.first), FormatBytes(g.last), FormatDuration(span),
                FormatPerSecond(g.per_second, true), FormatBytes(*h0), FormatBytes(*h1), where);
          }
          f.evidence.push_back(fmt::format(
              "over the same span the Go heap ({}) went {} → {}: {} of the RSS growth ({}) is "
              "outside it",
              heap_source, FormatBytes(*h0), FormatBytes(*h1), FormatBytes(outside),
              span > 0 ? FormatPerSecond(outside / span, true) : std::string("-")));
          auto a0 = ValueAt(samples_, &WatchSample::rss_anon_bytes, g.grew_from_s),
               a1 = ValueAt(samples_, &WatchSample::rss_anon_bytes, g.grew_to_s),
               f0 = ValueAt(samples_, &WatchSample::rss_file_bytes, g.grew_from_s),
               f1 = ValueAt(samples_, &WatchSample::rss_file_bytes, g.grew_to_s);
          std::string kind = "anon";
          if (a0 && a1 && f0 && f1) {
            double anon = *a1 - *a0, file = *f1 - *f0;
            f.evidence.push_back(fmt::format(
                "/proc/PID/status: RssAnon {} → {} ({:+.1f} MiB), RssFile {} → {} ({:+.1f} MiB)",
                FormatBytes(*a0), FormatBytes(*a1), anon / (1 << 20), FormatBytes(*f0),
                FormatBytes(*f1), file / (1 << 20)));
            kind = anon >= file ? "anon" : "file";
          }
          if (kinds) {
            for (auto& e : kinds->evidence) f.evidence.push_back(std::move(e));
            if (kinds->top != nullptr && kinds->top_rise >= 0.5 * outside) kind = kinds->top->id;
            if (kind == "file" && first_memory_ && last_memory_) {
              std::string file = GrowingFile(*first_memory_, *last_memory_);
              if (!file.empty()) f.evidence.push_back("the mapped file that grew most: " + file);
            }
          }
          f.advice = KindAdvice(kind);
          out.push_back(std::move(f));
          continue;
        }
        // The heap explains the growth: one cause, told once, under the heap's finding.
        if (growth[3]) continue;
      }
      f.advice =
          "Capture heap profiles some minutes apart ('godx doctor') and compare them to "
          "find what keeps memory alive.";
    } else {
      if (growth[2]) {
        f.evidence.push_back(fmt::format("RSS over the same watch: {} → {}",
                                         FormatBytes(growth[2]->first),
                                         FormatBytes(growth[2]->last)));
      }
      f.advice =
          "Capture heap profiles some minutes apart ('godx doctor') and compare them to "
          "find what keeps memory alive.";
    }
    out.push_back(std::move(f));
  }
  return out;
}

Json SampleToJson(const WatchSample& s) {
  Json memory = nullptr;
  if (s.memory) {
    memory = Json::object();
    for (const MemoryKind& k : MemoryKindTable()) memory[std::string(k.id) + "_bytes"] = (*s.memory).*k.bytes;
    memory["thread_stacks"] = s.memory->stack_count;
    memory["malloc_arenas"] = s.memory->malloc_arenas;
  }
  return Json{{"t", std::round(s.t * 1000) / 1000},
              {"goroutines", Opt(s.goroutines)},
              {"threads", Opt(s.threads)},
              {"rss_bytes", Opt(s.rss_bytes)},
              {"heap_bytes", Opt(s.heap_bytes)},
              {"rss_anon_bytes", Opt(s.rss_anon_bytes)},
              {"rss_file_bytes", Opt(s.rss_file_bytes)},
              {"memory", memory}};
}

std::string SampleLine(const WatchSample& s) {
  auto c = [](const std::optional<int64_t>& v) {
    return v ? FormatCount(uint64_t(*v)) : std::string("?");
  };
  auto b = [](const std::optional<int64_t>& v) {
    return v ? FormatBytes(double(*v)) : std::string("?");
  };
  return fmt::format("{:>8}  goroutines {:>9}  threads {:>6}  rss {:>10}  heap {:>10}",
                     fmt::format("+{:.1f}s", s.t), c(s.goroutines), c(s.threads), b(s.rss_bytes),
                     b(s.heap_bytes));
}

Report Watcher::Summary(const std::string& source) const {
  Report r;
  r.kind = "watch";
  r.source = source;
  double span = samples_.empty() ? 0 : samples_.back().t - samples_.front().t;
  r.title = fmt::format("Watch: {} over {}", Plural(samples_.size(), "sample"), FormatDuration(span));
  r.findings = Leaks();
  r.summary["samples"] = samples_.size();
  r.summary["seconds"] = span;
  r.summary["stack_diff_available"] = HasStackDiff();
  r.summary["go_version"] = config_.go_version.empty() ? Json(nullptr) : Json(config_.go_version);
  SetGoRelease(r, GoReleaseOfBinary(config_.go_version));
  auto range = [&](std::optional<int64_t> WatchSample::*field, bool bytes, const char* label,
                   const char* key) {
    std::optional<int64_t> lo, hi, first, last;
    for (const auto& s : samples_) {
      if (!(s.*field)) continue;
      int64_t v = *(s.*field);
      if (!first) first = v;
      last = v;
      lo = lo ? std::min(*lo, v) : v;
      hi = hi ? std::max(*hi, v) : v;
    }
    Json j = nullptr;
    if (first) {
      j = Json{{"first", *first}, {"last", *last}, {"min", *lo}, {"max", *hi}};
      auto f = [&](int64_t v) { return bytes ? FormatBytes(double(v)) : FormatCount(uint64_t(v)); };
      r.facts.push_back(
          {label, fmt::format("{} → {} (min {}, max {})", f(*first), f(*last), f(*lo), f(*hi))});
    }
    r.summary[key] = j;
  };
  range(&WatchSample::goroutines, false, "Goroutines", "goroutines");
  range(&WatchSample::threads, false, "Threads", "threads");
  range(&WatchSample::rss_bytes, true, "RSS", "rss_bytes");
  range(&WatchSample::heap_bytes, true, "Go heap", "heap_bytes");
  if (first_memory_ && last_memory_) {
    std::string line;
    for (const MemoryKind& k : MemoryKindTable()) {
      line += fmt::format("{}{} {} → {}", line.empty() ? "" : "; ", k.name,
                          FormatBytes(double((*first_memory_).*k.bytes)),
                          FormatBytes(double((*last_memory_).*k.bytes)));
    }
    r.facts.push_back({"Memory by kind", line + " (/proc/PID/smaps)"});
  }
  if (r.findings.empty()) r.facts.push_back({"Leaks", "no sustained growth"});
  Table t{"Samples",
          {"t", "goroutines", "threads", "rss", "heap"},
          {true, true, true, true, true},
          {},
          0};
  size_t step = samples_.size() > 20 ? (samples_.size() + 19) / 20 : 1;
  for (size_t i = 0; i < samples_.size(); i += step) {
    const auto& s = samples_[i];
    auto c = [](const std::optional<int64_t>& v) { return v ? FormatCount(uint64_t(*v)) : "?"; };
    auto b = [](const std::optional<int64_t>& v) { return v ? FormatBytes(double(*v)) : "?"; };
    t.rows.push_back({fmt::format("+{:.1f}s", s.t), c(s.goroutines), c(s.threads), b(s.rss_bytes),
                      b(s.heap_bytes)});
  }
  if (step > 1) t.title += fmt::format(" (one in {})", step);
  r.tables.push_back(std::move(t));
  r.SortFindings();
  return r;
}

}  // namespace godx::live
