// `godx watch`: cheap periodic samples of a live Go service and/or process (goroutine total from
// /debug/pprof/goroutine?debug=1, /proc/PID/status, expvar memstats) and detection of sustained
// growth in them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/report.h"
#include "live/agent_endpoint.h"
#include "live/growth.h"
#include "live/smaps.h"
#include "core/http_client.h"

namespace godx::live {

struct WatchSample {
  double t = 0;  // seconds since the watch started
  std::optional<int64_t> goroutines, threads, rss_bytes, heap_bytes;
  // RSS split by kind (/proc/PID/status RssAnon, RssFile): tells which kind of mapping grows when
  // RSS grows outside the Go heap.
  std::optional<int64_t> rss_anon_bytes, rss_file_bytes;
  // Resident memory by kind of mapping (/proc/PID/smaps, read once per sample, bounded): which
  // kind grows. `files` is kept only for the first and the latest sample (Watcher).
  std::optional<MemoryKinds> memory;
};

struct WatchConfig {
  std::optional<Url> pprof;  // the pprof base (PprofBase), when watching a service
  std::optional<AgentInfo> agent;  // godx's in-process agent beside it (ProbeAgent), if served
  int64_t pid = -1;
  // The Go release of the process (its build info), named in the summary; "" when unknown.
  std::string go_version;
  double timeout_s = 5;  // per request
  std::string proc_root = "/proc";
  GrowthRule goroutines{10, 0.10, 4, 0.7, 0.6};
  GrowthRule threads{5, 0.20, 4, 0.7, 0.6};
  // Four samples, as for counts: a 20 s watch at the default 5 s interval has five. The GC sawtooth
  // is told apart by the fit and the level-shift test, not by demanding many samples.
  GrowthRule rss{16.0 * (1 << 20), 0.10, 4, 0.7, 0.6};
  GrowthRule heap{16.0 * (1 << 20), 0.20, 4, 0.7, 0.6};
  size_t window = 120;  // samples the growth test looks at
};

class Watcher {
 public:
  explicit Watcher(WatchConfig config) : config_(std::move(config)) {}

  // Takes one sample at `t`; `errors` receives one line per source that failed this time.
  WatchSample Poll(double t, std::vector<std::string>* errors);
  // Records a sample taken elsewhere (a replayed JSON-lines watch, tests); no snapshots.
  void Add(const WatchSample& s) { samples_.push_back(s); }
  const std::vector<WatchSample>& samples() const { return samples_; }

  // Findings for the series that grow now (empty when none does).
  std::vector<Finding> Leaks() const;
  // The report printed when the watch ends: facts, the leak findings, a table of samples.
  Report Summary(const std::string& source) const;

 private:
  WatchConfig config_;
  std::vector<WatchSample> samples_;
  // The first and the latest goroutine?debug=1 snapshots, for stack-level growth.
  std::string first_debug1_, last_debug1_;
  // The first and the latest smaps readings with their per-file sizes, to name the file that grows.
  std::optional<MemoryKinds> first_memory_, last_memory_;
};

Json SampleToJson(const WatchSample& s);
// "+5.0s  goroutines 1,234  threads 12  rss 45.2 MiB  heap 12.0 MiB"
std::string SampleLine(const WatchSample& s);

}  // namespace godx::live
