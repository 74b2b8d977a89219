// Every live-* fixture of every Go release of the matrix (testdata/releases/go<REL>.txt), read by
// godx (AnalyzeBundle for bundles; the run, watch, /proc, expvar, goroutine and build-info readers
// for the rest) and held against an independent reading written here with nothing but string
// searches and a JSON parser. A fixture whose cell or shape this test does not know fails: a new
// kind of fixture must come with its check.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "live/buildinfo.h"
#include "live/doctor.h"
#include "live/expvar.h"
#include "live/goroutine_profile.h"
#include "live/growth.h"
#include "live/proc.h"
#include "live/run_report.h"
#include "live/runner.h"
#include "live/watch.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

namespace fs = std::filesystem;
using godx::testing::Describe;
using godx::testing::MatrixFixture;
using godx::testing::ReadFile;
using godx::testing::TestData;

// ---- The independent readings ------------------------------------------------------------------

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// N of a first line "<name> profile: total N"; -1 otherwise.
int64_t ProfileTotal(const std::string& text, const std::string& name) {
  static const std::regex re(R"(^(\w+) profile: total (\d+)\n)");
  std::smatch m;
  if (!std::regex_search(text, m, re) || m[1] != name) return -1;
  return std::stoll(m[2]);
}

// The sum of the bucket lines "N @ 0x…" of a debug=1 profile.
int64_t BucketSum(const std::string& text) {
  static const std::regex re(R"(^(\d+) @ 0x)");
  int64_t sum = 0;
  for (const auto& line : Lines(text)) {
    std::smatch m;
    if (std::regex_search(line, m, re)) sum += std::stoll(m[1]);
  }
  return sum;
}

// "Key:\t  123 kB" of a /proc file, in bytes when it has a kB unit; -1 when absent.
int64_t ProcValue(const std::string& text, const std::string& key) {
  std::regex re("^" + key + R"(:\s+(\d+)( kB)?$)");
  for (const auto& line : Lines(text)) {
    std::smatch m;
    if (std::regex_match(line, m, re)) return std::stoll(m[1]) * (m[2].matched ? 1024 : 1);
  }
  return -1;
}

// "go version go1.27.3 linux/amd64" → "go1.27.3".
std::string ReleaseToolchain(const MatrixFixture& f) {
  std::istringstream in(godx::testing::MatrixGoVersion(f.release));
  std::string go, version, v;
  in >> go >> version >> v;
  return v;
}

// A binary's Go version without its experiments: "go1.26.8-X:goroutineleakprofile" → "go1.26.8"
// (the Go 1.26 services are built with GOEXPERIMENT=goroutineleakprofile).
std::string Toolchain(const Json& go_version) {
  if (!go_version.is_string()) return "not a string: " + go_version.dump();
  std::string v = go_version;
  return v.substr(0, v.find("-X:"));
}

Json ReadJson(const std::string& path) {
  Json j = Json::parse(ReadFile(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << path;
  return j;
}

// ---- One check per cell ------------------------------------------------------------------------

void CheckDoctorBundle(const MatrixFixture& f) {
  std::string dir = TestData(f.path);
  auto r = AnalyzeBundle(dir, {}, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  Json manifest = ReadJson(dir + "/manifest.json");
  // Captured and failed entries, as the manifest lists them.
  int failed = 0;
  for (const auto& e : manifest["entries"]) {
    std::string file = e["file"];
    failed += !e["error"].get<std::string>().empty() ||
              (!file.empty() && !fs::exists(dir + "/" + file));
  }
  EXPECT_EQ(r->summary["failed"], failed);
  EXPECT_EQ(r->summary["captured"].get<int>() + failed, int(manifest["entries"].size()));
  // The Go release the bundle names is the one that built the service.
  if (manifest["target_kind"] != "url" || manifest["facts"].contains("go_version")) {
    EXPECT_EQ(Toolchain(r->summary["process"]["go_version"]), ReleaseToolchain(f));
  }
  // Goroutine totals: the last snapshot's first line, else the first's.
  int64_t start = -1, end = -1;
  if (fs::exists(dir + "/goroutine.debug1.txt")) {
    start = ProfileTotal(ReadFile(dir + "/goroutine.debug1.txt"), "goroutine");
  }
  if (fs::exists(dir + "/goroutine.debug1.end.txt")) {
    end = ProfileTotal(ReadFile(dir + "/goroutine.debug1.end.txt"), "goroutine");
  }
  ASSERT_GE(start, 0) << "every bundle of the matrix begins with a goroutine snapshot";
  EXPECT_EQ(r->summary["goroutines"], end >= 0 ? end : start);
  // Growth is a finding of its own, or the evidence of the leak the runtime confirmed.
  const Finding* growth = godx::testing::FindFinding(*r, "goroutine-growth");
  if (growth) {
    EXPECT_NE(growth->title.find(fmt::format("from {} to {}", start, end)), std::string::npos)
        << growth->title;
  } else if ((growth = godx::testing::FindFinding(*r, "goroutine-leak-confirmed"))) {
    std::string want = fmt::format("goroutine.debug1.txt: total {}", start);
    EXPECT_NE(std::find(growth->evidence.begin(), growth->evidence.end(), want),
              growth->evidence.end())
        << want;
  }
  if (end >= 0 && end - start < 10) {
    EXPECT_EQ(growth, nullptr);
  }
  if (f.path.find("leaky-bundle") != std::string::npos) {
    EXPECT_NE(growth, nullptr);
  }
  // /proc/PID/status.
  if (fs::exists(dir + "/proc_status.txt")) {
    std::string st = ReadFile(dir + "/proc_status.txt");
    EXPECT_EQ(r->summary["process"]["rss_bytes"], ProcValue(st, "VmRSS"));
    EXPECT_EQ(r->summary["process"]["threads"], ProcValue(st, "Threads"));
  }
  // expvar memstats.
  if (fs::exists(dir + "/vars.json") && r->summary.contains("memory")) {
    Json vars = ReadJson(dir + "/vars.json");
    EXPECT_EQ(r->summary["memory"]["heap_alloc_bytes"], vars["memstats"]["HeapAlloc"]);
    EXPECT_EQ(r->summary["memory"]["go_sys_bytes"], vars["memstats"]["Sys"]);
  }
  if (f.path.find("offheap-bundle") != std::string::npos) {
    EXPECT_NE(godx::testing::FindFinding(*r, "memory-off-heap"), nullptr);
  }
  // The runtime's leak verdict, where the bundle holds it.
  const Json& leak = r->summary["goroutine_leak"];
  std::string leak_file = dir + "/goroutineleak.debug1.txt";
  if (fs::exists(leak_file)) {
    std::string text = ReadFile(leak_file);
    EXPECT_EQ(leak["offered"], true);
    EXPECT_EQ(leak["leaked"], ProfileTotal(text, "goroutineleak"));
    EXPECT_EQ(BucketSum(text), ProfileTotal(text, "goroutineleak"));
    if (f.path.find("leaky-bundle") != std::string::npos) {
      EXPECT_NE(godx::testing::FindFinding(*r, "goroutine-leak-confirmed"), nullptr);
    }
  } else {
    EXPECT_EQ(leak["offered"], false);
    EXPECT_EQ(godx::testing::FindFinding(*r, "goroutine-leak-confirmed"), nullptr);
  }
}

// The watch's JSON lines: one sample a line, then the summary envelope. The summary must describe
// the samples above it, and godx's growth rule over those samples must give its findings.
void CheckWatch(const MatrixFixture& f) {
  std::vector<Json> lines;
  for (const auto& line : Lines(ReadFile(TestData(f.path)))) {
    lines.push_back(Json::parse(line, nullptr, false));
    ASSERT_FALSE(lines.back().is_discarded()) << line;
  }
  ASSERT_GE(lines.size(), 2u);
  Json env = lines.back();
  lines.pop_back();
  ASSERT_EQ(env["kind"], "watch");
  EXPECT_EQ(env["summary"]["samples"], lines.size());
  WatchConfig rules;
  struct Series {
    const char* key;
    const char* finding;
    const GrowthRule* rule;
  };
  for (const Series& se : {Series{"goroutines", "goroutine-leak", &rules.goroutines},
                           Series{"threads", "thread-leak", &rules.threads},
                           Series{"rss_bytes", "rss-growth", &rules.rss},
                           Series{"heap_bytes", "heap-growth", &rules.heap}}) {
    SCOPED_TRACE(se.key);
    std::vector<double> t, v;
    for (const auto& s : lines) {
      if (!s[se.key].is_number()) continue;
      t.push_back(s["t"].get<double>());
      v.push_back(s[se.key].get<double>());
    }
    const Json& range = env["summary"][se.key];
    if (v.empty()) {
      EXPECT_TRUE(range.is_null());
      continue;
    }
    EXPECT_EQ(range["first"].get<double>(), v.front());
    EXPECT_EQ(range["last"].get<double>(), v.back());
    EXPECT_EQ(range["min"].get<double>(), *std::min_element(v.begin(), v.end()));
    EXPECT_EQ(range["max"].get<double>(), *std::max_element(v.begin(), v.end()));
    bool reported = false;
    for (const auto& fd : env["findings"]) reported = reported || fd["id"] == se.finding;
    EXPECT_EQ(DetectGrowth(t, v, *se.rule, rules.window).has_value(), reported);
  }
  // The fixture watches the leaking service.
  bool leak = false;
  for (const auto& fd : env["findings"]) leak = leak || fd["id"] == "goroutine-leak";
  EXPECT_TRUE(leak);
  if (env["summary"].contains("go_version")) {
    EXPECT_EQ(Toolchain(env["summary"]["go_version"]), ReleaseToolchain(f));
  }
}

// A crash bundle of `godx run`: its traceback's panic line is the crash godx reports, from the
// bundle's own files (exit.json, traceback.txt) through the run report.
void CheckCrashBundle(const MatrixFixture& f) {
  std::string dir = TestData(f.path);
  auto r = AnalyzeBundle(dir, {}, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->summary["target_kind"], "run");
  EXPECT_EQ(r->summary["failed"], 0);
  Json exit = ReadJson(dir + "/exit.json");
  std::string tb = ReadFile(dir + "/traceback.txt");
  std::string panic_line;
  for (const auto& line : Lines(tb)) {
    if (line.rfind("panic: ", 0) == 0) {
      panic_line = line;
      break;
    }
  }
  ASSERT_FALSE(panic_line.empty()) << tb;
  RunOptions ro;
  for (const auto& a : exit["command"]) ro.argv.push_back(a);
  RunOutcome o;
  o.exit_code = exit["exit_code"];
  o.term_signal = exit["signal"];
  o.traceback = tb;
  auto reports = RunReports(ro, o, dir, {}, AnalyzeOptions{});
  ASSERT_FALSE(reports.empty());
  const Finding* crash = godx::testing::FindFinding(reports[0], "program-crashed");
  ASSERT_NE(crash, nullptr);
  EXPECT_EQ(crash->title, "The program crashed: " + panic_line);
  EXPECT_EQ(exit["exit_code"], 2);  // Go's status after a panic
  if (r->summary["process"].contains("go_version")) {
    EXPECT_EQ(Toolchain(r->summary["process"]["go_version"]), ReleaseToolchain(f));
  }
}

// The crashing program's real stderr, fed to `godx run`'s reader through a program that prints
// it: the traceback godx keeps starts at the panic line, and it counts every gctrace line.
void CheckRunStderr(const MatrixFixture& f) {
  std::string path = TestData(f.path);
  std::string text = ReadFile(path);
  std::string panic_line;
  int64_t gc_lines = 0;
  static const std::regex gc(R"(^gc \d+ @[0-9.]+s \d+%: )");
  for (const auto& line : Lines(text)) {
    if (panic_line.empty() && line.rfind("panic: ", 0) == 0) panic_line = line;
    if (panic_line.empty() && std::regex_search(line, gc)) ++gc_lines;
  }
  ASSERT_FALSE(panic_line.empty());
  ASSERT_GT(gc_lines, 0);
  RunOptions ro;
  ro.argv = {"/bin/sh", "-c", "cat \"$0\" >&2; exit 2", path};
  ro.quiet_runtime = true;
  // `godx run` passes the program's other stderr lines through: keep them off the test's log.
  int saved = dup(STDERR_FILENO);
  int null = open("/dev/null", O_WRONLY);
  dup2(null, STDERR_FILENO);
  auto o = RunProgram(ro);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(null);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_TRUE(o->Crashed());
  EXPECT_EQ(o->traceback.substr(0, o->traceback.find('\n')), panic_line);
  EXPECT_EQ(int64_t(o->gc_cycles), gc_lines);
}

void CheckProc(const MatrixFixture& f) {
  std::string text = ReadFile(TestData(f.path));
  if (f.path.ends_with(".status.txt")) {
    auto st = ParseProcStatus(text, f.path);
    ASSERT_TRUE(st.ok()) << st.status().message();
    EXPECT_EQ(st->vm_rss, ProcValue(text, "VmRSS"));
    EXPECT_EQ(st->rss_anon, ProcValue(text, "RssAnon"));
    EXPECT_EQ(st->threads, ProcValue(text, "Threads"));
    EXPECT_EQ(st->pid, ProcValue(text, "Pid"));
    EXPECT_EQ(st->name, "leakyserver");
  } else if (f.path.ends_with(".smaps_rollup.txt")) {
    SmapsRollup s = ParseSmapsRollup(text);
    EXPECT_EQ(s.rss, ProcValue(text, "Rss"));
    EXPECT_EQ(s.pss, ProcValue(text, "Pss"));
    EXPECT_EQ(s.anonymous, ProcValue(text, "Anonymous"));
    EXPECT_GT(s.rss, 0);
  } else if (f.path.ends_with(".net_tcp.txt") || f.path.ends_with(".net_tcp6.txt")) {
    bool v6 = f.path.ends_with("tcp6.txt");
    // Rows in state 0A (LISTEN): the fourth column.
    size_t listen = 0;
    for (const auto& line : Lines(text)) {
      std::istringstream in(line);
      std::string sl, local, rem, st;
      if (in >> sl >> local >> rem >> st && sl.back() == ':' && st == "0A") ++listen;
    }
    EXPECT_EQ(ParseNetTcp(text, v6).size(), listen);
    if (!v6) {
      EXPECT_GT(listen, 0u);  // the service's own loopback listener
    }
  } else {
    ADD_FAILURE() << "unknown live-proc fixture: " << f.path;
  }
}

void CheckExpvar(const MatrixFixture& f) {
  std::string text = ReadFile(TestData(f.path));
  auto v = ParseExpvars(text, f.path);
  ASSERT_TRUE(v.ok()) << v.status().message();
  Json j = ReadJson(TestData(f.path));
  const Json& ms = j["memstats"];
  EXPECT_TRUE(v->memstats.present);
  EXPECT_EQ(v->memstats.heap_alloc, ms["HeapAlloc"]);
  EXPECT_EQ(v->memstats.heap_released, ms["HeapReleased"]);
  EXPECT_EQ(v->memstats.sys, ms["Sys"]);
  EXPECT_EQ(v->memstats.num_gc, ms["NumGC"]);
  EXPECT_EQ(v->cmdline.size(), j["cmdline"].size());
}

void CheckGoroutineProfile(const MatrixFixture& f) {
  std::string text = ReadFile(TestData(f.path));
  int64_t total = ProfileTotal(text, "goroutine");
  ASSERT_GT(total, 0);
  EXPECT_EQ(GoroutineTotal(text), std::optional<uint64_t>(uint64_t(total)));
  auto p = ReadCountProfile(text, f.path);
  ASSERT_TRUE(p.ok()) << p.status().message();
  int64_t sum = 0;
  for (const auto& b : p->buckets) sum += int64_t(b.count);
  EXPECT_EQ(sum, BucketSum(text));
  EXPECT_EQ(sum, total);
}

void CheckBuildInfo(const MatrixFixture& f) {
  auto info = ParseGoBuildInfo(ReadFile(TestData(f.path)));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(Toolchain(info->go_version), ReleaseToolchain(f));
  EXPECT_EQ(info->module_path, "godx.test/gen");  // testdata/gen's go.mod
}

TEST(LiveReleaseMatrix, EveryFixtureReadsAsItsIndependentReadingSays) {
  auto fixtures = godx::testing::MatrixFixtures("live-");
  ASSERT_FALSE(fixtures.empty());
  std::map<std::string, int> per_release;
  for (const auto& f : fixtures) {
    SCOPED_TRACE(Describe(f));
    ++per_release[f.release];
    bool dir = fs::is_directory(TestData(f.path));
    if (f.cell == "live-doctor" && dir) {
      CheckDoctorBundle(f);
    } else if (f.cell == "live-run" && dir) {
      CheckCrashBundle(f);
    } else if (f.cell == "live-run" && f.path.ends_with(".stderr.txt")) {
      CheckRunStderr(f);
    } else if (f.cell == "live-watch" && f.path.ends_with(".jsonl")) {
      CheckWatch(f);
    } else if (f.cell == "live-proc") {
      CheckProc(f);
    } else if (f.cell == "live-expvar") {
      CheckExpvar(f);
    } else if (f.cell == "live-goroutine") {
      CheckGoroutineProfile(f);
    } else if (f.cell == "live-buildinfo") {
      CheckBuildInfo(f);
    } else {
      ADD_FAILURE() << "no check for this live fixture: add one to release_matrix_test.cc";
    }
  }
  // Every release of the matrix has its live fixtures.
  for (const auto& rel : godx::testing::MatrixReleases()) {
    EXPECT_GE(per_release[rel], 8) << "go" << rel << " has too few live fixtures";
  }
}

}  // namespace
}  // namespace godx::live
