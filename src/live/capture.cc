#include "live/capture.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <cstdio>
#include <mutex>
#include <thread>

#include "core/input.h"
#include "core/units.h"
#include "live/goroutine_profile.h"
#include "live/smaps.h"

namespace godx::live {

namespace {

// One endpoint to capture.
struct Endpoint {
  const char* file;
  const char* what;
  std::string path;    // relative to the pprof base, or absolute when starting with '/'
  double seconds = 0;  // how long the endpoint itself takes (?seconds=N)
  // A check of the first bytes; returns an error text when the body is not what was asked for.
  std::string (*check)(std::string_view body);
  // Offered by some services only (the goroutineleak profile): a 404 means absent, is recorded as
  // a manifest fact under this key, and skips the other endpoints of the same key.
  const char* optional = nullptr;
};

constexpr char kLeakFact[] = "goroutineleak";

std::string CheckDebug1(std::string_view b) {
  return GoroutineTotal(b) ? "" : "expected 'goroutine profile: total N' on the first line";
}
std::string CheckLeakDebug1(std::string_view b) {
  return b.starts_with("goroutineleak profile: total ")
             ? ""
             : "expected 'goroutineleak profile: total N' on the first line";
}
std::string CheckDebug2(std::string_view b) {
  return b.substr(0, 10) == "goroutine " ? ""
                                         : "expected a goroutine dump starting 'goroutine N ['";
}
std::string CheckProfile(std::string_view b) {
  // net/http/pprof serves gzip-compressed profile.proto.
  return SniffCompression(b) == Compression::kGzip ? ""
                                                   : "expected a gzip-compressed profile.proto";
}
std::string CheckTrace(std::string_view b) {
  return b.substr(0, 5) == "go 1." ? "" : "expected a runtime/trace file starting 'go 1.'";
}
std::string CheckJson(std::string_view b) {
  size_t i = b.find_first_not_of(" \t\r\n");
  return i != b.npos && b[i] == '{' ? "" : "expected a JSON object";
}
std::string CheckAny(std::string_view) { return ""; }

std::string Quote(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 40)) {
    if (c == '\n') break;
    out +=
        (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? '.' : c;
  }
  return out;
}

// Shows "capturing <what>: 3s of 10s" on stderr while a timed capture runs (terminal only).
class Ticker {
 public:
  Ticker(bool enabled, std::string label, double total_s)
      : label_(std::move(label)), total_s_(total_s) {
    if (!enabled || isatty(STDERR_FILENO) != 1) return;
    thread_ = std::thread([this] { Loop(); });
  }
  ~Ticker() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (drawn_) std::fputs("\r\033[K", stderr);
  }
  void SetBytes(uint64_t n) { bytes_ = n; }

 private:
  void Loop() {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string line = total_s_ > 0 ? fmt::format("capturing {}: {} of {}", label_,
                                                    FormatDuration(std::min(el, total_s_)),
                                                    FormatDuration(total_s_))
                                      : fmt::format("capturing {}: {}", label_, FormatDuration(el));
      if (bytes_ > 0) line += fmt::format(", {}", FormatBytes(double(bytes_.load())));
      fmt::print(stderr, "\r\033[K{}", line);
      drawn_ = true;
      std::fflush(stderr);
    }
  }
  std::string label_;
  double total_s_;
  std::atomic<uint64_t> bytes_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;  // written by the ticker thread only; read after join
  std::thread thread_;
};

std::string Join(const Url& base, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return base.path + path;
}

}  // namespace

Url PprofBase(const Url& url) {
  Url base = url;
  size_t at = base.path.find("debug/pprof");
  if (at != std::string::npos) {
    base.path = base.path.substr(0, at) + "debug/pprof/";
  } else {
    std::string p = base.path;
    if (p.empty() || p.back() != '/') p += '/';
    base.path = p + "debug/pprof/";
  }
  return base;
}

void CaptureUrl(const Url& base, const CaptureOptions& options, Bundle* bundle) {
  Manifest& m = bundle->manifest();
  m.url = base.ToString();
  // The vars endpoint sits beside pprof: /x/debug/pprof/ → /x/debug/vars.
  std::string vars = base.path.substr(0, base.path.size() - std::string("pprof/").size()) + "vars";
  std::vector<Endpoint> endpoints = {
      {"goroutine.debug1.txt", "goroutine count and stacks (debug=1)", "goroutine?debug=1", 0,
       CheckDebug1},
      {"vars.json", "expvar (/debug/vars: memstats, cmdline)", vars, 0, CheckJson},
      {"goroutine.debug2.txt", "goroutine dump (debug=2)", "goroutine?debug=2", 0, CheckDebug2},
      {"heap.pb.gz", "heap profile", "heap", 0, CheckProfile},
      {"allocs.pb.gz", "allocation profile", "allocs", 0, CheckProfile},
      {"block.pb.gz", "block profile", "block", 0, CheckProfile},
      {"mutex.pb.gz", "mutex profile", "mutex", 0, CheckProfile},
      {"threadcreate.pb.gz", "thread creation profile", "threadcreate", 0, CheckProfile},
      {"cmdline.txt", "command line", "cmdline", 0, CheckAny},
  };
  if (options.cpu_s > 0) {
    endpoints.push_back({"cpu.pb.gz", "CPU profile",
                         fmt::format("profile?seconds={}", std::max(1, int(options.cpu_s + 0.5))),
                         std::max(1.0, double(int(options.cpu_s + 0.5))), CheckProfile});
  }
  if (options.trace_s > 0) {
    endpoints.push_back({"trace.out", "execution trace",
                         fmt::format("trace?seconds={}", options.trace_s), options.trace_s,
                         CheckTrace});
  }
  endpoints.push_back({"goroutine.debug1.end.txt", "goroutine count after the timed captures",
                       "goroutine?debug=1", 0, CheckDebug1});
  // The runtime's own leak verdict (Go 1.26 with GOEXPERIMENT=goroutineleakprofile, 1.27+). Each
  // request runs a full GC that looks for goroutines blocked on something unreachable; asked
  // last, so that GC shows in none of the other captures (heap profile, CPU profile, trace,
  // memstats), and godx never reports what its own capture caused.
  endpoints.push_back({"goroutineleak.debug1.txt",
                       "leaked goroutines, the runtime's verdict (debug=1; runs a GC)",
                       "goroutineleak?debug=1", 0, CheckLeakDebug1, kLeakFact});
  endpoints.push_back({"goroutineleak.pb.gz", "leaked goroutines (profile.proto; runs a GC)",
                       "goroutineleak", 0, CheckProfile, kLeakFact});

  bool unreachable = false;
  bool answered = false;  // any HTTP response at all: "stopped" answering needs one before
  int timeouts = 0;
  std::string absent;  // the `optional` key found absent
  for (const Endpoint& ep : endpoints) {
    if (ep.optional != nullptr && absent == ep.optional) continue;
    BundleEntry entry;
    entry.what = ep.what;
    entry.started = UtcNow();
    Url where = base;
    std::string path = Join(base, ep.path);
    where.path = path;
    entry.source = where.ToString();
    if (unreachable) {
      entry.error = answered ? "skipped: the service stopped answering"
                             : "skipped: the service never answered";
      (void)bundle->Add(std::move(entry), {});
      continue;
    }
    FetchOptions fo;
    fo.timeout_s = options.timeout_s + ep.seconds;
    fo.max_bytes = options.max_bytes;
    Ticker ticker(options.progress, ep.what, ep.seconds);
    fo.on_bytes = [&ticker](uint64_t n) { ticker.SetBytes(n); };
    auto start = std::chrono::steady_clock::now();
    auto res = HttpGet(base, path, fo);
    entry.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!res.ok()) {
      entry.error = res.status().message();
      // A refused connection ends the capture; a hung service (accepts, never answers) gets
      // two chances, so it costs at most two timeouts rather than one per endpoint.
      bool timeout = res.status().message().find("timed out") != std::string::npos;
      timeouts = timeout ? timeouts + 1 : 0;
      unreachable = IsUnreachable(res.status()) || timeouts >= 2;
      (void)bundle->Add(std::move(entry), {});
      continue;
    }
    timeouts = 0;
    answered = true;
    if (res->status == 404 && ep.optional != nullptr) {
      // Not an error: the service's Go release (or build) does not offer it.
      absent = ep.optional;
      m.facts[ep.optional] = fmt::format(
          "not offered by the service (HTTP 404 from {}): it needs Go 1.27+, or Go 1.26 built "
          "with GOEXPERIMENT=goroutineleakprofile",
          entry.source);
      (void)bundle->WriteManifest();
      continue;
    }
    if (res->status != 200) {
      std::string why = Quote(res->body);
      entry.error = fmt::format("HTTP {}{}{}", res->status, why.empty() ? "" : ": ", why);
      (void)bundle->Add(std::move(entry), {});
      continue;
    }
    entry.file = ep.file;
    entry.truncated = res->truncated;
    std::string bad = ep.check(res->body);
    if (!bad.empty()) {
      entry.error = fmt::format("unexpected content: {}, got '{}' ({} bytes kept)", bad,
                                Quote(res->body), res->body.size());
    } else if (res->truncated) {
      entry.error = fmt::format("cut at the {} size cap", FormatBytes(double(options.max_bytes)));
    }
    (void)bundle->Add(std::move(entry), res->body);
  }
  m.complete = true;
  (void)bundle->WriteManifest();
}

void CaptureProcess(const ProcessInfo& p, Bundle* bundle) {
  Manifest& m = bundle->manifest();
  m.pid = p.pid;
  std::string dir = fmt::format("/proc/{}", p.pid);
  std::string now = UtcNow();
  (void)bundle->Add({"proc_status.txt", "process status (/proc/PID/status)", dir + "/status", now,
                     0, 0, false, ""},
                    p.status_text);
  if (!p.smaps_rollup_text.empty()) {
    (void)bundle->Add({"smaps_rollup.txt", "memory rollup (/proc/PID/smaps_rollup)",
                       dir + "/smaps_rollup", now, 0, 0, false, ""},
                      p.smaps_rollup_text);
  } else {
    (void)bundle->Add({"", "memory rollup (/proc/PID/smaps_rollup)", dir + "/smaps_rollup", now, 0,
                       0, false, "not readable (kernel before 4.14, or not allowed)"},
                      {});
  }
  // Every mapping with its resident size: which kind of memory the process holds. Read again at
  // the end of the capture (CaptureProcessEnd), so that the report can say which kind grew.
  std::string smaps;
  auto kinds = ReadMemoryKinds(p.pid, "/proc", &smaps);
  (void)bundle->Add({kinds.ok() ? "smaps.txt" : "", "memory mappings (/proc/PID/smaps)",
                     dir + "/smaps", now, 0, 0, kinds.ok() && kinds->cut,
                     kinds.ok() ? "" : kinds.status().message()},
                    smaps);
  if (p.gomaxprocs_env > 0) m.facts["gomaxprocs_env"] = p.gomaxprocs_env;
  Json pj = ProcessToJson(p);
  if (!p.go_buildinfo_note.empty()) pj["go_buildinfo_note"] = p.go_buildinfo_note;
  (void)bundle->Add(
      {"process.json", "process summary (fds, listeners, build info)", dir, now, 0, 0, false, ""},
      pj.dump(2) + "\n");
  if (!p.go_version.empty()) m.facts["go_version"] = p.go_version;
  if (!p.go_module.empty()) m.facts["go_module"] = p.go_module;
  (void)bundle->WriteManifest();
}

void CaptureProcessEnd(int64_t pid, Bundle* bundle) {
  std::string dir = fmt::format("/proc/{}", pid);
  std::string now = UtcNow();
  // The thread count again: with proc_status.txt, whether threads grew while godx looked.
  std::ifstream status(dir + "/status");
  std::string status_text((std::istreambuf_iterator<char>(status)),
                          std::istreambuf_iterator<char>());
  (void)bundle->Add({status_text.empty() ? "" : "proc_status.end.txt",
                     "process status after the timed captures (/proc/PID/status)",
                     dir + "/status", now, 0, 0, false,
                     status_text.empty() ? "not readable (the process ended?)" : ""},
                    status_text);
  std::string smaps;
  auto kinds = ReadMemoryKinds(pid, "/proc", &smaps);
  (void)bundle->Add({kinds.ok() ? "smaps.end.txt" : "",
                     "memory mappings after the timed captures (/proc/PID/smaps)", dir + "/smaps",
                     now, 0, 0, kinds.ok() && kinds->cut,
                     kinds.ok() ? "" : kinds.status().message()},
                    smaps);
}

std::optional<Url> ProbePprof(const ProcessInfo& p, double timeout_s,
                              std::vector<std::string>* tried) {
  for (const auto& l : p.listeners) {
    Url url;
    // A wildcard listener answers on loopback; a specific address only on itself.
    if (l.address == "0.0.0.0" || l.address == "::" || l.address == "127.0.0.1" ||
        l.address == "::ffff:127.0.0.1") {
      url.host = "127.0.0.1";
    } else if (l.address == "::1") {
      url.host = "::1";
    } else {
      url.host = l.address.rfind("::ffff:", 0) == 0 ? l.address.substr(7) : l.address;
    }
    url.port = l.port;
    url.path = "/debug/pprof/";
    FetchOptions fo;
    fo.connect_timeout_s = timeout_s;
    fo.timeout_s = timeout_s;
    fo.max_bytes = 1 << 20;
    auto res = HttpGet(url, url.path, fo);
    bool ok = res.ok() && res->status == 200 && res->body.find("goroutine") != std::string::npos &&
              res->body.find("heap") != std::string::npos;
    if (tried) {
      tried->push_back(fmt::format("{} {}", url.ToString(),
                                   !res.ok() ? res.status().message()
                                   : ok      ? "serves net/http/pprof"
                                        : fmt::format("HTTP {}, not a pprof index", res->status)));
    }
    if (ok) return url;
  }
  return std::nullopt;
}

}  // namespace godx::live
