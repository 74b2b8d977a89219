// End-to-end: the godx binary against real Go programs (testdata/gen/), built here by each Go
// release of the fixture matrix (scripts/go-release), started on free loopback ports and stopped
// afterwards. Every test that needs a service runs once per release; a release that is not
// available on this machine skips, naming the release.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/report.h"
#include "testing/go_service.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

namespace fs = std::filesystem;
using godx::testing::RunGodx;

// The Go releases every end-to-end test runs against (scripts/go-release list). A test checks
// that this list is the one of the fixture matrix, so a new release cannot be left out.
std::vector<std::string> E2EReleases() { return {"1.19", "1.26", "1.27"}; }

// The release-parameterised fixtures: GetParam() is the release.
class ReleaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  const std::string& rel() const { return GetParam(); }
  // The service built by this test's release; "" (and skip_ set) when the release is missing.
  std::string Bin(const std::string& name, const std::string& experiment = "") {
    return godx::testing::GoBinary(rel(), name, &skip_, experiment);
  }
  // Go 1.26 offers /debug/pprof/goroutineleak only with this experiment; 1.27 by default.
  std::string LeakExperiment() const { return rel() == "1.26" ? "goroutineleakprofile" : ""; }
  bool OffersGoroutineLeak() const { return rel() != "1.19"; }
  std::string skip_;
};

std::string ReleaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = "go" + info.param;
  for (char& c : s) {
    if (c == '.') c = '_';
  }
  return s;
}

class DoctorE2E : public ReleaseTest {};
class WatchE2E : public ReleaseTest {};
class RunE2E : public ReleaseTest {};

// Skips the test, naming the release, when it is not available on this machine.
#define REQUIRE_BIN(var, ...)                          \
  std::string var = Bin(__VA_ARGS__);                  \
  if (var.empty() && !skip_.empty()) GTEST_SKIP() << skip_; \
  ASSERT_FALSE(var.empty())

using godx::testing::GoService;

std::string TempDir() { return godx::testing::MakeTempDir("e2e"); }

Json ParseJson(const std::string& s) { return Json::parse(s, nullptr, false); }

bool HasFinding(const Json& env, const std::string& id) {
  for (const auto& f : env["findings"]) {
    if (f["id"] == id) return true;
  }
  return false;
}

// The Go release a report names ("go1.27.3") is the one that built the service.
void ExpectRelease(const Json& go_version, const std::string& rel) {
  ASSERT_TRUE(go_version.is_string()) << go_version.dump();
  EXPECT_EQ(go_version.get<std::string>().rfind("go" + rel + ".", 0), 0u) << go_version.dump();
}

// N of the first line "goroutineleak profile: total N" of a captured debug=1 leak profile: the
// test's own reading, to hold godx's against.
int64_t LeakTotal(const std::string& text) {
  const std::string head = "goroutineleak profile: total ";
  if (text.rfind(head, 0) != 0) return -1;
  return std::stoll(text.substr(head.size()));
}

TEST_P(DoctorE2E, FindsThePlantedLeakAndKeepsItsCreationSite) {
  REQUIRE_BIN(bin, "leakyserver", LeakExperiment());
  GoService s(bin, {"-every", "2ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  // Let the leak pass the goroutine-dump reader's threshold (100 blocked at one site) before the
  // capture starts, so the finding must name the creation site.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::string dir = TempDir() + "/b";
  auto r = RunGodx("doctor " + s.url() + " --cpu 1s --trace 200ms --out " + dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json env = ParseJson(r.out);
  ASSERT_FALSE(env.is_discarded()) << r.out;
  EXPECT_EQ(env["kind"], "doctor");
  EXPECT_EQ(env["summary"]["bundle"], dir);
  // The growth, or the leak the runtime confirmed with the growth as its evidence.
  EXPECT_NE(HasFinding(env, "goroutine-growth"), HasFinding(env, "goroutine-leak-confirmed"))
      << r.out;
  EXPECT_EQ(env["summary"]["failed"], 0) << r.out;
  // A loopback service's process is found by its port, and its build info names the release.
  EXPECT_EQ(env["summary"]["process"]["name"], "leakyserver");
  ExpectRelease(env["summary"]["process"]["go_version"], rel());
  // The creation site of the leaked goroutines is in the captured dump (the goroutine dump reader
  // turns it into the finding's evidence when it is part of the build).
  std::string dump = godx::testing::ReadFile(dir + "/goroutine.debug2.txt");
  EXPECT_NE(dump.find("main.leakyWorker"), std::string::npos);
  EXPECT_NE(dump.find("created by main.startLeak"), std::string::npos);
  // The dump's leak suspect names the creation site; where the runtime confirmed the leak, or
  // the growth finding names the same stack, it is that finding's evidence (one finding per
  // cause), not a finding beside it.
  EXPECT_EQ(int(HasFinding(env, "leak-suspect")) + int(HasFinding(env, "goroutine-leak-confirmed")) +
                int(HasFinding(env, "goroutine-growth")),
            1)
      << r.out;
  EXPECT_NE(r.out.find("created by main.startLeak"), std::string::npos) << r.out;

  // The runtime's own verdict (/debug/pprof/goroutineleak), where the release offers it.
  const Json& leak = env["summary"]["goroutine_leak"];
  auto manifest = ParseJson(godx::testing::ReadFile(dir + "/manifest.json"));
  if (OffersGoroutineLeak()) {
    ASSERT_TRUE(fs::exists(dir + "/goroutineleak.debug1.txt")) << r.out;
    EXPECT_TRUE(fs::exists(dir + "/goroutineleak.pb.gz"));
    int64_t leaked = LeakTotal(godx::testing::ReadFile(dir + "/goroutineleak.debug1.txt"));
    // Every leakyWorker is blocked on a channel only it can reach: the GC proves them all leaked.
    EXPECT_GE(leaked, 100);
    EXPECT_EQ(leak["offered"], true) << leak.dump();
    EXPECT_EQ(leak["leaked"], leaked) << leak.dump();
    EXPECT_TRUE(HasFinding(env, "goroutine-leak-confirmed")) << r.out;
    bool named = false;
    for (const auto& site : leak["sites"]) {
      named = named || (site["site"].get<std::string>().find("main.leakyWorker") !=
                            std::string::npos &&
                        site["verdict"] == "confirmed");
    }
    EXPECT_TRUE(named) << leak.dump();
  } else {
    EXPECT_FALSE(fs::exists(dir + "/goroutineleak.debug1.txt"));
    EXPECT_EQ(leak["offered"], false) << leak.dump();
    EXPECT_TRUE(manifest["facts"]["goroutineleak"].is_string()) << manifest.dump();
    EXPECT_FALSE(HasFinding(env, "goroutine-leak-confirmed"));
  }
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_P(DoctorE2E, FindsMemoryTheRuntimeDoesNotManage) {
  REQUIRE_BIN(mmap, "mmapserver");
  REQUIRE_BIN(goodbin, "goodserver");
  GoService s(mmap, {"-mb", "96", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir() + "/b";
  auto r = RunGodx("doctor " + s.url() + " --cpu 0 --trace 0 --out " + dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json env = ParseJson(r.out);
  EXPECT_TRUE(HasFinding(env, "memory-off-heap")) << r.out;
  EXPECT_GT(env["summary"]["memory"]["off_heap_bytes"].get<int64_t>(), int64_t{64} << 20);
  // The well-behaved server has none.
  GoService good(goodbin, {"-life", "60s"});
  ASSERT_FALSE(good.addr().empty());
  auto g = RunGodx("doctor " + good.url() + " --cpu 0 --trace 0 --out " + dir + "2 --json");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  Json genv = ParseJson(g.out);
  EXPECT_FALSE(HasFinding(genv, "memory-off-heap")) << g.out;
  EXPECT_FALSE(HasFinding(genv, "goroutine-growth")) << g.out;
  EXPECT_FALSE(HasFinding(genv, "goroutine-leak-confirmed")) << g.out;
  EXPECT_FALSE(HasFinding(genv, "goroutine-leak-runtime")) << g.out;
  // A number when RSS exceeds what Go holds; null (not a measured 0 B) when Go's bound exceeds
  // RSS, as on a small healthy service whose mapped pages are not all touched.
  const Json& off = genv["summary"]["memory"]["off_heap_bytes"];
  EXPECT_TRUE(off.is_number() || off.is_null()) << genv["summary"].dump();
  if (off.is_number()) {
    EXPECT_GE(off.get<int64_t>(), 0);
  }
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_P(DoctorE2E, ByPidFindsTheServicesOwnPprofPort) {
  // Built without the experiment on 1.26: the 404 of /debug/pprof/goroutineleak is no failure.
  REQUIRE_BIN(bin, "leakyserver");
  GoService s(bin, {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir() + "/b";
  auto r =
      RunGodx("doctor " + std::to_string(s.pid()) + " --cpu 0 --trace 0 --out " + dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json env = ParseJson(r.out);
  ExpectRelease(env["summary"]["process"]["go_version"], rel());
  EXPECT_EQ(env["summary"]["process"]["name"], "leakyserver");
  EXPECT_GE(env["summary"]["captured"].get<int>(), 10);
  EXPECT_EQ(env["summary"]["failed"], 0) << r.out;
  auto manifest = ParseJson(godx::testing::ReadFile(dir + "/manifest.json"));
  EXPECT_EQ(manifest["url"], s.url() + "/debug/pprof/");
  EXPECT_EQ(fs::exists(dir + "/goroutineleak.debug1.txt"), rel() == "1.27");
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_P(DoctorE2E, ServiceStoppingMidCaptureLeavesAPartialBundle) {
  REQUIRE_BIN(bin, "goodserver");
  GoService s(bin, {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir() + "/b";
  // Stopped once the capture has begun (its goroutine dump is written), whatever the machine's
  // load: a fixed delay raced with godx's start-up on a busy machine.
  std::thread killer([&] {
    for (int i = 0; i < 500 && !fs::exists(dir + "/goroutine.debug2.txt"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    s.Stop();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = RunGodx("doctor " + s.url() + " --cpu 3s --trace 1s --out " + dir + " --json");
  killer.join();
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 20);
  Json env = ParseJson(r.out);
  ASSERT_FALSE(env.is_discarded()) << r.out << r.err;
  EXPECT_GT(env["summary"]["captured"].get<int>(), 0);
  EXPECT_GT(env["summary"]["failed"].get<int>(), 0);
  EXPECT_TRUE(fs::exists(dir + "/goroutine.debug2.txt"));
  // The bundle can be analysed again later.
  auto again = RunGodx("doctor " + dir);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("stopped answering"), std::string::npos) << again.out;
  fs::remove_all(fs::path(dir).parent_path());
}

TEST(DoctorE2EOffline, RefusedUrlGonePidAndNonGoPid) {
  std::string dir = TempDir();
  // A refused URL: one line naming why, no report, no bundle left behind.
  auto refused = RunGodx("doctor http://127.0.0.1:1 --out " + dir + "/b");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("cannot connect"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("no bundle written"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err.find("stopped answering"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(dir + "/b"));
  auto gone = RunGodx("doctor 999999999");
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_NE(gone.err.find("no such process"), std::string::npos) << gone.err;
  pid_t child = fork();
  if (child == 0) {
    execl("/bin/sleep", "sleep", "30", nullptr);
    _exit(127);
  }
  auto notgo = RunGodx("doctor " + std::to_string(child) + " --out " + dir + "/c --json");
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(notgo.exit_code, 0) << notgo.err;
  EXPECT_TRUE(HasFinding(ParseJson(notgo.out), "not-go-program")) << notgo.out;
  EXPECT_TRUE(HasFinding(ParseJson(notgo.out), "no-pprof-endpoint")) << notgo.out;
  auto bad = RunGodx("doctor ftp:/x");
  EXPECT_EQ(bad.exit_code, 2);
  fs::remove_all(dir);
}

// Golden: the committed leaky bundle, as text. The numbers were checked by hand against the
// bundle's files (head -1 of the two debug=1 snapshots; proc_status.txt).
TEST(DoctorE2EOffline, GoldenTextOfCommittedBundle) {
  auto r = RunGodx("doctor " + godx::testing::TestData("live/go1.19/leaky-bundle") + " --no-color");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Goroutines grew from 35 to 103"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("leakyserver (pid "), std::string::npos);
  EXPECT_NE(r.out.find("go1.19.8"), std::string::npos);
  EXPECT_NE(r.out.find("goroutine.debug2.txt"), std::string::npos);
  // `godx analyze` routes a manifest to the same analysis.
  auto a = RunGodx("analyze " + godx::testing::TestData("live/go1.19/leaky-bundle/manifest.json"));
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("Goroutines grew from 35 to 103"), std::string::npos);
}

std::vector<Json> JsonLines(const std::string& out) {
  std::vector<Json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(ParseJson(line));
  return lines;
}

TEST_P(WatchE2E, DetectsGoroutineGrowthWithinBoundedSamples) {
  REQUIRE_BIN(bin, "leakyserver");
  GoService s(bin, {"-every", "10ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  auto r = RunGodx("watch " + s.url() + " " + std::to_string(s.pid()) +
                   " --interval 150ms --duration 1s --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = JsonLines(r.out);
  ASSERT_GE(lines.size(), 5u);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    for (const char* key : {"t", "goroutines", "threads", "rss_bytes", "heap_bytes"}) {
      EXPECT_TRUE(lines[i].contains(key)) << key;
    }
    EXPECT_TRUE(lines[i]["goroutines"].is_number());
    EXPECT_TRUE(lines[i]["threads"].is_number());
  }
  const Json& env = lines.back();
  EXPECT_EQ(env["kind"], "watch");
  EXPECT_TRUE(HasFinding(env, "goroutine-leak")) << r.out;
  EXPECT_LE(env["summary"]["samples"].get<int>(), 8);
  ExpectRelease(env["summary"]["go_version"], rel());
  // Which stacks grow, from the debug=1 snapshots through the goroutine dump reader's diff
  // (debug=1 has no creation sites; the leaked goroutines wait in main.leakyWorker).
  EXPECT_TRUE(env["summary"]["stack_diff_available"].get<bool>());
  EXPECT_NE(r.out.find(": main.leakyWorker at main.go:24"), std::string::npos) << r.out;
}

TEST_P(WatchE2E, WellBehavedServerGivesNoFalseAlarm) {
  REQUIRE_BIN(bin, "goodserver");
  GoService s(bin, {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  auto r = RunGodx("watch " + s.url() + " " + std::to_string(s.pid()) +
                   " --interval 100ms --duration 1s --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = JsonLines(r.out);
  ASSERT_GE(lines.size(), 8u);
  EXPECT_TRUE(lines.back()["findings"].empty()) << lines.back().dump();
}

TEST_P(WatchE2E, OnLeakCapturesABundle) {
  REQUIRE_BIN(bin, "leakyserver", LeakExperiment());
  GoService s(bin, {"-every", "10ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir();
  auto r = RunGodx("watch " + s.url() +
                   " --interval 150ms --duration 1s --on-leak --cpu 0 "
                   "--trace 0 --bundles " +
                   dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto env = JsonLines(r.out).back();
  ASSERT_EQ(env["summary"]["bundles"].size(), 1u) << env.dump();  // once per cooldown
  std::string bundle = env["summary"]["bundles"][0];
  EXPECT_TRUE(fs::exists(bundle + "/goroutine.debug2.txt"));
  // The runtime's leak profile is part of the bundle where the release offers it, and the
  // bundle's report holds the runtime's verdict.
  EXPECT_EQ(fs::exists(bundle + "/goroutineleak.debug1.txt"), OffersGoroutineLeak());
  EXPECT_EQ(fs::exists(bundle + "/goroutineleak.pb.gz"), OffersGoroutineLeak());
  int64_t leaked = OffersGoroutineLeak()
                       ? LeakTotal(godx::testing::ReadFile(bundle + "/goroutineleak.debug1.txt"))
                       : -1;
  if (OffersGoroutineLeak()) {
    // The watch names the runtime's verdict itself...
    const Json& rl = env["summary"]["runtime_leak"];
    EXPECT_EQ(rl["leaked"], leaked);
    EXPECT_EQ(rl["top_site"], "main.leakyWorker at main.go:24") << rl.dump();
    // ...and the bundle's report holds it against growth.
    auto d = RunGodx("doctor " + bundle + " --json");
    ASSERT_EQ(d.exit_code, 0) << d.err;
    Json denv = ParseJson(d.out);
    EXPECT_EQ(denv["summary"]["goroutine_leak"]["leaked"], leaked);
    EXPECT_GT(denv["summary"]["goroutine_leak"]["leaked"].get<int64_t>(), 0) << d.out;
  } else {
    EXPECT_TRUE(env["summary"]["runtime_leak"].is_null());
  }
  fs::remove_all(dir);
}

// Memory the service maps itself (mmapserver -grow-mb): RSS grows, the Go heap does not. The
// finding says the growth is outside the Go heap, with its rate, and does not send the user to
// heap profiles.
TEST_P(WatchE2E, RssGrowingOutsideTheGoHeapIsSaidSo) {
  REQUIRE_BIN(bin, "mmapserver");
  GoService s(bin, {"-mb", "4", "-grow-mb", "4", "-grow-every", "100ms", "-life", "20s"});
  ASSERT_FALSE(s.addr().empty());
  auto r = RunGodx("watch " + s.url() + " --interval 200ms --duration 1s --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json env = JsonLines(r.out).back();
  EXPECT_FALSE(HasFinding(env, "heap-growth")) << r.out;
  EXPECT_FALSE(HasFinding(env, "rss-growth")) << r.out;
  ASSERT_TRUE(HasFinding(env, "rss-growth-off-heap")) << r.out;
  for (const auto& f : env["findings"]) {
    if (f["id"] != "rss-growth-off-heap") continue;
    std::string title = f["title"];
    EXPECT_NE(title.find("outside the Go heap"), std::string::npos) << title;
    EXPECT_NE(title.find("iB/min"), std::string::npos) << title;  // 2.3 GiB/min here
    EXPECT_EQ(f["advice"].get<std::string>().find("heap profiles some"), std::string::npos);
    EXPECT_NE(f["evidence"].dump().find("RssAnon"), std::string::npos) << f.dump();
    // smaps says which kind: the regions syscall.Mmap(MAP_ANON) returned.
    EXPECT_NE(title.find("anonymous mappings outside the Go heap grew"), std::string::npos)
        << title;
  }
}

// The same growth in a mapped file: the finding names file-backed regions and the file.
TEST_P(WatchE2E, FileBackedGrowthIsNamedAsSuch) {
  REQUIRE_BIN(bin, "mmapserver");
  GoService s(bin, {"-mb", "4", "-grow-mb", "4", "-grow-every", "100ms", "-grow-kind", "file",
                  "-life", "20s"});
  ASSERT_FALSE(s.addr().empty());
  auto r = RunGodx("watch " + s.url() + " --interval 200ms --duration 1s --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json env = JsonLines(r.out).back();
  ASSERT_TRUE(HasFinding(env, "rss-growth-off-heap")) << r.out;
  for (const auto& f : env["findings"]) {
    if (f["id"] != "rss-growth-off-heap") continue;
    std::string title = f["title"];
    EXPECT_NE(title.find("file-backed mmap regions grew"), std::string::npos) << title;
    EXPECT_NE(f["evidence"].dump().find("mmapserver-"), std::string::npos) << f.dump();
    EXPECT_NE(f["advice"].get<std::string>().find("mapped files"), std::string::npos);
  }
}

// doctor reads smaps before and after its timed captures: the kind that grew in between is named.
TEST_P(DoctorE2E, NamesTheKindOfMemoryThatGrew) {
  REQUIRE_BIN(bin, "mmapserver");
  for (const char* kind : {"file", "anon"}) {
    GoService s(bin, {"-mb", "4", "-grow-mb", "8", "-grow-every", "100ms", "-grow-kind", kind,
                    "-life", "30s"});
    ASSERT_FALSE(s.addr().empty());
    std::string dir = TempDir() + "/b";
    auto r = RunGodx("doctor " + s.url() + " --cpu 2s --trace 0 --out " + dir + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json env = ParseJson(r.out);
    ASSERT_TRUE(HasFinding(env, "memory-growth-outside-go")) << r.out;
    std::string want = std::string(kind) == "file" ? "file-backed mmap regions grew"
                                                   : "anonymous mappings outside the Go heap grew";
    int named = 0;
    for (const auto& f : env["findings"]) {
      if (f["id"] == "memory-growth-outside-go") {
        named += f["title"].get<std::string>().find(want) != std::string::npos;
        EXPECT_EQ(f["severity"], "warning") << f.dump();  // two readings, not a trend
      }
    }
    EXPECT_EQ(named, 1) << r.out;
    // The bundle knows the CPUs the service may use, and the report says so.
    EXPECT_GT(env["summary"]["cores"].get<int>(), 0) << env["summary"].dump();
    fs::remove_all(fs::path(dir).parent_path());
  }
}

// A bundle captured on a leak must not stretch the watch past --duration (a 20 s watch ran 27 s):
// the bundle's CPU profile is cut to what is left.
TEST_P(WatchE2E, OnLeakBundleKeepsTheDuration) {
  REQUIRE_BIN(bin, "leakyserver");
  GoService s(bin, {"-every", "10ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir();
  auto start = std::chrono::steady_clock::now();
  auto r = RunGodx("watch " + s.url() + " --interval 200ms --duration 2s --on-leak --cpu 5s " +
                   "--trace 0 --bundles " + dir + " --json");
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(JsonLines(r.out).back()["summary"]["bundles"].size(), 1u);
  EXPECT_LT(took, 3.5);  // 2 s, plus resolving the target and at most half an interval
  fs::remove_all(dir);
}

TEST_P(WatchE2E, CtrlCPrintsTheSummary) {
  REQUIRE_BIN(bin, "goodserver");
  GoService s(bin, {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  const char* godx = std::getenv("GODX_BIN");
  ASSERT_NE(godx, nullptr);
  std::string dir = TempDir();
  std::string out_path = dir + "/out.txt";
  pid_t child = fork();
  if (child == 0) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    std::string url = s.url();
    execl(godx, "godx", "watch", url.c_str(), "--interval", "200ms", nullptr);
    _exit(127);
  }
  // Interrupt once two samples are printed: godx handles SIGINT from then on (a fixed sleep
  // raced with its start-up on a loaded machine).
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(out_path);  // not there until the child opened it
    std::string so_far((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t first = so_far.find("goroutines");
    if (first != std::string::npos && so_far.find("goroutines", first + 1) != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(child, SIGINT);
  int status = 0;
  for (int i = 0; i < 100 && waitpid(child, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (waitpid(child, &status, WNOHANG) == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    FAIL() << "godx watch did not end on SIGINT";
  }
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string out = godx::testing::ReadFile(out_path);
  EXPECT_NE(out.find("Watch: "), std::string::npos) << out;
  EXPECT_NE(out.find("no sustained growth"), std::string::npos) << out;
  // The facts' values are aligned to the longest label: find the value after the label.
  size_t label = out.find("Go release ");
  ASSERT_NE(label, std::string::npos) << out;
  size_t value = out.find_first_not_of(' ', label + 10);
  EXPECT_EQ(out.compare(value, 4 + rel().size(), "Go " + rel() + "."), 0) << out;
  fs::remove_all(dir);
}

TEST(WatchE2EOffline, TargetGoneEndsTheWatch) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunGodx("watch http://127.0.0.1:1 --interval 100ms --duration 30s");
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_LT(took, 10);
  EXPECT_NE(r.err.find("no sample could be taken"), std::string::npos) << r.err;
}

TEST_P(RunE2E, CrashIsAnalysedAndBundled) {
  REQUIRE_BIN(bin, "crasher");
  std::string dir = TempDir();
  auto r = RunGodx("run --quiet-runtime --json --report " + dir + "/report.json --crash-dir " +
                   dir + "/crash -- " + bin + " -d 300ms");
  EXPECT_EQ(r.exit_code, 2);  // the program's own status (Go panics exit 2)
  EXPECT_NE(r.out.find("stdout line 0"), std::string::npos);  // stdout passed through
  EXPECT_NE(r.err.find("stderr line 0"), std::string::npos);
  EXPECT_EQ(r.err.find("\ngc 1 @"), std::string::npos);  // --quiet-runtime
  EXPECT_NE(r.err.find("panic: assignment to entry in nil map"), std::string::npos);
  Json reports = ParseJson(godx::testing::ReadFile(dir + "/report.json"));
  ASSERT_TRUE(reports.is_array()) << reports.dump();
  EXPECT_EQ(reports[0]["kind"], "run");
  // One finding for the crash: the goroutine dump reader's, naming the culprit, with the exit
  // status; the generic "program-crashed" is replaced and the dump's report does not repeat it.
  const Json& crash = reports[0]["findings"][0];
  EXPECT_EQ(crash["id"], "nil-map-write") << crash.dump(1);
  EXPECT_EQ(crash["title"], "The program crashed: panic: assignment to entry in nil map");
  std::string evidence = crash["evidence"].dump();
  EXPECT_NE(evidence.find("first frame in user code: main.(*job).record at main.go:17"),
            std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find("exit status 2"), std::string::npos) << evidence;
  for (const auto& rep : reports) {
    EXPECT_FALSE(HasFinding(rep, "program-crashed")) << rep["kind"];
    if (rep["kind"] == "stacks") {
      EXPECT_FALSE(HasFinding(rep, "nil-map-write"));
    }
  }
  EXPECT_EQ(reports[0]["summary"]["bundle"], dir + "/crash");
  // The binary's build info names the release (it was built with -trimpath: no GOROOT in it).
  ExpectRelease(reports[0]["summary"]["go_version"], rel());
  bool gc = false;
  for (const auto& rep : reports) gc = gc || rep["kind"] == "gc";
  EXPECT_TRUE(gc);
  std::string tb = godx::testing::ReadFile(dir + "/crash/traceback.txt");
  EXPECT_EQ(tb.substr(0, 38), "panic: assignment to entry in nil map\n");
  EXPECT_NE(tb.find("created by main.startJob"), std::string::npos);
  EXPECT_FALSE(godx::testing::ReadFile(dir + "/crash/runtime.log").empty());
  // Read again from the bundle, the crash still names its release.
  auto again = RunGodx("doctor " + dir + "/crash --json");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  ExpectRelease(ParseJson(again.out)["summary"]["process"]["go_version"], rel());
  fs::remove_all(dir);
}

TEST_P(RunE2E, CleanExitPrintsSummaryAndKeepsStatus) {
  REQUIRE_BIN(bin, "crasher");
  auto ok = RunGodx("run -- " + bin + " -d 200ms -ok");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("\ngc 1 @"), std::string::npos);  // runtime lines passed through
  EXPECT_NE(ok.err.find("GC trace:"), std::string::npos) << ok.err;
  EXPECT_EQ(ok.err.find("program-crashed"), std::string::npos);
  auto three = RunGodx("run -- " + bin + " -d 100ms -exit 3");
  EXPECT_EQ(three.exit_code, 3);
  EXPECT_NE(three.err.find("program-failed"), std::string::npos);
}

TEST(RunE2EOffline, MissingProgram) {
  auto missing = RunGodx("run -- /nonexistent/prog");
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("cannot run"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Releases, DoctorE2E, ::testing::ValuesIn(E2EReleases()), ReleaseName);
INSTANTIATE_TEST_SUITE_P(Releases, WatchE2E, ::testing::ValuesIn(E2EReleases()), ReleaseName);
INSTANTIATE_TEST_SUITE_P(Releases, RunE2E, ::testing::ValuesIn(E2EReleases()), ReleaseName);

// The releases above are those of the fixture matrix (testdata/releases/).
TEST(LiveE2EReleases, AreTheMatrixReleases) {
  EXPECT_EQ(E2EReleases(), godx::testing::MatrixReleases());
}

TEST(LiveHelp, EveryCommandHasAnExample) {
  for (const char* cmd : {"doctor", "watch", "run"}) {
    auto r = RunGodx(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd;
  }
}

}  // namespace
}  // namespace godx::live
