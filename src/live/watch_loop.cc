#include "live/watch_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "core/input.h"
#include "live/bundle.h"
#include "live/goroutine_profile.h"
#include "live/proc.h"
#include "live/target.h"

namespace godx::live {

namespace {
constexpr size_t kMaxWarnings = 20;
// Samples in a row with nothing in them before the watch gives up on the target.
constexpr size_t kGoneAfter = 3;
// What the goroutineleak profile of an --on-leak bundle says: {bundle, leaked, top_site}; nullopt
// when the service does not offer it.
std::optional<Json> RuntimeLeakVerdict(const std::string& dir) {
  std::string path = dir + "/goroutineleak.debug1.txt";
  auto in = Input::Open(path, InputOptions{uint64_t{64} << 20});
  if (!in.ok()) return std::nullopt;
  auto p = ReadCountProfile(in->data(), path);
  if (!p.ok()) return std::nullopt;
  const CountBucket* top = nullptr;
  for (const auto& b : p->buckets) {
    if (top == nullptr || b.count > top->count) top = &b;
  }
  return Json{{"bundle", dir},
              {"leaked", p->total},
              {"top_site", top ? Json(top->site) : Json(nullptr)}};
}

}  // namespace

Result<WatchConfig> ResolveWatchTargets(const std::vector<std::string>& targets,
                                        WatchConfig config) {
  for (const auto& t : targets) {
    if (IsPidTarget(t)) {
      config.pid = std::stoll(t);
      GODX_ASSIGN_OR_RETURN(ProcessInfo p, ReadProcess(config.pid, config.proc_root));
      if (!config.pprof) {
        if (auto u = ProbePprof(p, 2.0)) config.pprof = u;
      }
    } else {
      GODX_ASSIGN_OR_RETURN(Url u, ParseUrl(t));
      config.pprof = PprofBase(u);
    }
  }
  // A service on this machine: watch its process's threads and RSS as well.
  if (config.pid < 0 && config.pprof && IsLoopbackHost(config.pprof->host)) {
    config.pid = FindListenerPid(static_cast<uint16_t>(config.pprof->port), config.proc_root);
  }
  if (config.pid >= 0 && config.go_version.empty()) {
    if (auto p = ReadProcess(config.pid, config.proc_root); p.ok()) {
      config.go_version = p->go_version;
    }
  }
  if (config.pprof) config.agent = ProbeAgent(*config.pprof, std::min(2.0, config.timeout_s));
  return config;
}

Report RunWatch(const WatchConfig& config, const WatchLoopOptions& options,
                const WatchLoopEvents& events, const volatile std::sig_atomic_t* stop) {
  Watcher watcher(config);
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto stopped = [&] { return stop != nullptr && *stop != 0; };
  double last_bundle = -1e18;
  std::vector<std::string> bundles, warnings;
  std::optional<Json> runtime_leak;  // from the latest bundle that holds the leak profile
  std::set<std::string> announced;
  size_t empty_in_a_row = 0;
  bool ever_answered = false;
  for (int i = 0; !stopped(); ++i) {
    double due = i * options.interval_s;
    // No sample is due within --duration any more: end now, not after one more interval.
    if (options.duration_s > 0 && due > options.duration_s + 1e-9) break;
    while (!stopped() && elapsed() < due) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::clamp(int((due - elapsed()) * 1000), 1, 100)));
    }
    if (stopped() || (options.duration_s > 0 && due > options.duration_s + 1e-9)) break;
    // A bundle capture may have run past the due time of the samples after it; the watch still
    // ends at its --duration (a last sample taken at most half an interval late).
    if (options.duration_s > 0 &&
        elapsed() > options.duration_s + std::max(0.5, 0.5 * options.interval_s)) {
      break;
    }
    std::vector<std::string> errors;
    WatchSample s = watcher.Poll(elapsed(), &errors);
    bool empty = !s.goroutines && !s.threads && !s.rss_bytes && !s.heap_bytes;
    empty_in_a_row = empty ? empty_in_a_row + 1 : 0;
    ever_answered = ever_answered || !empty;
    if (events.on_sample) events.on_sample(s, errors);
    for (const auto& e : errors) {
      if (warnings.size() < kMaxWarnings) warnings.push_back(fmt::format("+{:.1f}s: {}", s.t, e));
    }
    auto leaks = watcher.Leaks();
    for (const auto& f : leaks) {
      if (announced.insert(f.id).second && events.on_growth) events.on_growth(f);
    }
    // The target is gone: a watch with nothing left to sample ends rather than spin.
    if (empty_in_a_row >= kGoneAfter) {
      warnings.push_back(ever_answered ? "the target stopped answering; the watch ended"
                                       : "the target never answered; the watch ended");
      break;
    }
    if (options.on_leak && !leaks.empty() && config.pprof &&
        elapsed() - last_bundle >= options.cooldown_s) {
      last_bundle = elapsed();
      std::string dir = options.bundles_dir + "/godx-leak-" + UtcStamp();
      Manifest m;
      m.target = options.source;
      m.target_kind = "url";
      m.facts["trigger"] = leaks.front().title;
      auto b = Bundle::Create(dir, std::move(m));
      if (!b.ok()) {
        warnings.push_back(b.status().message());
        continue;
      }
      if (config.pid >= 0 && !config.agent) {  // the agent's bundle holds the process files
        if (auto p = ReadProcess(config.pid, config.proc_root); p.ok()) CaptureProcess(*p, &*b);
      }
      CaptureOptions capture = options.capture;
      if (options.duration_s > 0) {
        // The timed captures (CPU profile, trace) fit in what is left of --duration, so that a
        // bundle does not stretch the watch; the snapshots around them take a moment more.
        double left = std::max(0.0, options.duration_s - elapsed() - 1.0);
        if (capture.cpu_s > 0) capture.cpu_s = std::clamp(left * 0.75, 1.0, capture.cpu_s);
        if (capture.trace_s > 0) capture.trace_s = std::clamp(left * 0.25, 0.5, capture.trace_s);
      }
      if (!CaptureFromAgent(config.agent, capture, &*b)) CaptureUrl(*config.pprof, capture, &*b);
      if (auto v = RuntimeLeakVerdict(dir)) runtime_leak = std::move(v);
      bundles.push_back(dir);
      if (events.on_bundle) events.on_bundle(dir);
    }
  }
  Report r = watcher.Summary(options.source);
  r.summary["bundles"] = bundles;
  r.summary["runtime_leak"] = runtime_leak ? *runtime_leak : Json(nullptr);
  if (runtime_leak) {
    // The runtime's proof next to the growth the watch saw ('godx doctor DIR' holds the two
    // against each other stack by stack).
    std::string line = fmt::format(
        "the runtime's leak check ({}/goroutineleak.debug1.txt): {} goroutines leaked{}",
        (*runtime_leak)["bundle"].get<std::string>(), (*runtime_leak)["leaked"].get<uint64_t>(),
        (*runtime_leak)["top_site"].is_string()
            ? ", most in " + (*runtime_leak)["top_site"].get<std::string>()
            : std::string());
    for (auto& f : r.findings) {
      if (f.id == "goroutine-leak") f.evidence.push_back(line);
    }
    r.facts.push_back({"Leaked (runtime)", line.substr(line.find(": ") + 2)});
  }
  for (auto& w : warnings) r.warnings.push_back(std::move(w));
  if (!bundles.empty()) r.facts.push_back({"Bundles", fmt::format("{}", fmt::join(bundles, ", "))});
  return r;
}

}  // namespace godx::live
