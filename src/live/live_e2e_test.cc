// End-to-end: the godx binary against real Go programs (testdata/gen/, built here with the
// installed Go toolchain), started on free loopback ports and stopped afterwards. Skips visibly
// when no Go toolchain is installed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/report.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

namespace fs = std::filesystem;
using godx::testing::RunGodx;

// Builds testdata/gen/<name> into the build tree (GODX_E2E_BIN_DIR), once: a binary newer than
// its source is reused by every test process. Built under a temporary name and renamed, so two
// tests running at once never see half a binary.
std::string GoBinary(const std::string& name) {
  std::string dir = GODX_E2E_BIN_DIR;
  std::string bin = dir + "/" + name;
  std::string src = godx::testing::SourceDir() + "/testdata/gen/" + name + "/main.go";
  std::error_code ec;
  if (fs::exists(bin, ec) && fs::last_write_time(bin, ec) >= fs::last_write_time(src, ec)) {
    return bin;
  }
  fs::create_directories(dir, ec);
  std::string tmp = bin + ".tmp" + std::to_string(getpid());
  std::string env;
  if (std::getenv("HOME") == nullptr) env = "HOME=/tmp GOCACHE=/tmp/godx-go-cache ";
  std::string cmd = "cd " + godx::testing::SourceDir() + "/testdata/gen && " + env +
                    "go build -o " + tmp + " ./" + name + " 2>&1";
  if (std::system(cmd.c_str()) != 0) return "";
  fs::rename(tmp, bin, ec);
  return ec ? "" : bin;
}

bool HaveGo() { return std::system("go version >/dev/null 2>&1") == 0; }

#define REQUIRE_GO()                                                      \
  if (!HaveGo()) GTEST_SKIP() << "no Go toolchain (golang-go): skipping"; \
  (void)0

// A Go service started on 127.0.0.1:0; its address comes from its "listening on" line.
class Service {
 public:
  Service(const std::string& bin, std::vector<std::string> args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      std::vector<char*> argv{const_cast<char*>(bin.c_str())};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && addr_.empty()) {
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n > 0) text.append(buf, size_t(n));
      size_t at = text.find("listening on ");
      size_t nl = at == std::string::npos ? at : text.find('\n', at);
      if (nl != std::string::npos)
        addr_ = text.substr(at + 13, nl - at - 13);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    close(out[0]);
  }
  ~Service() { Stop(); }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  const std::string& addr() const { return addr_; }
  std::string url() const { return "http://" + addr_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string addr_;
};

std::string TempDir() {
  char tmpl[] = "/tmp/godx-e2e-XXXXXX";
  return mkdtemp(tmpl);
}

Json ParseJson(const std::string& s) { return Json::parse(s, nullptr, false); }

bool HasFinding(const Json& env, const std::string& id) {
  for (const auto& f : env["findings"]) {
    if (f["id"] == id) return true;
  }
  return false;
}

TEST(DoctorE2E, FindsThePlantedLeakAndKeepsItsCreationSite) {
  REQUIRE_GO();
  std::string bin = GoBinary("leakyserver");
  ASSERT_FALSE(bin.empty());
  Service s(bin, {"-every", "5ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  // Let the leak pass the goroutine-dump reader's threshold (100 blocked at one site) before the
  // capture starts, so the finding must name the creation site.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::string dir = TempDir() + "/b";
  auto r = RunGodx("doctor " + s.url() + " --cpu 1s --trace 200ms --out " + dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json env = ParseJson(r.out);
  ASSERT_FALSE(env.is_discarded()) << r.out;
  EXPECT_EQ(env["kind"], "doctor");
  EXPECT_EQ(env["summary"]["bundle"], dir);
  EXPECT_TRUE(HasFinding(env, "goroutine-growth")) << r.out;
  EXPECT_EQ(env["summary"]["failed"], 0);
  // A loopback service's process is found by its port.
  EXPECT_EQ(env["summary"]["process"]["name"], "leakyserver");
  // The creation site of the leaked goroutines is in the captured dump (the goroutine dump reader
  // turns it into the finding's evidence when it is part of the build).
  std::string dump = godx::testing::ReadFile(dir + "/goroutine.debug2.txt");
  EXPECT_NE(dump.find("main.leakyWorker"), std::string::npos);
  EXPECT_NE(dump.find("created by main.startLeak"), std::string::npos);
  EXPECT_TRUE(HasFinding(env, "leak-suspect")) << r.out;
  EXPECT_NE(r.out.find("created by main.startLeak"), std::string::npos) << r.out;
  fs::remove_all(fs::path(dir).parent_path());
}

TEST(DoctorE2E, FindsMemoryTheRuntimeDoesNotManage) {
  REQUIRE_GO();
  Service s(GoBinary("mmapserver"), {"-mb", "96", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir() + "/b";
  auto r = RunGodx("doctor " + s.url() + " --cpu 0 --trace 0 --out " + dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json env = ParseJson(r.out);
  EXPECT_TRUE(HasFinding(env, "memory-off-heap")) << r.out;
  EXPECT_GT(env["summary"]["memory"]["off_heap_bytes"].get<int64_t>(), int64_t{64} << 20);
  // The well-behaved server has none.
  Service good(GoBinary("goodserver"), {"-life", "60s"});
  ASSERT_FALSE(good.addr().empty());
  auto g = RunGodx("doctor " + good.url() + " --cpu 0 --trace 0 --out " + dir + "2 --json");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  Json genv = ParseJson(g.out);
  EXPECT_FALSE(HasFinding(genv, "memory-off-heap")) << g.out;
  EXPECT_FALSE(HasFinding(genv, "goroutine-growth")) << g.out;
  EXPECT_TRUE(genv["summary"]["memory"]["off_heap_bytes"].is_number());
  fs::remove_all(fs::path(dir).parent_path());
}

TEST(DoctorE2E, ByPidFindsTheServicesOwnPprofPort) {
  REQUIRE_GO();
  std::string bin = GoBinary("leakyserver");
  Service s(bin, {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir() + "/b";
  auto r =
      RunGodx("doctor " + std::to_string(s.pid()) + " --cpu 0 --trace 0 --out " + dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json env = ParseJson(r.out);
  EXPECT_EQ(env["summary"]["process"]["go_version"].get<std::string>().substr(0, 4), "go1.");
  EXPECT_EQ(env["summary"]["process"]["name"], "leakyserver");
  EXPECT_GE(env["summary"]["captured"].get<int>(), 10);
  auto manifest = ParseJson(godx::testing::ReadFile(dir + "/manifest.json"));
  EXPECT_EQ(manifest["url"], s.url() + "/debug/pprof/");
  fs::remove_all(fs::path(dir).parent_path());
}

TEST(DoctorE2E, ServiceStoppingMidCaptureLeavesAPartialBundle) {
  REQUIRE_GO();
  std::string bin = GoBinary("goodserver");
  Service s(bin, {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir() + "/b";
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
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

TEST(DoctorE2E, RefusedUrlGonePidAndNonGoPid) {
  std::string dir = TempDir();
  auto refused = RunGodx("doctor http://127.0.0.1:1 --out " + dir + "/b");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("nothing could be captured"), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::exists(dir + "/b/manifest.json"));
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
TEST(DoctorE2E, GoldenTextOfCommittedBundle) {
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

TEST(WatchE2E, DetectsGoroutineGrowthWithinBoundedSamples) {
  REQUIRE_GO();
  Service s(GoBinary("leakyserver"), {"-every", "20ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  auto r = RunGodx("watch " + s.url() + " " + std::to_string(s.pid()) +
                   " --interval 300ms --duration 2s --json");
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
  // Which stacks grow, from the debug=1 snapshots through the goroutine dump reader's diff
  // (debug=1 has no creation sites; the leaked goroutines wait in main.leakyWorker).
  EXPECT_TRUE(env["summary"]["stack_diff_available"].get<bool>());
  EXPECT_NE(r.out.find(": main.leakyWorker at main.go:24"), std::string::npos) << r.out;
}

TEST(WatchE2E, WellBehavedServerGivesNoFalseAlarm) {
  REQUIRE_GO();
  Service s(GoBinary("goodserver"), {"-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  auto r = RunGodx("watch " + s.url() + " " + std::to_string(s.pid()) +
                   " --interval 300ms --duration 3s --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = JsonLines(r.out);
  ASSERT_GE(lines.size(), 8u);
  EXPECT_TRUE(lines.back()["findings"].empty()) << lines.back().dump();
}

TEST(WatchE2E, OnLeakCapturesABundle) {
  REQUIRE_GO();
  Service s(GoBinary("leakyserver"), {"-every", "10ms", "-life", "60s"});
  ASSERT_FALSE(s.addr().empty());
  std::string dir = TempDir();
  auto r = RunGodx("watch " + s.url() +
                   " --interval 200ms --duration 2s --on-leak --cpu 0 "
                   "--trace 0 --bundles " +
                   dir + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto env = JsonLines(r.out).back();
  ASSERT_EQ(env["summary"]["bundles"].size(), 1u) << env.dump();  // once per cooldown
  std::string bundle = env["summary"]["bundles"][0];
  EXPECT_TRUE(fs::exists(bundle + "/goroutine.debug2.txt"));
  fs::remove_all(dir);
}

TEST(WatchE2E, CtrlCPrintsTheSummary) {
  REQUIRE_GO();
  Service s(GoBinary("goodserver"), {"-life", "60s"});
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
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
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
  fs::remove_all(dir);
}

TEST(WatchE2E, TargetGoneEndsTheWatch) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunGodx("watch http://127.0.0.1:1 --interval 100ms --duration 30s");
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_LT(took, 10);
  EXPECT_NE(r.err.find("no sample could be taken"), std::string::npos) << r.err;
}

TEST(RunE2E, CrashIsAnalysedAndBundled) {
  REQUIRE_GO();
  std::string bin = GoBinary("crasher");
  std::string dir = TempDir();
  auto r = RunGodx("run --quiet-runtime --json --report " + dir + "/report.json --crash-dir " +
                   dir + "/crash -- " + bin + " -d 600ms");
  EXPECT_EQ(r.exit_code, 2);  // the program's own status (Go panics exit 2)
  EXPECT_NE(r.out.find("stdout line 0"), std::string::npos);  // stdout passed through
  EXPECT_NE(r.err.find("stderr line 0"), std::string::npos);
  EXPECT_EQ(r.err.find("\ngc 1 @"), std::string::npos);  // --quiet-runtime
  EXPECT_NE(r.err.find("panic: assignment to entry in nil map"), std::string::npos);
  Json reports = ParseJson(godx::testing::ReadFile(dir + "/report.json"));
  ASSERT_TRUE(reports.is_array()) << reports.dump();
  EXPECT_EQ(reports[0]["kind"], "run");
  EXPECT_TRUE(HasFinding(reports[0], "program-crashed"));
  EXPECT_EQ(reports[0]["summary"]["bundle"], dir + "/crash");
  bool gc = false;
  for (const auto& rep : reports) gc = gc || rep["kind"] == "gc";
  EXPECT_TRUE(gc);
  std::string tb = godx::testing::ReadFile(dir + "/crash/traceback.txt");
  EXPECT_EQ(tb.substr(0, 38), "panic: assignment to entry in nil map\n");
  EXPECT_NE(tb.find("created by main.startJob"), std::string::npos);
  EXPECT_FALSE(godx::testing::ReadFile(dir + "/crash/runtime.log").empty());
  fs::remove_all(dir);
}

TEST(RunE2E, CleanExitPrintsSummaryAndKeepsStatus) {
  REQUIRE_GO();
  std::string bin = GoBinary("crasher");
  auto ok = RunGodx("run -- " + bin + " -d 300ms -ok");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("\ngc 1 @"), std::string::npos);  // runtime lines passed through
  EXPECT_NE(ok.err.find("GC trace:"), std::string::npos) << ok.err;
  EXPECT_EQ(ok.err.find("program-crashed"), std::string::npos);
  auto three = RunGodx("run -- " + bin + " -d 100ms -exit 3");
  EXPECT_EQ(three.exit_code, 3);
  EXPECT_NE(three.err.find("program-failed"), std::string::npos);
  auto missing = RunGodx("run -- /nonexistent/prog");
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("cannot run"), std::string::npos);
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
