// The `godx watch` loop: a sample every interval until the duration ends, the caller's stop flag
// is set (Ctrl-C) or the target stops answering; growth announced once per series; with on_leak a
// doctor bundle captured when growth is seen, at most once per cooldown.
#pragma once

#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include "core/report.h"
#include "live/capture.h"
#include "live/watch.h"

namespace godx::live {

// Resolves the watch targets (a URL and/or a PID) into a config: a PID's own pprof port is probed,
// a loopback URL's process is found by its port.
Result<WatchConfig> ResolveWatchTargets(const std::vector<std::string>& targets, WatchConfig base);

struct WatchLoopOptions {
  double interval_s = 5;
  double duration_s = 0;  // 0: until stopped
  bool on_leak = false;
  double cooldown_s = 600;
  std::string bundles_dir = ".";
  CaptureOptions capture;  // for on_leak bundles
  std::string source;      // the targets as the user gave them
};

struct WatchLoopEvents {
  std::function<void(const WatchSample&, const std::vector<std::string>& errors)> on_sample;
  std::function<void(const Finding&)> on_growth;  // once per series, when first seen
  std::function<void(const std::string& dir)> on_bundle;
};

// Runs the loop and returns the summary report (Watcher::Summary plus bundles and warnings).
Report RunWatch(const WatchConfig& config, const WatchLoopOptions& options,
                const WatchLoopEvents& events, const volatile std::sig_atomic_t* stop);

}  // namespace godx::live
