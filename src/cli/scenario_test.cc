// The scenario battery: realistic Go services and workers (testdata/gen/scenario/, plus the
// services of testdata/gen/ that already are a scenario), each with one planted problem, and
// healthy twins. Every scenario is built by each Go release (scripts/go-release), run for a few
// seconds, and the signal a user would capture from it (a gctrace log, a profile, -gcflags=-m=2
// output, a crash on stderr, a live service) goes through the godx binary. The test asserts what
// a senior Go engineer would want to read first: the top finding (highest severity, first) names
// the cause and the place — the function and the file:line of the planted problem, found at test
// time from the marker comment `godx:scenario-site` in the program's source — and a healthy
// twin raises no WARNING or CRITICAL. One CTest entry per release runs its scenarios.
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

namespace godx::cli {
namespace {

namespace fs = std::filesystem;
using godx::testing::GodxEnvelope;
using godx::testing::ReadFile;
using godx::testing::RunGodx;

// The marker ends the planted line as a comment.
constexpr char kSiteMarker[] = "// godx:scenario-site";

// The 1-based line of the one code line of testdata/gen/<program>/main.go that holds `needle`
// (comment-only lines are prose and skipped); fails the test (and returns 0) unless exactly one
// line does, so a moved or doubled marker cannot go unnoticed.
int LineOf(const std::string& program, const std::string& needle = kSiteMarker) {
  std::istringstream in(ReadFile(godx::testing::TestData("gen/" + program + "/main.go")));
  std::string line;
  int n = 0, found = 0, hits = 0;
  while (std::getline(in, line)) {
    ++n;
    size_t code = line.find_first_not_of(" \t");
    if (code != std::string::npos && line.compare(code, 2, "//") == 0) continue;  // prose
    if (line.find(needle) != std::string::npos) {
      found = n;
      ++hits;
    }
  }
  EXPECT_EQ(hits, 1) << "'" << needle << "' in " << program << "/main.go";
  return hits == 1 ? found : 0;
}

// "main.go:51": how every reader of a Go position names the planted line.
std::string Site(const std::string& program, const std::string& needle = kSiteMarker) {
  return "main.go:" + std::to_string(LineOf(program, needle));
}

int SeverityRank(const Json& f) {
  std::string s = f.value("severity", "");
  return s == "critical" ? 3 : s == "warning" ? 2 : s == "info" ? 1 : 0;
}

// The finding a user reads first: the first one, which must be of the highest severity present.
Json TopFinding(const Json& env) {
  const Json& fs = env.contains("findings") ? env["findings"] : Json::array();
  if (!fs.is_array() || fs.empty()) {
    ADD_FAILURE() << "no findings in " << env.dump().substr(0, 400);
    return Json::object();
  }
  for (const Json& f : fs) {
    EXPECT_LE(SeverityRank(f), SeverityRank(fs[0]))
        << "findings are not ordered by severity: " << f.dump();
  }
  return fs[0];
}

std::string Lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The finding's id or title names the cause: one of `words` (case-insensitive).
void ExpectCause(const Json& f, const std::vector<std::string>& words) {
  std::string text = Lower(f.value("id", "") + " " + f.value("title", ""));
  bool named = false;
  for (const auto& w : words) named = named || text.find(Lower(w)) != std::string::npos;
  std::string all;
  for (const auto& w : words) all += "'" + w + "' ";
  EXPECT_TRUE(named) << "the top finding should name the cause (" << all
                     << ") in its id or title: " << f.dump(1);
}

// The finding names the place: one line of it (title or one evidence line) holds both the
// function and the file:line, so the two cannot come from different frames.
void ExpectPlace(const Json& f, const std::string& function, const std::string& site) {
  std::vector<std::string> lines{f.value("title", "")};
  if (f.contains("evidence") && f["evidence"].is_array()) {
    for (const auto& e : f["evidence"]) {
      if (e.is_string()) lines.push_back(e.get<std::string>());
    }
  }
  bool named = false;
  for (const auto& l : lines) {
    named = named || (l.find(function) != std::string::npos && l.find(site) != std::string::npos);
  }
  EXPECT_TRUE(named) << "the top finding should name " << function << " at " << site
                     << " on one line: " << f.dump(1);
}

// A healthy program: nothing at WARNING or above.
void ExpectHealthy(const Json& env, const std::string& what) {
  ASSERT_TRUE(env.contains("findings")) << what << ": " << env.dump().substr(0, 300);
  for (const Json& f : env["findings"]) {
    EXPECT_LT(SeverityRank(f), 2) << what << " is healthy, yet: " << f.dump(1);
  }
}

// The "run" envelope of a `godx run --json --report FILE` report (an array of envelopes).
Json RunReport(const std::string& path) {
  Json j = Json::parse(ReadFile(path), nullptr, false);
  for (const Json& e : j.is_array() ? j : Json::array({j})) {
    if (e.is_object() && e.value("kind", "") == "run") return e;
  }
  ADD_FAILURE() << "no 'run' report in " << path << ": " << j.dump().substr(0, 300);
  return Json::object();
}

// Runs a shell command (the test's own capture step); returns its exit status, -1 on a signal.
int Sh(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string TempDir() { return godx::testing::MakeTempDir("scenario"); }

using godx::testing::GoService;

class Scenario : public ::testing::TestWithParam<std::string> {
 protected:
  const std::string& rel() const { return GetParam(); }
  std::string Bin(const std::string& name) {
    return godx::testing::GoBinary(rel(), name, &skip_);
  }
  // The test's scratch directory, made on first use.
  const std::string& Dir() {
    if (dir_.empty()) dir_ = TempDir();
    return dir_;
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }
  std::string skip_, dir_;
};

// Skips the test, naming the release, when it is not available on this machine.
#define REQUIRE_BIN(var, name)                              \
  std::string var = Bin(name);                              \
  if (var.empty() && !skip_.empty()) GTEST_SKIP() << skip_; \
  ASSERT_FALSE(var.empty())

std::string ReleaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = "go" + info.param;
  for (char& c : s) {
    if (c == '.') c = '_';
  }
  return s;
}

// ---- GC churn: an export worker that allocates per sample ------------------------------------

TEST_P(Scenario, GcChurnFromGctraceAndAllocsProfile) {
  REQUIRE_BIN(bin, "scenario/churn");
  std::string log = Dir() + "/gc.log", allocs = Dir() + "/allocs.pb.gz";
  ASSERT_EQ(Sh("GODEBUG=gctrace=1 " + bin + " -d 1500ms -allocs " + allocs + " >/dev/null 2>" +
               log),
            0);
  Json gc = GodxEnvelope("gc " + log + " --json", "gc");
  ExpectCause(TopFinding(gc), {"gc-cpu", "gc-frequent"});
  // The allocation profile says where the churn comes from: what was allocated, not what lives.
  Json top = TopFinding(GodxEnvelope("pprof " + allocs + " --json", "pprof"));
  ExpectCause(top, {"alloc"});
  ExpectPlace(top, "main.renderSample", Site("scenario/churn"));
}

// ---- Heap leak: a cache keyed by unique request IDs -------------------------------------------

TEST_P(Scenario, HeapLeakFromGctraceAndHeapProfileDiff) {
  REQUIRE_BIN(bin, "scenario/heapcache");
  std::string log = Dir() + "/gc.log", heap = Dir() + "/heap";
  ASSERT_EQ(Sh("GODEBUG=gctrace=1 " + bin + " -d 2s -first 700ms -heap " + heap + " >/dev/null 2>" +
               log),
            0);
  ExpectCause(TopFinding(GodxEnvelope("gc " + log + " --json", "gc")), {"live-heap-growth"});
  Json top = TopFinding(GodxEnvelope(
      "pprof diff " + heap + "-1.pb.gz " + heap + "-2.pb.gz --json", "pprof"));
  ExpectCause(top, {"growth", "grew"});
  ExpectPlace(top, "main.render", Site("scenario/heapcache"));
  // Two profiles carry their times: the growth has a rate.
  EXPECT_NE(top.dump().find("/s"), std::string::npos) << "no growth rate: " << top.dump(1);
}

// ---- Channel blocking: eight producers, one slow consumer --------------------------------------

TEST_P(Scenario, ChannelBlockingFromBlockProfile) {
  REQUIRE_BIN(bin, "scenario/chanblock");
  std::string prof = Dir() + "/block.pb.gz";
  ASSERT_EQ(Sh(bin + " -d 1500ms -block " + prof + " >/dev/null"), 0);
  Json top = TopFinding(GodxEnvelope("pprof " + prof + " --json", "pprof"));
  ExpectCause(top, {"channel send"});
  EXPECT_GE(SeverityRank(top), 2) << top.dump(1);
  ExpectPlace(top, "main.ingest", Site("scenario/chanblock"));
}

// ---- Mutex contention: one lock around a sort ---------------------------------------------------

TEST_P(Scenario, MutexContentionFromMutexProfile) {
  REQUIRE_BIN(bin, "scenario/mutexwait");
  std::string prof = Dir() + "/mutex.pb.gz";
  ASSERT_EQ(Sh(bin + " -d 1500ms -mutex " + prof + " >/dev/null"), 0);
  Json top = TopFinding(GodxEnvelope("pprof " + prof + " --json", "pprof"));
  ExpectCause(top, {"mutex"});
  EXPECT_GE(SeverityRank(top), 2) << top.dump(1);
  ExpectPlace(top, "main.(*limiter).allow", Site("scenario/mutexwait"));
}

// ---- Escapes: a per-request value handed to an interface and a closure -------------------------

TEST_P(Scenario, HotEscapeFromGcflagsM2) {
  // The binary is not needed, but GoBinary says whether the release is here, and where the
  // staged copy of testdata/gen (with its go.mod naming the release) lives.
  REQUIRE_BIN(bin, "scenario/escapehot");
  fs::path root = fs::path(bin).parent_path().parent_path().parent_path();
  std::string script = godx::testing::SourceDir() + "/scripts/go-release " + rel();
  std::string out = Dir() + "/m2.txt";
  // As in GoBinary: gen-dir refreshes the shared copy in place, one build at a time. -a is not
  // needed: the go command replays a cached compile's diagnostics.
  std::string env = "GODX_GEN_ROOT=" + (root / "gen").string() + " ";
  ASSERT_EQ(Sh("(flock 9 && cd \"$(" + env + script + " gen-dir)/scenario/escapehot\" && " +
               script + " go build -gcflags=-m=2 -o /dev/null .) 2>" + out + " 9>" +
               (root / "build.lock").string()),
            0)
      << ReadFile(out);
  Json top = TopFinding(GodxEnvelope("escape " + out + " --json", "escape"));
  ExpectCause(top, {"escape", "heap"});
  ExpectPlace(top, "logRequest", Site("scenario/escapehot"));
  // Every callee the finding lists has a name.
  EXPECT_EQ(top.value("title", "").find(",  ("), std::string::npos) << top.dump(1);
}

// ---- A crash with SetTraceback("all"): a nil map write in a worker ------------------------------

TEST_P(Scenario, NilMapCrashFromStderr) {
  REQUIRE_BIN(bin, "scenario/nilmap");
  std::string crash = Dir() + "/crash.txt";
  EXPECT_EQ(Sh(bin + " >/dev/null 2>" + crash), 2);
  Json top = TopFinding(GodxEnvelope("stacks " + crash + " --json", "stacks"));
  ExpectCause(top, {"nil map"});
  ExpectPlace(top, "main.(*shard).record", Site("scenario/nilmap"));
}

// ---- godx run on the same crashing worker -------------------------------------------------------

TEST_P(Scenario, RunOnACrashingWorker) {
  REQUIRE_BIN(bin, "scenario/nilmap");
  std::string report = Dir() + "/run.json";
  auto r = RunGodx("run --json --quiet-runtime --report " + report + " --crash-dir " + Dir() +
                   "/crash -- " + bin);
  EXPECT_EQ(r.exit_code, 2) << r.err;  // the program's own status
  Json env = RunReport(report);
  Json top = TopFinding(env);
  ExpectCause(top, {"nil map"});
  ExpectPlace(top, "main.(*shard).record", Site("scenario/nilmap"));
}

// ---- An index panic inside an inlined function --------------------------------------------------

TEST_P(Scenario, InlinedIndexPanicFromStderrAndObjdump) {
  REQUIRE_BIN(bin, "scenario/inlinepanic");
  std::string crash = Dir() + "/crash.txt", listing = Dir() + "/objdump.txt";
  EXPECT_EQ(Sh(bin + " >/dev/null 2>" + crash), 2);
  std::string site = Site("scenario/inlinepanic");
  Json top = TopFinding(GodxEnvelope("stacks " + crash + " --json", "stacks"));
  ExpectCause(top, {"index out of range"});
  ExpectPlace(top, "main.column", site);

  // The listing of the same binary: the check that failed, at the inlined line.
  std::string script = godx::testing::SourceDir() + "/scripts/go-release " + rel();
  ASSERT_EQ(Sh(script + " go tool objdump -s '^main\\.' " + bin + " >" + listing + " 2>&1"), 0)
      << ReadFile(listing);
  auto r = RunGodx("asm --traceback " + crash + " " + listing + " --json");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  Json env = Json::parse(r.out, nullptr, false);
  ASSERT_FALSE(env.is_discarded()) << r.out.substr(0, 300);
  // The resolved site: a bounds check at the inlined helper's line, and the frame that names the
  // helper (its code lives in the caller's machine code).
  const Json& at = env["site"];
  EXPECT_EQ(at.value("check", ""), "bounds") << at.dump(1);
  EXPECT_EQ("main.go:" + std::to_string(at.value("line", 0)), site) << at.dump(1);
  bool helper = false;
  for (const Json& f : env["frames"]) {
    for (const Json& in : f.value("inlined", Json::array())) {
      helper = helper || (in.value("function", "") == "main.column" &&
                          "main.go:" + std::to_string(in.value("line", 0)) == site);
    }
  }
  EXPECT_TRUE(helper) << "no frame names main.column at " << site << ": " << env["frames"].dump();
  EXPECT_EQ(r.out.find("another build"), std::string::npos)
      << "the listing is of the very binary that crashed: " << r.out.substr(0, 2000);
}

// ---- Recovered HTTP panics: net/http logs each one ---------------------------------------------

TEST_P(Scenario, RecoveredHttpPanicsFromServerLog) {
  REQUIRE_BIN(bin, "scenario/httppanic");
  std::string log = Dir() + "/server.log";
  // 18 requests, every third one for a guest order: six failing requests, each retried once by
  // the client's transport (a GET on a connection the server dropped), all at one site.
  ASSERT_EQ(Sh(bin + " -requests 18 >/dev/null 2>" + log), 0);
  int logged = 0;
  for (size_t at = 0; (at = ReadFile(log).find("http: panic serving", at)) != std::string::npos;
       ++at) {
    ++logged;
  }
  ASSERT_GE(logged, 6);
  Json env = GodxEnvelope("stacks " + log + " --json", "stacks");
  Json top = TopFinding(env);
  ExpectCause(top, {"panic"});
  ExpectPlace(top, "main.(*store).handleOrder", Site("scenario/httppanic"));
  // One finding per cause, with its count.
  int panics = 0;
  for (const Json& f : env["findings"]) {
    panics += SeverityRank(f) >= 2 && Lower(f.dump()).find("panic") != std::string::npos;
  }
  EXPECT_EQ(panics, 1) << env["findings"].dump(1);
  EXPECT_NE(top.value("title", "").find(std::to_string(logged)), std::string::npos)
      << "the title should count the " << logged << " panics the log holds: " << top.dump(1);
}

// ---- CPU saturation: a worker pool with a backlog that never drains -----------------------------

TEST_P(Scenario, CpuSaturationFromCpuProfileAndSchedtrace) {
  REQUIRE_BIN(bin, "scenario/cpuburn");
  std::string prof = Dir() + "/cpu.pb.gz", log = Dir() + "/sched.log";
  ASSERT_EQ(Sh("GODEBUG=schedtrace=100 " + bin + " -d 1500ms -cpu " + prof + " >/dev/null 2>" +
               log),
            0);
  Json top = TopFinding(GodxEnvelope("pprof " + prof + " --json", "pprof"));
  ExpectCause(top, {"cpu"});
  ExpectPlace(top, "main.blur", Site("scenario/cpuburn"));
  ExpectCause(TopFinding(GodxEnvelope("sched " + log + " --json", "sched")), {"saturat"});
}

// ---- Goroutines stuck in a system call ----------------------------------------------------------

TEST_P(Scenario, SyscallStuckFromGoroutineDumpAndSigquit) {
  REQUIRE_BIN(bin, "scenario/syscallstuck");
  std::string site = Site("scenario/syscallstuck");
  std::string dump = Dir() + "/goroutine.txt", quit = Dir() + "/sigquit.txt";
  ASSERT_EQ(Sh(bin + " -sources 30 -d 300ms >" + dump), 0);
  Json top = TopFinding(GodxEnvelope("stacks " + dump + " --json", "stacks"));
  ExpectCause(top, {"syscall"});
  ExpectPlace(top, "main.tail", site);
  // The same goroutines in a SIGQUIT dump: a dump the user asked for, whose news is the stuck
  // readers, not that it was asked for.
  EXPECT_EQ(Sh(bin + " -sources 30 -d 300ms -sigquit >/dev/null 2>" + quit), 2);
  top = TopFinding(GodxEnvelope("stacks " + quit + " --json", "stacks"));
  ExpectCause(top, {"syscall"});
  ExpectPlace(top, "main.tail", site);
}

// ---- A live goroutine leak in an HTTP service (testdata/gen/leakyserver) ------------------------

TEST_P(Scenario, LiveGoroutineLeakFromDoctorUrlAndPid) {
  REQUIRE_BIN(bin, "leakyserver");
  GoService s(bin, {"-every", "5ms", "-life", "60s"});
  ASSERT_TRUE(s.up());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::string block = Site("leakyserver", "<-results");
  for (const std::string& target : {s.url() + "/debug/pprof/", std::to_string(s.pid())}) {
    SCOPED_TRACE("godx doctor " + target);
    Json env = GodxEnvelope("doctor " + target + " --cpu 500ms --trace 0 --out " + Dir() +
                                "/b" + std::to_string(target.size()) + " --json",
                            "doctor");
    Json top = TopFinding(env);
    ExpectCause(top, {"goroutine"});
    EXPECT_GE(SeverityRank(top), 2) << top.dump(1);
    ExpectPlace(top, "main.leakyWorker", block);
    EXPECT_NE(top.dump().find("main.startLeak"), std::string::npos)
        << "the creation site: " << top.dump(1);
  }
}

// ---- A thread leak: LockOSThread without unlock in goroutines that block -----------------------

TEST_P(Scenario, ThreadLeakFromDoctorPid) {
  REQUIRE_BIN(bin, "scenario/threadleak");
  GoService s(bin, {"-every", "10ms", "-life", "60s"});
  ASSERT_TRUE(s.up());
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  Json env = GodxEnvelope("doctor " + std::to_string(s.pid()) + " --cpu 500ms --trace 0 --out " +
                              Dir() + "/b --json",
                          "doctor");
  Json top = TopFinding(env);
  ExpectCause(top, {"thread"});
  EXPECT_GE(SeverityRank(top), 2) << top.dump(1);
  EXPECT_NE(top.dump().find("LockOSThread"), std::string::npos) << top.dump(1);
  ExpectPlace(top, "main.session", Site("scenario/threadleak"));
}

// ---- Memory outside the Go heap (testdata/gen/mmapserver mapping more and more) ------------------

TEST_P(Scenario, OffHeapGrowthFromWatchPid) {
  REQUIRE_BIN(bin, "mmapserver");
  GoService s(bin, {"-mb", "8", "-grow-mb", "8", "-grow-every", "100ms", "-life", "60s"});
  ASSERT_TRUE(s.up());
  auto r = RunGodx("watch " + std::to_string(s.pid()) + " --interval 250ms --duration 3s --json");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  // --json prints one line per sample, then the summary envelope.
  Json env;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("findings")) env = j;
  }
  if (env.is_null()) env = Json::parse(r.out, nullptr, false);
  ASSERT_TRUE(env.is_object() && env.contains("findings")) << r.out.substr(0, 500);
  Json top = TopFinding(env);
  ExpectCause(top, {"outside the go heap", "off-heap", "offheap"});
  EXPECT_GE(SeverityRank(top), 2) << top.dump(1);
  // Which kind of memory grows, from /proc/PID/smaps, and how fast.
  std::string text = Lower(top.dump());
  EXPECT_NE(text.find("anonymous"), std::string::npos) << top.dump(1);
  EXPECT_NE(text.find("/min"), std::string::npos) << top.dump(1);
}

// ---- Healthy twins -------------------------------------------------------------------------------

TEST_P(Scenario, HealthyServiceThroughDoctor) {
  REQUIRE_BIN(bin, "goodserver");
  GoService s(bin, {"-life", "60s"});
  ASSERT_TRUE(s.up());
  // Light load: a few requests while the capture runs.
  std::thread load([&] {
    for (int i = 0; i < 20; ++i) {
      Sh("curl -s -o /dev/null " + s.url() + "/debug/vars 2>/dev/null");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  Json env = GodxEnvelope("doctor " + s.url() + "/debug/pprof/ --cpu 1s --trace 0 --out " + Dir() +
                              "/b --json",
                          "doctor");
  load.join();
  ExpectHealthy(env, "goodserver (doctor URL)");
  ExpectHealthy(GodxEnvelope("doctor " + std::to_string(s.pid()) +
                                 " --cpu 500ms --trace 0 --out " + Dir() + "/p --json",
                             "doctor"),
                "goodserver (doctor PID)");
}

TEST_P(Scenario, HealthyWorkerThroughEverySignal) {
  REQUIRE_BIN(bin, "scenario/steadyworker");
  std::string log = Dir() + "/run.log";
  ASSERT_EQ(Sh("GODEBUG=gctrace=1,schedtrace=200 " + bin + " -d 1500ms -out " + Dir() +
               " >/dev/null 2>" + log),
            0);
  ExpectHealthy(GodxEnvelope("gc " + log + " --json", "gc"), "gctrace");
  ExpectHealthy(GodxEnvelope("sched " + log + " --json", "sched"), "schedtrace");
  for (std::string p : {"cpu", "heap", "block", "mutex"}) {
    ExpectHealthy(GodxEnvelope("pprof " + Dir() + "/" + p + ".pb.gz --json", "pprof"),
                  p + " profile");
  }
}

TEST_P(Scenario, HealthyWorkerThroughRun) {
  REQUIRE_BIN(bin, "scenario/steadyworker");
  std::string report = Dir() + "/run.json";
  auto r = RunGodx("run --json --quiet-runtime --report " + report + " -- " + bin + " -d 1500ms");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectHealthy(RunReport(report), "godx run");
}

INSTANTIATE_TEST_SUITE_P(Releases, Scenario, ::testing::Values("1.19", "1.26", "1.27"),
                         ReleaseName);

// The battery covers every release of the fixture matrix.
TEST(ScenarioBattery, CoversEveryMatrixRelease) {
  EXPECT_EQ(godx::testing::MatrixReleases(), (std::vector<std::string>{"1.19", "1.26", "1.27"}));
}

}  // namespace
}  // namespace godx::cli
