#include "live/watch.h"

#include <fmt/format.h>

#include "core/go_release.h"
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
  if (config_.pprof) {
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
    }
  }
  if (samples_.size() >= kMaxSamples)
    samples_.erase(samples_.begin(), samples_.begin() + kMaxSamples / 2);
  samples_.push_back(s);
  return s;
}

std::vector<Finding> Watcher::Leaks() const {
  struct Series {
    const char* id;
    const char* name;
    std::optional<int64_t> WatchSample::*field;
    const GrowthRule* rule;
    bool bytes;
  };
  const Series series[] = {
      {"goroutine-leak", "Goroutines", &WatchSample::goroutines, &config_.goroutines, false},
      {"thread-leak", "OS threads", &WatchSample::threads, &config_.threads, false},
      {"rss-growth", "RSS", &WatchSample::rss_bytes, &config_.rss, true},
      {"heap-growth", "Go heap", &WatchSample::heap_bytes, &config_.heap, true},
  };
  std::vector<Finding> out;
  for (const auto& se : series) {
    std::vector<double> t, v;
    for (const auto& s : samples_) {
      if (!(s.*se.field)) continue;
      t.push_back(s.t);
      v.push_back(double(*(s.*se.field)));
    }
    auto g = DetectGrowth(t, v, *se.rule, config_.window);
    if (!g) continue;
    auto fmtv = [&](double x) { return se.bytes ? FormatBytes(x) : FormatCount(uint64_t(x)); };
    Finding f;
    f.id = se.id;
    f.severity = g->last >= 2 * g->first ? Severity::kCritical : Severity::kWarning;
    f.title = fmt::format(
        "{} grow steadily: {} → {} in {} ({}{})", se.name, fmtv(g->first), fmtv(g->last),
        FormatDuration(g->seconds),
        se.bytes ? FormatBytes(g->per_second * 60) + "/min" : FormatRate(g->per_second), "");
    f.evidence.push_back(fmt::format("{} samples over {}, linear fit r² {:.2f}, {} per minute",
                                     g->samples, FormatDuration(g->seconds), g->r2,
                                     fmtv(g->per_second * 60)));
    if (std::string_view(se.id) == "goroutine-leak") {
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
          "Goroutines that never end: find the growing stacks ('godx doctor' captures the "
          "dump) and give them a way out (context cancel, closed channel, timeout).";
    } else if (std::string_view(se.id) == "thread-leak") {
      f.advice =
          "Threads are created for goroutines blocked in system calls or cgo, or locked "
          "with LockOSThread, and are never freed; see the threadcreate profile.";
    } else {
      f.advice =
          "Capture heap profiles some minutes apart ('godx doctor') and compare them to "
          "find what keeps memory alive.";
    }
    out.push_back(std::move(f));
  }
  return out;
}

Json SampleToJson(const WatchSample& s) {
  return Json{{"t", std::round(s.t * 1000) / 1000},
              {"goroutines", Opt(s.goroutines)},
              {"threads", Opt(s.threads)},
              {"rss_bytes", Opt(s.rss_bytes)},
              {"heap_bytes", Opt(s.heap_bytes)}};
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
  r.title = fmt::format("Watch: {} samples over {}", samples_.size(), FormatDuration(span));
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
  if (step > 1) t.title += fmt::format(" (every {}th)", step);
  r.tables.push_back(std::move(t));
  r.SortFindings();
  return r;
}

}  // namespace godx::live
