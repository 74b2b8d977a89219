#include "live/doctor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>

#include "core/dispatch.h"
#include "core/input.h"
#include "core/go_release.h"
#include "core/plural.h"
#include "core/units.h"
#include "core/varint.h"
#include "live/bundle.h"
#include "live/expvar.h"
#include "live/goroutine_profile.h"
#include "live/leak_verdict.h"
#include "live/locked_threads.h"
#include "live/proc.h"
#include "live/smaps.h"

namespace godx::live {

namespace {

constexpr uint64_t kMaxOwnFile = uint64_t{16} << 20;

// Thresholds (docs/formats/live-bundle.md, "Findings").
constexpr int64_t kOffHeapMinBytes = int64_t{64} << 20;
constexpr double kOffHeapMinShare = 0.25;
constexpr uint64_t kManyGoroutines = 10000;
constexpr int64_t kManyThreads = 100;
// Blocked goroutines locked to their thread: from this many a finding (a pool of locked workers
// waiting for work is normal: info unless it is large or grows).
constexpr uint64_t kLockedBlockedMin = 10;
constexpr double kGrowthMinCount = 10;
constexpr double kGrowthMinShare = 0.05;
constexpr double kGcCpuWarn = 0.05, kGcCpuCritical = 0.25;
// A kind of mapping outside the Go heap that grew this much between the two smaps readings.
constexpr double kKindGrowthMinBytes = double(int64_t{16} << 20);
constexpr double kKindGrowthMinShare = 0.10;

std::optional<std::string> ReadOwn(const std::string& path) {
  auto in = Input::Open(path, InputOptions{kMaxOwnFile});
  if (!in.ok()) return std::nullopt;
  return std::string(in->data());
}

// The number of threads the Go runtime created, from threadcreate.pb.gz (profile.proto: the sum
// of the first value of every sample, field 2 of Profile, values field 2 of Sample, packed or
// not). A minimal walk rather than the pprof reader: live does not depend on pprof/.
std::optional<uint64_t> ThreadCreateTotal(std::string_view pb) {
  auto skip = [](std::string_view d, size_t* pos, uint64_t type) {
    uint64_t n = 0;
    switch (type) {
      case 0:
        return ReadUvarint(d, pos, &n);
      case 1:
        *pos += 8;
        return *pos <= d.size();
      case 2:
        if (!ReadUvarint(d, pos, &n) || n > d.size() - *pos) return false;
        *pos += n;
        return true;
      case 5:
        *pos += 4;
        return *pos <= d.size();
      default:
        return false;
    }
  };
  uint64_t total = 0;
  size_t pos = 0;
  while (pos < pb.size()) {
    uint64_t key = 0;
    if (!ReadUvarint(pb, &pos, &key)) return std::nullopt;
    if (key >> 3 != 2 || (key & 7) != 2) {
      if (!skip(pb, &pos, key & 7)) return std::nullopt;
      continue;
    }
    uint64_t len = 0;
    if (!ReadUvarint(pb, &pos, &len) || len > pb.size() - pos) return std::nullopt;
    std::string_view sample = pb.substr(pos, len);
    pos += len;
    size_t sp = 0;
    bool counted = false;
    while (sp < sample.size()) {
      uint64_t k = 0;
      if (!ReadUvarint(sample, &sp, &k)) return std::nullopt;
      if (k >> 3 == 2 && (k & 7) == 0 && !counted) {
        uint64_t v = 0;
        if (!ReadUvarint(sample, &sp, &v)) return std::nullopt;
        total += v;
        counted = true;
      } else if (k >> 3 == 2 && (k & 7) == 2 && !counted) {
        uint64_t l = 0, v = 0;
        if (!ReadUvarint(sample, &sp, &l) || l > sample.size() - sp) return std::nullopt;
        size_t vp = sp;
        if (l > 0 && ReadUvarint(sample.substr(0, sp + l), &vp, &v)) total += v;
        sp += l;
        counted = true;
      } else if (!skip(sample, &sp, k & 7)) {
        return std::nullopt;
      }
    }
  }
  return total;
}

std::string B(int64_t v) { return v < 0 ? "?" : FormatBytes(double(v)); }

// Go 1.12-1.15 returned memory with MADV_FREE: RSS drops only under memory pressure.
bool UsesMadvFree(const std::string& go_version) {
  int minor = GoMinor(go_version);
  return minor >= 12 && minor <= 15;
}

// Why a service of `go_version` did not offer the goroutineleak profile; "" when its release
// should have (then the service's own mux is the likely reason).
std::string WhyNoLeakProfile(const std::string& go_version) {
  int minor = GoMinor(go_version);
  if (minor == 0) return "";
  if (minor < 26) return fmt::format("{} predates it (Go 1.26+)", go_version);
  if (minor == 26 && go_version.find("goroutineleakprofile") == std::string::npos) {
    return fmt::format("{} was built without GOEXPERIMENT=goroutineleakprofile", go_version);
  }
  return "";
}

// One finding per cause: moves the evidence of every finding `from` selects to the end of the
// finding `into` and drops them, when `into` is in `r`.
void FoldFindings(const std::function<bool(const Finding&)>& from, std::string_view into,
                  Report* r) {
  auto dst = std::find_if(r->findings.begin(), r->findings.end(),
                          [&](const Finding& f) { return f.id == into; });
  if (dst == r->findings.end()) return;
  std::vector<std::string> moved;
  std::vector<Finding> kept;
  for (auto& f : r->findings) {
    if (f.id != into && from(f)) {
      moved.insert(moved.end(), f.evidence.begin(), f.evidence.end());
    } else {
      kept.push_back(std::move(f));
    }
  }
  for (auto& f : kept) {
    if (f.id == into) f.evidence.insert(f.evidence.end(), moved.begin(), moved.end());
  }
  r->findings = std::move(kept);
}

// A debug=1 count profile the bundle captured without error; nullopt when it is absent, failed or
// unreadable (the reader's error goes to `warnings` when given).
std::optional<CountProfile> ReadBundleCountProfile(const std::string& dir, const Manifest& m,
                                                   const char* file,
                                                   std::vector<std::string>* warnings) {
  const BundleEntry* e = m.Find(file);
  if (e == nullptr || !e->error.empty()) return std::nullopt;
  auto t = ReadOwn(dir + "/" + file);
  if (!t) return std::nullopt;
  auto p = ReadCountProfile(*t, dir + "/" + file);
  if (!p.ok()) {
    if (warnings != nullptr) warnings->push_back(p.status().message());
    return std::nullopt;
  }
  return std::move(p).value();
}

// Stacks (by site) whose goroutine count grew by kBucketGrowthMin or more between the two debug=1
// snapshots of the bundle, most growth first: {site, before, after}.
std::vector<LeakSite> GrowingSites(const std::string& dir, const Manifest& m) {
  auto read = [&](const char* file) { return ReadBundleCountProfile(dir, m, file, nullptr); };
  auto start = read("goroutine.debug1.txt");
  auto end = read("goroutine.debug1.end.txt");
  if (!start || !end) return {};
  std::map<std::string, std::pair<int64_t, int64_t>> by_site;
  for (const auto& b : start->buckets) by_site[b.site].first += int64_t(b.count);
  for (const auto& b : end->buckets) by_site[b.site].second += int64_t(b.count);
  std::vector<LeakSite> out;
  for (const auto& [site, c] : by_site) {
    if (site.empty() || c.second - c.first < kBucketGrowthMin) continue;
    LeakSite s;
    s.site = site;
    s.before = c.first;
    s.after = c.second;
    s.verdict = "grew";
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const LeakSite& a, const LeakSite& b) {
    return a.after - a.before > b.after - b.before;
  });
  return out;
}

// Where the goroutines waiting in `site` ("main.leakyWorker at main.go:24") were created, from the
// debug=2 dump: the most common "created by F" of the goroutines with F's frame, as
// "main.startLeak at main.go:29" with the count; "" when the dump does not say.
std::string CreationSite(std::string_view dump, const std::string& site) {
  std::string func = site.substr(0, site.find(" at "));
  if (func.empty()) return "";
  std::map<std::string, int> counts;
  size_t pos = 0;
  while (pos < dump.size()) {
    size_t end = dump.find("\n\n", pos);
    if (end == std::string_view::npos) end = dump.size();
    std::string_view block = dump.substr(pos, end - pos);
    pos = end + 2;
    if (block.find("\n" + func + "(") == std::string_view::npos) continue;
    size_t c = block.find("\ncreated by ");
    if (c == std::string_view::npos) continue;
    size_t name_end = block.find('\n', c + 1);
    if (name_end == std::string_view::npos) continue;
    std::string_view name = block.substr(c + 12, name_end - c - 12);
    name = name.substr(0, name.find(" in goroutine"));
    size_t file_end = block.find('\n', name_end + 1);
    std::string_view file = block.substr(name_end + 1, file_end == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : file_end - name_end - 1);
    while (!file.empty() && (file.front() == '\t' || file.front() == ' ')) file.remove_prefix(1);
    file = file.substr(0, file.find(' '));
    if (size_t slash = file.rfind('/'); slash != std::string_view::npos) {
      file.remove_prefix(slash + 1);
    }
    ++counts[fmt::format("{} at {}", name, file)];
  }
  std::string best;
  int n = 0;
  for (const auto& [k, v] : counts) {
    if (v > n) {
      best = k;
      n = v;
    }
  }
  return best.empty() ? "" : fmt::format("{} ({} of them in goroutine.debug2.txt)", best, n);
}

// The runtime's leak verdict (goroutineleak.debug1.txt) against the growth of each stack between
// the two goroutine snapshots. Unreadable files are warnings of `r`.
LeakComparison CompareBundleLeaks(const std::string& dir, const Manifest& m, double span_s,
                                  Report* r) {
  auto read = [&](const char* file) {
    return ReadBundleCountProfile(dir, m, file, &r->warnings);
  };
  auto start = read("goroutine.debug1.txt");
  auto end = read("goroutine.debug1.end.txt");
  auto leaked = read("goroutineleak.debug1.txt");
  LeakComparison c = CompareLeaks(start ? &*start : nullptr, end ? &*end : nullptr,
                                  leaked ? &*leaked : nullptr, span_s);
  if (!leaked) {
    // A failed or skipped capture has no file name: find it by where it was asked.
    const BundleEntry* failed = nullptr;
    for (const auto& e : m.entries) {
      if (e.source.find("/goroutineleak?debug=1") != std::string::npos && !e.error.empty()) {
        failed = &e;
      }
    }
    std::string why = WhyNoLeakProfile(m.facts.value("go_version", std::string()));
    if (auto it = m.facts.find("goroutineleak"); it != m.facts.end() && it->is_string()) {
      c.note = it->get<std::string>() + (why.empty() ? "" : "; " + why);
    } else if (failed != nullptr) {
      c.note = "not captured: " + failed->error;
    } else if (!m.url.empty()) {
      c.note = "not in this bundle (made before godx captured it)";
      if (!why.empty()) c.note += "; " + why;
    }
  }
  return c;
}

// Seconds between two files of the bundle (the capture times of the entries after `from` up to
// `to`); 0 when either is missing.
double SpanBetween(const Manifest& m, std::string_view from, std::string_view to) {
  double span = 0;
  bool counting = false, ended = false;
  for (const auto& e : m.entries) {
    if (e.file == from) {
      counting = true;
      continue;
    }
    if (counting) span += e.seconds;
    if (counting && e.file == to) {
      ended = true;
      break;
    }
  }
  return ended ? span : 0;
}

// Goroutines locked to their OS thread that block hold one thread each, for as long as they live:
// many of them are where the threads went. One finding names their site and the thread count;
// the goroutine growth at that site, the dump's leak suspect there and the bare thread count are
// the same cause and fold into it (the most severe of them sets its severity).
void LockedThreadsFinding(const std::vector<LockedSite>& locked,
                          const std::optional<ProcStatus>& start,
                          const std::optional<ProcStatus>& end, double threads_span,
                          std::optional<uint64_t> go_threads, const std::vector<LeakSite>& grew,
                          Report* r) {
  uint64_t blocked = 0;
  for (const LockedSite& s : locked) blocked += s.locked - s.running;
  if (locked.empty() || blocked < kLockedBlockedMin) return;
  const LockedSite& top = locked.front();
  const uint64_t top_blocked = top.locked - top.running;
  const int64_t threads_start = start ? start->threads : -1;
  const int64_t threads_end = end && end->threads >= 0 ? end->threads : -1;
  // The dump was taken just after proc_status.txt was read: its locked goroutines are held
  // against the threads of that moment.
  const int64_t threads = threads_start >= 0 ? threads_start : threads_end;
  const int64_t thread_rise =
      threads_start >= 0 && threads_end >= 0 ? threads_end - threads_start : 0;
  auto site_growth = std::find_if(grew.begin(), grew.end(),
                                  [&](const LeakSite& g) { return g.site == top.site; });
  const bool growing = site_growth != grew.end();
  const bool threads_grew = thread_rise >= 5 && growing;

  Finding f;
  f.id = "threads-locked-goroutines";
  f.severity = threads_grew || blocked >= 10 * uint64_t(kManyThreads) ? Severity::kCritical
               : growing || blocked >= uint64_t(kManyThreads)         ? Severity::kWarning
                                                                      : Severity::kInfo;
  f.title = fmt::format(
      "{}{} goroutine{} locked to {} OS thread (LockOSThread without UnlockOSThread) {} blocked "
      "in {} at {}{}",
      threads_grew ? "Thread leak: " : "", FormatCount(top_blocked), top_blocked == 1 ? "" : "s",
      top_blocked == 1 ? "its" : "their", top_blocked == 1 ? "is" : "are",
      top.state.empty() ? "a wait" : top.state, top.site,
      top_blocked == 1 ? ", holding an OS thread" : ", each holding an OS thread");
  // The dump is read a moment after /proc: its count is not set against a thread count of
  // another moment, only said beside it.
  if (threads_grew) {
    f.title += fmt::format("; threads grew {} → {} in {}", threads_start, threads_end,
                           FormatDuration(threads_span));
  } else if (threads >= 0) {
    f.title += fmt::format("; the process has {} threads", threads);
  }
  f.evidence.push_back(fmt::format(
      "goroutine.debug2.txt: {} goroutine{} [{}, locked to thread] at {}{}",
      FormatCount(top_blocked), top_blocked == 1 ? "" : "s", top.state, top.site,
      top.created_by.empty() ? "" : ", created by " + top.created_by));
  for (size_t i = 1; i < locked.size() && i < 3; ++i) {
    f.evidence.push_back(fmt::format("goroutine.debug2.txt: also {} locked at {} [{}]",
                                     FormatCount(locked[i].locked), locked[i].site,
                                     locked[i].state));
  }
  if (threads_start >= 0) {
    f.evidence.push_back(fmt::format("proc_status.txt: Threads: {}", threads_start));
  }
  if (threads_end >= 0) {
    f.evidence.push_back(fmt::format("proc_status.end.txt ({} later): Threads: {}",
                                     FormatDuration(threads_span), threads_end));
  }
  const bool growth_found = std::any_of(r->findings.begin(), r->findings.end(), [&](const Finding& g) {
    return g.id == "goroutine-growth" && g.title.find(top.site) != std::string::npos;
  });
  if (growing && !growth_found) {  // else the growth finding's evidence, folded in, says it
    f.evidence.push_back(fmt::format(
        "goroutines at {}: {} → {} between goroutine.debug1.txt and goroutine.debug1.end.txt",
        top.site, site_growth->before, site_growth->after));
  }
  if (go_threads) {
    f.evidence.push_back(
        fmt::format("threadcreate.pb.gz: the Go runtime created {} threads", *go_threads));
  }
  f.advice = fmt::format(
      "A goroutine that called runtime.LockOSThread keeps its OS thread to itself until it "
      "unlocks or ends, and the runtime starts another thread for the rest of the program. Give "
      "the wait at {} a way to end (a timeout, a context, a closed channel), call "
      "UnlockOSThread (defer it right after LockOSThread) as soon as the thread-bound work is "
      "done, and when work must stay on one thread, run it on a fixed pool of locked "
      "goroutines rather than one per request.",
      top.site);

  // The same cause, said by other findings: fold them in.
  const bool threads_are_theirs = threads >= 0 && 2 * blocked >= uint64_t(threads);
  auto same_cause = [&](const Finding& g) {
    if (g.id == "threads-many") return threads_are_theirs;
    if (g.id == "goroutine-growth" || g.id == "goroutine-growth-reachable" ||
        g.id == "leak-suspect") {
      return g.title.find(top.site) != std::string::npos;
    }
    return false;
  };
  auto first = r->findings.end();
  for (auto it = r->findings.begin(); it != r->findings.end(); ++it) {
    if (!same_cause(*it)) continue;
    if (first == r->findings.end()) first = it;
    f.severity = std::max(f.severity, it->severity);
  }
  size_t at = first == r->findings.end() ? 0 : size_t(first - r->findings.begin());
  r->findings.insert(r->findings.begin() + std::ptrdiff_t(at), std::move(f));
  FoldFindings(same_cause, "threads-locked-goroutines", r);
  // The folded findings read the same files: say each line once.
  for (Finding& g : r->findings) {
    if (g.id != "threads-locked-goroutines") continue;
    std::vector<std::string> once;
    for (auto& line : g.evidence) {
      if (std::find(once.begin(), once.end(), line) == once.end()) once.push_back(std::move(line));
    }
    g.evidence = std::move(once);
  }
  r->summary["locked_goroutines"] = blocked;
}

}  // namespace

int SniffBundleManifest(std::string_view head) {
  size_t i = head.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || head[i] != '{') return 0;
  return head.substr(0, 256).find("\"format\": \"godx-bundle/") != std::string_view::npos ? 100 : 0;
}

bool IsBundleDir(const std::string& dir) {
  std::FILE* f = std::fopen((dir + "/" + std::string(kManifestName)).c_str(), "rb");
  if (f == nullptr) return false;
  char head[512];
  size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return SniffBundleManifest(std::string_view(head, n)) >= kPresent;
}

std::string BundleDirOf(const std::string& manifest_path) {
  size_t slash = manifest_path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return manifest_path.substr(0, slash);
}

bool IsBundleOwnFile(std::string_view f) {
  return f == kManifestName || f == "proc_status.txt" || f == "smaps_rollup.txt" ||
         f == "vars.json" || f == "cmdline.txt" || f == "process.json" || f == "exit.json" ||
         f == "goroutine.debug1.end.txt" || f == "goroutineleak.debug1.txt" || f == "smaps.txt" ||
         f == "smaps.end.txt" || f == "proc_status.end.txt" || f == "runtime_metrics.txt" ||
         f == "buildinfo.txt";
}

Result<Report> AnalyzeBundle(const std::string& dir, std::span<const Signal> table,
                             const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(Manifest m, ReadManifest(dir));
  Report r;
  r.kind = "doctor";
  r.source = dir;
  r.summary["bundle"] = dir;
  r.summary["target"] = m.target;
  r.summary["target_kind"] = m.target_kind;
  r.summary["created"] = m.created;
  r.facts.push_back({"Target", m.target.empty() ? "?" : m.target});
  r.facts.push_back({"Bundle", dir});
  if (!m.created.empty()) r.facts.push_back({"Captured", m.created});

  // What was captured and what failed.
  Table captures{"Captures",
                 {"File", "What", "Size", "Took", "Status"},
                 {false, false, true, true, false},
                 {},
                 0};
  int captured = 0, failed = 0;
  for (const auto& e : m.entries) {
    std::string status = e.error.empty() ? "ok" : e.error;
    if (!e.file.empty() && !std::filesystem::exists(dir + "/" + e.file)) {
      status = "missing from the bundle";
    }
    if (status == "ok")
      ++captured;
    else
      ++failed;
    captures.rows.push_back({e.file.empty() ? "-" : e.file, e.what,
                             e.file.empty() ? "-" : FormatBytes(double(e.bytes)),
                             FormatDuration(e.seconds), status});
    if (status != "ok") r.warnings.push_back(fmt::format("{}: {}", e.what, status));
  }
  if (!m.complete) {
    r.warnings.push_back(
        "the capture did not finish: the bundle holds what was captured before it stopped");
  }
  r.summary["captured"] = captured;
  r.summary["failed"] = failed;
  r.summary["complete"] = m.complete;

  // godx's own files: process and runtime state.
  std::optional<ProcStatus> status;
  SmapsRollup smaps;
  std::optional<Expvars> vars;
  std::string go_version = m.facts.value("go_version", std::string());
  if (auto t = ReadOwn(dir + "/proc_status.txt")) {
    auto st = ParseProcStatus(*t, dir + "/proc_status.txt");
    if (st.ok())
      status = *st;
    else
      r.warnings.push_back(st.status().message());
  }
  std::optional<ProcStatus> status_end;
  if (auto t = ReadOwn(dir + "/proc_status.end.txt")) {
    auto st = ParseProcStatus(*t, dir + "/proc_status.end.txt");
    if (st.ok())
      status_end = *st;
    else
      r.warnings.push_back(st.status().message());
  }
  if (auto t = ReadOwn(dir + "/smaps_rollup.txt")) smaps = ParseSmapsRollup(*t);
  if (auto t = ReadOwn(dir + "/vars.json")) {
    auto v = ParseExpvars(*t, dir + "/vars.json");
    if (v.ok())
      vars = *v;
    else
      r.warnings.push_back(v.status().message());
  }
  std::optional<uint64_t> g_start, g_end;
  const BundleEntry* e_start = m.Find("goroutine.debug1.txt");
  const BundleEntry* e_end = m.Find("goroutine.debug1.end.txt");
  if (auto t = ReadOwn(dir + "/goroutine.debug1.txt")) g_start = GoroutineTotal(*t);
  if (auto t = ReadOwn(dir + "/goroutine.debug1.end.txt")) g_end = GoroutineTotal(*t);

  Json process = Json::object();
  if (status) {
    process =
        Json{{"pid", status->pid},
             {"name", status->name},
             {"threads", status->threads < 0 ? Json(nullptr) : Json(status->threads)},
             {"threads_end", !status_end || status_end->threads < 0
                                 ? Json(nullptr)
                                 : Json(status_end->threads)},
             {"rss_bytes", status->vm_rss < 0 ? Json(nullptr) : Json(status->vm_rss)},
             {"rss_anon_bytes", status->rss_anon < 0 ? Json(nullptr) : Json(status->rss_anon)},
             {"peak_rss_bytes", status->vm_hwm < 0 ? Json(nullptr) : Json(status->vm_hwm)}};
    r.facts.push_back({"Process", fmt::format("{} (pid {}), {} threads", status->name, status->pid,
                                              status->threads)});
    r.facts.push_back(
        {"RSS", fmt::format("{} (anon {}, file {}), peak {}", B(status->vm_rss),
                            B(status->rss_anon), B(status->rss_file), B(status->vm_hwm))});
  }
  SetGoRelease(r, GoReleaseOfBinary(go_version));
  if (!go_version.empty()) process["go_version"] = go_version;
  if (m.facts.contains("go_module")) {
    r.facts.push_back({"Module", m.facts["go_module"].get<std::string>()});
  }
  if (auto t = ReadOwn(dir + "/process.json")) {
    Json pj = Json::parse(*t, nullptr, /*allow_exceptions=*/false);
    if (pj.is_object()) {
      std::string line;
      if (auto fds = pj.find("fds"); fds != pj.end() && fds->is_number()) {
        line = fmt::format("{} open fds", fds->get<int64_t>());
        process["fds"] = *fds;
      }
      if (auto ls = pj.find("listeners"); ls != pj.end() && ls->is_array() && !ls->empty()) {
        std::string list;
        for (const auto& l : *ls) {
          if (l.is_string()) list += (list.empty() ? "" : ", ") + l.get<std::string>();
        }
        line += (line.empty() ? "" : "; ") + fmt::format("listening on {}", list);
        process["listeners"] = *ls;
      }
      if (!line.empty()) r.facts.push_back({"Files", line});
    }
  }
  r.summary["process"] = process;
  r.summary["goroutines"] = g_end ? Json(*g_end) : g_start ? Json(*g_start) : Json(nullptr);
  if (g_start) {
    r.facts.push_back({"Goroutines", g_end && *g_end != *g_start
                                         ? fmt::format("{} → {} during the capture",
                                                       FormatCount(*g_start), FormatCount(*g_end))
                                         : FormatCount(*g_start)});
  }

  if (m.target_kind == "pid") {
    if (m.url.empty()) {
      Finding f;
      f.id = "no-pprof-endpoint";
      f.severity = Severity::kInfo;
      f.title = "No listening socket of the process serves /debug/pprof/: only /proc was read";
      if (auto it = m.facts.find("pprof_probe"); it != m.facts.end() && it->is_array()) {
        for (const auto& line : *it) {
          if (line.is_string()) f.evidence.push_back("probed " + line.get<std::string>());
        }
      }
      if (f.evidence.empty()) f.evidence.push_back("the process has no listening TCP socket");
      f.advice =
          "Import _ \"net/http/pprof\" and serve http.DefaultServeMux on a loopback port "
          "(e.g. 127.0.0.1:6060) to let godx capture goroutines and profiles.";
      r.findings.push_back(std::move(f));
    }
    if (auto it = m.facts.find("go_buildinfo_note"); it != m.facts.end() && it->is_string()) {
      std::string note = it->get<std::string>();
      r.facts.push_back({"Go build info", note});
      if (note.find("no Go build info") != std::string::npos ||
          note.find("not an ELF") != std::string::npos) {
        Finding f;
        f.id = "not-go-program";
        f.severity = Severity::kWarning;
        f.title = "The process does not look like a Go program";
        f.evidence.push_back(note);
        f.advice =
            "godx diagnoses Go programs; check the PID (pgrep -a NAME). Only /proc data "
            "was captured.";
        r.findings.push_back(std::move(f));
      }
    }
  }

  // Goroutine growth between the first and the last count of the capture.
  double span_s = 0;
  if (e_start && e_end) {
    for (const auto& e : m.entries) {
      if (&e == e_start)
        span_s = 0;
      else
        span_s += e.seconds;
      if (&e == e_end) break;
    }
  }
  if (g_start && g_end && e_start && e_end) {
    double grew = double(*g_end) - double(*g_start);
    if (grew >= kGrowthMinCount && grew >= kGrowthMinShare * double(*g_start) && span_s >= 0.5) {
      Finding f;
      f.id = "goroutine-growth";
      f.severity = grew >= 0.5 * double(*g_start) ? Severity::kCritical : Severity::kWarning;
      f.title = fmt::format("Goroutines grew from {} to {} in {} ({}): a likely leak",
                            FormatCount(*g_start), FormatCount(*g_end), FormatDuration(span_s),
                            FormatRate(grew / span_s));
      f.evidence.push_back(fmt::format("goroutine.debug1.txt: total {}", *g_start));
      f.evidence.push_back(fmt::format("goroutine.debug1.end.txt: total {} ({} later)", *g_end,
                                       FormatDuration(span_s)));
      f.advice =
          "Find the stacks whose count grows (the goroutine dump's largest buckets, or "
          "'godx watch' for stack-level growth) and give each goroutine a way to end: a context "
          "cancel, a closed channel, a timeout.";
      r.findings.push_back(std::move(f));
    }
  }
  LeakComparison leaks = CompareBundleLeaks(dir, m, span_s, &r);
  AddLeakVerdict(leaks, &r);
  // Growth the runtime confirms as a leak is that leak's evidence.
  FoldFindings([](const Finding& f) { return f.id == "goroutine-growth"; },
               "goroutine-leak-confirmed", &r);
  uint64_t goroutines = g_end ? *g_end : g_start ? *g_start : 0;
  if (status && status->threads >= 0 && goroutines > 0) {
    // Both counts at the end of the capture when it was read again.
    const bool end = status_end && status_end->threads >= 0 && g_end;
    r.facts.push_back(
        {"Threads",
         end && status_end->threads != status->threads
             ? fmt::format("{} → {} OS threads during the capture, for {} goroutines",
                           status->threads, status_end->threads, FormatCount(goroutines))
             : fmt::format("{} OS threads for {} goroutines", status->threads,
                           FormatCount(goroutines))});
  }
  if (goroutines >= kManyGoroutines) {
    Finding f;
    f.id = "goroutines-many";
    f.severity = goroutines >= 10 * kManyGoroutines ? Severity::kCritical : Severity::kWarning;
    f.title = fmt::format("{} goroutines are alive", FormatCount(goroutines));
    f.evidence.push_back(fmt::format("goroutine profile: total {}", goroutines));
    f.advice =
        "Each goroutine holds at least a 2 KiB stack and what it references; look at the "
        "largest buckets of the goroutine dump for the ones that should have ended.";
    r.findings.push_back(std::move(f));
  }

  // Threads against goroutines, and against the threads the Go runtime says it created.
  std::optional<uint64_t> go_threads;
  if (const BundleEntry* e = m.Find("threadcreate.pb.gz"); e != nullptr && e->error.empty()) {
    if (auto t = ReadOwn(dir + "/threadcreate.pb.gz")) go_threads = ThreadCreateTotal(*t);
  }
  if (go_threads && *go_threads > 0) {
    r.facts.push_back({"Threads created by Go", fmt::format("{} (threadcreate profile)",
                                                            FormatCount(*go_threads))});
  }
  if (status && go_threads && *go_threads > 0 && status->threads >= kManyThreads &&
      double(status->threads) >= 2.0 * double(*go_threads) + 8) {
    // The runtime records every thread it creates (threadcreate); the kernel counts them all.
    // The difference was started by something else in the process: C code.
    int64_t foreign = status->threads - int64_t(*go_threads);
    Finding f;
    f.id = "threads-outside-go";
    f.severity = foreign >= 10 * kManyThreads ? Severity::kCritical : Severity::kWarning;
    f.title = fmt::format(
        "{} of {} OS threads were not created by the Go runtime: they come from C code", foreign,
        status->threads);
    f.evidence.push_back(fmt::format("proc_status.txt: Threads: {}", status->threads));
    f.evidence.push_back(fmt::format(
        "threadcreate.pb.gz: the Go runtime created {} thread{} (it counts every one it starts)",
        *go_threads, *go_threads == 1 ? "" : "s"));
    if (goroutines > 0) {
      f.evidence.push_back(fmt::format("goroutine profile: {} goroutines", FormatCount(goroutines)));
    }
    f.advice =
        "Goroutines in system calls, cgo calls or LockOSThread run on threads the runtime "
        "creates, and those are in the threadcreate profile; these are not. Look at the C "
        "libraries the program links through cgo (thread pools of database drivers, "
        "compression, ML runtimes) and at pthread_create in C code; "
        "'cat /proc/PID/task/*/comm' names the threads.";
    r.findings.push_back(std::move(f));
  } else if (status && status->threads >= kManyThreads) {
    Finding f;
    f.id = "threads-many";
    f.severity = status->threads >= 10 * kManyThreads ? Severity::kCritical : Severity::kWarning;
    // The thread count and the goroutine count were read at different moments of the capture,
    // so the title states the one measurement; the goroutines are evidence with their source.
    f.title = fmt::format("{} OS threads in the process", status->threads);
    f.evidence.push_back(fmt::format("proc_status.txt: Threads: {}", status->threads));
    if (goroutines > 0) {
      f.evidence.push_back(fmt::format("goroutine profile: {} goroutines", FormatCount(goroutines)));
    }
    if (go_threads) {
      f.evidence.push_back(fmt::format("threadcreate.pb.gz: the Go runtime created {} thread{}",
                                       *go_threads, *go_threads == 1 ? "" : "s"));
    }
    f.advice =
        "Go needs about GOMAXPROCS threads plus one per goroutine blocked in a system call "
        "or cgo call or locked with LockOSThread. Look at the threadcreate profile and at "
        "goroutines in 'syscall' or locked to a thread; the runtime never frees threads "
        "(except when a locked goroutine exits).";
    r.findings.push_back(std::move(f));
  }

  // Memory: RSS against Go-managed memory.
  if (vars && vars->memstats.present) {
    const ExpvarMemStats& ms = vars->memstats;
    int64_t metadata = 0;
    for (int64_t v : {ms.mspan_sys, ms.mcache_sys, ms.buck_hash_sys, ms.gc_sys, ms.other_sys}) {
      if (v > 0) metadata += v;
    }
    int64_t go_resident = GoResidentBound(ms);
    r.facts.push_back({"Go memory", fmt::format("heap in use {} (live objects {}), stacks {}, "
                                                "metadata {}, released to the OS {}; mapped {}",
                                                B(ms.heap_inuse), B(ms.heap_alloc), B(ms.stack_sys),
                                                B(metadata), B(ms.heap_released), B(ms.sys))});
    Json mem{{"heap_alloc_bytes", ms.heap_alloc},
             {"heap_inuse_bytes", ms.heap_inuse},
             {"stack_bytes", ms.stack_sys},
             {"metadata_bytes", metadata},
             {"heap_released_bytes", ms.heap_released},
             {"go_sys_bytes", ms.sys},
             {"go_resident_bound_bytes", go_resident}};
    int64_t anon = status ? (status->rss_anon >= 0 ? status->rss_anon : status->vm_rss) : -1;
    if (anon >= 0 && go_resident >= 0) {
      int64_t residue = anon - go_resident;
      mem["rss_anon_bytes"] = anon;
      // Go resident is an upper bound, so the difference is a lower bound of what lies outside
      // Go; below zero it bounds nothing and is not shown as a measured 0 B.
      if (residue >= 0) {
        mem["off_heap_bytes"] = residue;
        r.facts.push_back({"Off-heap", fmt::format("at least {} (RSS anon {} − Go resident ≤ {})",
                                                   B(residue), B(anon), B(go_resident))});
      } else {
        mem["off_heap_bytes"] = nullptr;
        r.facts.push_back(
            {"Off-heap", fmt::format("not measurable: Go-managed memory (≤ {}) exceeds RSS anon {} "
                                     "by {}, as pages Go mapped are not yet touched or were "
                                     "returned to the OS",
                                     B(go_resident), B(anon), B(-residue))});
      }
      if (residue >= kOffHeapMinBytes && double(residue) >= kOffHeapMinShare * double(anon)) {
        Finding f;
        f.id = "memory-off-heap";
        f.severity = Severity::kWarning;
        f.title = fmt::format("{} of resident memory is not Go-managed ({} of anonymous RSS)",
                              B(residue), FormatPercent(double(residue) / double(anon)));
        f.evidence.push_back(fmt::format("proc_status.txt: RssAnon {}", B(anon)));
        f.evidence.push_back(fmt::format(
            "vars.json: Sys {} − HeapReleased {} = {} at most resident for the Go runtime",
            B(ms.sys), B(ms.heap_released), B(go_resident)));
        if (smaps.lazy_free > 0) {
          f.evidence.push_back(
              fmt::format("smaps_rollup.txt: LazyFree {} (freed with MADV_FREE, "
                          "still counted in RSS)",
                          B(smaps.lazy_free)));
        }
        if (smaps.anon_huge_pages > 0) {
          f.evidence.push_back(
              fmt::format("smaps_rollup.txt: AnonHugePages {} (transparent huge "
                          "pages)",
                          B(smaps.anon_huge_pages)));
        }
        f.advice =
            "The rest is memory Go does not manage: cgo/C allocations, syscall.Mmap, "
            "non-Go threads";
        if (UsesMadvFree(go_version)) {
          f.advice += "; this binary is " + go_version +
                      ", which frees with MADV_FREE (RSS drops only under memory pressure; "
                      "GODEBUG=madvdontneed=1 changes that)";
        }
        if (smaps.anon_huge_pages > 0) {
          f.advice +=
              "; transparent huge pages can keep freed memory resident "
              "(GODEBUG=disablethp=1 on Go 1.21.6+)";
        }
        f.advice += ".";
        r.findings.push_back(std::move(f));
      }
    }
    r.summary["memory"] = mem;
    if (ms.gc_cpu_fraction >= kGcCpuWarn) {
      Finding f;
      f.id = "gc-pressure";
      f.severity = ms.gc_cpu_fraction >= kGcCpuCritical ? Severity::kCritical : Severity::kWarning;
      f.title = fmt::format("The garbage collector has used {} of the CPU since the start",
                            FormatPercent(ms.gc_cpu_fraction));
      f.evidence.push_back(
          fmt::format("vars.json: memstats.GCCPUFraction {:.4f}, NumGC {}, "
                      "heap goal {}",
                      ms.gc_cpu_fraction, ms.num_gc, B(ms.next_gc)));
      f.advice =
          "Allocate less on the hot paths (the allocs profile shows where), or raise GOGC / "
          "set GOMEMLIMIT so the GC runs less often.";
      r.findings.push_back(std::move(f));
    }
  }

  // Which kind of memory the process holds, and which grew between the two smaps readings.
  std::optional<MemoryKinds> kinds_start, kinds_end;
  if (auto t = ReadOwn(dir + "/smaps.txt")) kinds_start = ParseSmaps(*t);
  if (auto t = ReadOwn(dir + "/smaps.end.txt")) kinds_end = ParseSmaps(*t);
  if (const MemoryKinds* k = kinds_end ? &*kinds_end : kinds_start ? &*kinds_start : nullptr) {
    std::string line;
    Json mk = Json::object();
    for (const MemoryKind& kind : MemoryKindTable()) {
      line += fmt::format("{}{} {}", line.empty() ? "" : "; ", kind.name, B((*k).*kind.bytes));
      mk[std::string(kind.id) + "_bytes"] = (*k).*kind.bytes;
    }
    mk["thread_stacks"] = k->stack_count;
    r.facts.push_back({"Memory by kind", fmt::format("{} ({}, {})", line,
                                                     Plural(uint64_t(k->stack_count), "thread stack"),
                                                     kinds_end ? "smaps.end.txt" : "smaps.txt")});
    r.summary["memory_kinds"] = mk;
    // The off-heap finding names the kind that holds most of it.
    auto off = std::find_if(r.findings.begin(), r.findings.end(),
                            [](const Finding& f) { return f.id == "memory-off-heap"; });
    if (off != r.findings.end()) {
      const MemoryKind* top = nullptr;
      for (const MemoryKind& kind : MemoryKindTable()) {
        if (std::string_view(kind.id) == "go_heap") continue;
        if (top == nullptr || (*k).*kind.bytes > (*k).*top->bytes) top = &kind;
      }
      off->title += fmt::format(", most in {} ({})", top->name, B((*k).*top->bytes));
      off->evidence.push_back("/proc/PID/smaps, resident by kind: " + line);
    }
  }
  if (kinds_start && kinds_end) {
    double span = 0;
    bool counting = false;
    for (const auto& e : m.entries) {
      if (e.file == "smaps.txt") counting = true;
      if (counting && e.file != "smaps.txt") span += e.seconds;
      if (e.file == "smaps.end.txt") break;
    }
    for (const MemoryKind& kind : MemoryKindTable()) {
      if (std::string_view(kind.id) == "go_heap") continue;
      double before = double((*kinds_start).*kind.bytes), after = double((*kinds_end).*kind.bytes);
      double rise = after - before;
      if (rise < kKindGrowthMinBytes || rise < kKindGrowthMinShare * before || span < 1) continue;
      // Two readings: a rise, not a trend; 'godx watch' samples it over time.
      Finding f;
      f.id = "memory-growth-outside-go";
      f.severity = Severity::kWarning;
      f.title = fmt::format("{} grew {} → {} in {} ({}), outside the Go heap", kind.name,
                            B(int64_t(before)), B(int64_t(after)), FormatDuration(span),
                            FormatBytes(rise / span * 60) + "/min");
      f.evidence.push_back(fmt::format("smaps.txt: {} {}", kind.name, B(int64_t(before))));
      f.evidence.push_back(fmt::format("smaps.end.txt ({} later): {} {}", FormatDuration(span),
                                       kind.name, B(int64_t(after))));
      f.evidence.push_back(fmt::format("the Go heap's mappings over the same time: {} → {}",
                                       B(kinds_start->go_heap), B(kinds_end->go_heap)));
      std::string_view id = kind.id;
      if (id == "stacks") {
        f.evidence.push_back(fmt::format("thread stacks: {} → {}", kinds_start->stack_count,
                                         kinds_end->stack_count));
      }
      if (id == "file") {
        std::string grown;
        int64_t most = 0;
        for (const auto& [path, rss] : kinds_end->files) {
          auto it = kinds_start->files.find(path);
          int64_t d = rss - (it == kinds_start->files.end() ? 0 : it->second);
          if (d > most) {
            most = d;
            grown = path;
          }
        }
        if (!grown.empty()) f.evidence.push_back(fmt::format("most in {} (+{})", grown, B(most)));
      }
      f.advice = "Two readings, seconds apart: run 'godx watch' on the process to see whether it "
                 "keeps growing. ";
      f.advice += id == "file"     ? "File-backed growth is mapped files (syscall.Mmap of a file, a "
                                     "memory-mapped store): unmap what is no longer read."
                  : id == "malloc" ? "Growth in the C malloc arenas is C code allocating through "
                                     "cgo without freeing (C.CString and C.malloc need C.free)."
                  : id == "stacks" ? "Growing thread stacks are threads created and never ended "
                                     "(C code through cgo, or LockOSThread without exit)."
                                   : "Anonymous growth outside the Go heap is syscall.Mmap(MAP_ANON) "
                                     "or large C allocations through cgo.";
      f.advice += " Heap profiles will not show it.";
      r.findings.push_back(std::move(f));
    }
  }

  // CPU shares are judged against wall time × the cores the program could use: GOMAXPROCS from
  // its environment, else the CPUs it may run on.
  AnalyzeOptions signal_options = options;
  if (auto it = m.facts.find("gomaxprocs_env"); it != m.facts.end() && it->is_number_integer()) {
    signal_options.cores = it->get<int>();
  } else if (status && status->cpus_allowed > 0) {
    signal_options.cores = int(status->cpus_allowed);
  }
  if (signal_options.cores > 0) {
    r.summary["cores"] = signal_options.cores;
    r.facts.push_back({"CPUs", fmt::format("{} ({})", signal_options.cores,
                                           m.facts.contains("gomaxprocs_env")
                                               ? "GOMAXPROCS in the environment"
                                               : "Cpus_allowed_list of proc_status.txt")});
  }

  // Every other file goes through the signal table; the findings of every reader are merged.
  bool have_debug2 = false;
  if (const BundleEntry* e = m.Find("goroutine.debug2.txt")) have_debug2 = e->error.empty();
  Json signals = Json::array();
  std::map<std::string, bool> seen;  // finding id + title, to keep one of repeated findings
  for (const auto& f : r.findings) seen[f.id + "\x1f" + f.title] = true;
  std::vector<std::string> unread;
  std::vector<LockedSite> locked;
  for (const auto& e : m.entries) {
    if (e.file.empty() || IsBundleOwnFile(e.file)) continue;
    // Both goroutine snapshots hold the same stacks; the debug=2 dump says more.
    if (e.file == "goroutine.debug1.txt" && have_debug2) continue;
    std::string path = dir + "/" + e.file;
    if (!std::filesystem::exists(path)) continue;
    auto in = Input::Open(path, InputOptions{});
    if (!in.ok()) {
      r.warnings.push_back(in.status().message());
      continue;
    }
    // The dump's buckets (its JSON form) say which goroutines are locked to their thread.
    AnalyzeOptions file_options = signal_options;
    if (e.file == "goroutine.debug2.txt") file_options.json = true;
    SignalResults results = AnalyzeBySignals(table, *in, file_options);
    if (results.reports.empty()) {
      unread.push_back(e.file);
      for (const auto& err : results.errors) {
        if (err.find("not a signal godx reads") == std::string::npos) r.warnings.push_back(err);
      }
      continue;
    }
    for (auto& sub : results.reports) {
      if (e.file == "goroutine.debug2.txt" && sub.extra.contains("buckets")) {
        locked = LockedSites(sub.extra["buckets"]);
      }
      signals.push_back(Json{
          {"file", e.file}, {"kind", sub.kind}, {"title", sub.title}, {"summary", sub.summary}});
      r.facts.push_back({e.file, sub.title});
      for (auto& f : sub.findings) {
        if (!seen.emplace(f.id + "\x1f" + f.title, true).second) continue;
        // The proto and debug=1 leak profiles hold the same verdict: the doctor's own findings
        // already give it, held against growth, so the reader's would say it a second time.
        if (leaks.offered && e.file == "goroutineleak.pb.gz") continue;
        f.evidence.push_back(fmt::format("from {} ({})", e.file, sub.kind));
        r.findings.push_back(std::move(f));
      }
      for (auto& w : sub.warnings) r.warnings.push_back(fmt::format("{}: {}", e.file, w));
    }
  }
  // Growth the runtime did not (or could not) judge names the stacks that grew, and the goroutine
  // dump's leak suspect at one of those sites (which says where they were created) is the same
  // cause: its evidence joins the growth finding.
  std::vector<LeakSite> grew = GrowingSites(dir, m);
  if (auto g = std::find_if(r.findings.begin(), r.findings.end(),
                            [](const Finding& f) { return f.id == "goroutine-growth"; });
      g != r.findings.end()) {
    if (!grew.empty()) {
      g->title += fmt::format(", most in {}", grew.front().site);
      std::optional<std::string> dump;
      if (have_debug2) dump = ReadOwn(dir + "/goroutine.debug2.txt");
      for (size_t i = 0; i < grew.size() && i < 3; ++i) {
        std::string created = dump ? CreationSite(*dump, grew[i].site) : "";
        g->evidence.push_back(fmt::format("{}: {} → {} goroutines{}", grew[i].site,
                                          grew[i].before, grew[i].after,
                                          created.empty() ? "" : ", created by " + created));
      }
      for (size_t i = 0; i < grew.size() && i < 3; ++i) {
        FoldFindings(
            [&](const Finding& f) {
              return f.id == "leak-suspect" && f.title.find(grew[i].site) != std::string::npos;
            },
            "goroutine-growth", &r);
      }
    }
  }
  // So is the goroutine dump's leak suspect at a site the runtime confirmed.
  for (const LeakSite& site : leaks.sites) {
    if (site.verdict != "confirmed") continue;
    FoldFindings(
        [&](const Finding& f) {
          return f.id == "leak-suspect" && f.title.find(site.site) != std::string::npos;
        },
        "goroutine-leak-confirmed", &r);
  }
  LockedThreadsFinding(locked, status, status_end,
                       SpanBetween(m, "proc_status.txt", "proc_status.end.txt"), go_threads, grew,
                       &r);
  if (!unread.empty()) {
    std::string list;
    for (const auto& f : unread) list += (list.empty() ? "" : ", ") + f;
    r.facts.push_back({"Kept, not analysed", list + " (no reader for them in this build)"});
  }
  r.summary["signals"] = std::move(signals);
  r.summary["not_analysed"] = unread;
  r.tables.push_back(std::move(captures));
  r.title = fmt::format("Doctor: {} ({} captured, {} failed)", m.target.empty() ? dir : m.target,
                        captured, failed);
  r.SortFindings();
  return r;
}

}  // namespace godx::live
