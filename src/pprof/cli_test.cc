// End-to-end runs of `godx pprof` as a user would run it, over the committed fixtures, plus live
// fetches from a local Go program serving net/http/pprof (testdata/gen/pprofserve).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/http_client.h"
#include "pprof/graph.h"
#include "pprof/test_util.h"

namespace godx::pprof {
namespace {

using testing::RunGodx;
using testing::TestData;

std::string Fixture(const std::string& name) { return TestData("pprof/go1.19.8-" + name); }

TEST(PprofCli, HelpHasAnExample) {
  auto r = RunGodx("pprof --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Examples:"), std::string::npos);
  EXPECT_NE(r.out.find("--sample_index"), std::string::npos);
}

TEST(PprofCli, TopJsonHasEveryRowRaw) {
  auto r = RunGodx("pprof top --json --nodecount=1 " + Fixture("heap.pb.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "pprof");
  EXPECT_EQ(j["summary"]["sample_type"], "inuse_space");
  EXPECT_EQ(j["summary"]["unit"], "bytes");
  Profile p = testutil::ReadFileProfile(Fixture("heap.pb.gz"));
  TopResult top = ComputeTop(p, p.DefaultSampleIndex(), false);
  EXPECT_EQ(j["summary"]["total"], top.total);
  ASSERT_EQ(j["rows"].size(), top.rows.size());  // --nodecount does not trim JSON
  EXPECT_EQ(j["rows"][0]["function"], std::string(top.rows[0].name));
  EXPECT_EQ(j["rows"][0]["flat"], top.rows[0].flat);
  EXPECT_TRUE(j["findings"].is_array());
}

TEST(PprofCli, TextTopLooksLikePprof) {
  auto r = RunGodx("pprof --no-color --sample_index=alloc_space --cum " + Fixture("allocs.pb.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("flat%"), std::string::npos);
  EXPECT_NE(r.out.find("Top functions by cum"), std::string::npos);
  EXPECT_NE(r.out.find("main.allocate"), std::string::npos);
  EXPECT_NE(r.out.find("alloc_space"), std::string::npos);
}

TEST(PprofCli, DebugOneTextKeepsNames) {
  auto r = RunGodx("pprof --no-color " + Fixture("block.debug1.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("main.contend"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("contention-sites"), std::string::npos) << r.out;
}

TEST(PprofCli, BadInputIsOneLineAndExit2) {
  auto r = RunGodx("pprof " + TestData("gen/go.mod"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("go.mod: line 1: expected a profile"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  auto bad = RunGodx("pprof --sample_index=nope " + Fixture("cpu.pb.gz"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("choices: samples, cpu"), std::string::npos) << bad.err;
}

TEST(PprofCli, AnalyzeRoutesProfilesByContent) {
  auto r = RunGodx("analyze --json " + Fixture("goroutine.pb.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "pprof");
  EXPECT_EQ(j["summary"]["profile_kind"], "goroutine");
}

TEST(PprofCli, FoldedSumsToTheTotal) {
  auto r = RunGodx("pprof folded " + Fixture("cpu.pb.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Profile p = testutil::ReadFileProfile(Fixture("cpu.pb.gz"));
  int64_t sum = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    sum += std::stoll(line.substr(line.rfind(' ') + 1));
    EXPECT_EQ(line.find("runtime.goexit;"), std::string::npos) << "not root first: " << line;
  }
  EXPECT_EQ(sum, ComputeTotal(p, p.DefaultSampleIndex()));
}

TEST(PprofCli, MergeWritesAProfileGodxAndPprofRead) {
  std::string out = ::testing::TempDir() + "/godx-merge-test.pb.gz";
  auto r = RunGodx("pprof merge -o " + out + " " + Fixture("heap.pb.gz") + " " + Fixture("allocs.pb.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Profile merged = testutil::ReadFileProfile(out);
  Profile a = testutil::ReadFileProfile(Fixture("heap.pb.gz"));
  Profile b = testutil::ReadFileProfile(Fixture("allocs.pb.gz"));
  EXPECT_EQ(ComputeTotal(merged, 1), ComputeTotal(a, 1) + ComputeTotal(b, 1));
  std::remove(out.c_str());
}

TEST(PprofCli, DiffAndBaseAndFlame) {
  auto d = RunGodx("pprof diff --no-color " + Fixture("heap.pb.gz") + " " + Fixture("allocs.pb.gz"));
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("profile diff: inuse_space changed by"), std::string::npos) << d.out;
  auto dj = RunGodx("pprof diff --json " + Fixture("heap.pb.gz") + " " + Fixture("allocs.pb.gz"));
  ASSERT_EQ(dj.exit_code, 0) << dj.err;
  auto j = nlohmann::json::parse(dj.out);
  EXPECT_EQ(j["summary"]["diff"], true);
  Profile base = testutil::ReadFileProfile(Fixture("heap.pb.gz"));
  Profile now = testutil::ReadFileProfile(Fixture("allocs.pb.gz"));
  EXPECT_EQ(j["summary"]["net_change"], ComputeTotal(now, 3) - ComputeTotal(base, 3));
  EXPECT_EQ(j["summary"]["total"], ComputeTotal(base, 3));
  std::string html = ::testing::TempDir() + "/godx-flame-test.html";
  auto f = RunGodx("pprof flame -o " + html + " --base " + Fixture("heap.pb.gz") + " " + Fixture("allocs.pb.gz"));
  ASSERT_EQ(f.exit_code, 0) << f.err;
  std::string page = testing::ReadFile(html);
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("\"diff\":false"), std::string::npos);
  auto df = RunGodx("pprof flame -o " + html + " --diff_base " + Fixture("heap.pb.gz") + " " + Fixture("allocs.pb.gz"));
  ASSERT_EQ(df.exit_code, 0) << df.err;
  EXPECT_NE(testing::ReadFile(html).find("\"diff\":true"), std::string::npos);
  std::remove(html.c_str());
  auto folded = RunGodx("pprof folded --diff_base " + Fixture("heap.pb.gz") + " " + Fixture("heap.pb.gz"));
  ASSERT_EQ(folded.exit_code, 0) << folded.err;
  std::istringstream in(folded.out);
  for (std::string line; std::getline(in, line);) {
    // Same profile on both sides: every stack's BASE equals NEW.
    size_t b = line.rfind(' '), a = line.rfind(' ', b - 1);
    EXPECT_EQ(line.substr(a + 1, b - a - 1), line.substr(b + 1)) << line;
  }
  auto diff_flame = RunGodx("pprof diff flame " + Fixture("heap.pb.gz") + " " + Fixture("allocs.pb.gz"));
  EXPECT_EQ(diff_flame.exit_code, 2);  // one view at a time
}

// Two heap profiles of testdata/gen/gcleak, a third of the way through and at the end: the diff
// names the allocation line in the program's code and the growth per second between the two
// captures. The line is found in the program's source, the rate from the profiles' own totals
// and times.
TEST(PprofCli, HeapDiffNamesTheLineAndTheRate) {
  std::ifstream src(TestData("gen/gcleak/main.go"));
  int leak_line = 0, n = 0;
  for (std::string line; std::getline(src, line);) {
    ++n;
    if (line.find("cache = append(cache, make(") != std::string::npos) leak_line = n;
  }
  ASSERT_GT(leak_line, 0);
  for (const char* v : {"go1.19.8", "go1.26.8", "go1.27.3"}) {
    SCOPED_TRACE(v);
    std::string a = TestData(std::string("pprof/heapdiff/") + v + "-gcleak-heap-1.pb.gz");
    std::string b = TestData(std::string("pprof/heapdiff/") + v + "-gcleak-heap-2.pb.gz");
    Profile pa = testutil::ReadFileProfile(a), pb = testutil::ReadFileProfile(b);
    ASSERT_GT(pb.time_nanos, pa.time_nanos);
    const double dt = double(pb.time_nanos - pa.time_nanos) / 1e9;
    auto j = RunGodx("pprof diff --json " + a + " " + b);
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto doc = nlohmann::json::parse(j.out);
    EXPECT_NEAR(doc["summary"]["diff_interval_s"].get<double>(), dt, 1e-9);
    auto t = RunGodx("pprof diff --no-color " + a + " " + b);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    const std::string site = "main.remember (godx.test/gen/gcleak/main.go:" +
                             std::to_string(leak_line) + ")";
    EXPECT_NE(t.out.find("most at " + site), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("grew   " + site), std::string::npos) << t.out;
    // The net growth of inuse_space per second, as the title prints it (FormatValue's MB units).
    int idx = pb.FindSampleIndex("inuse_space");
    ASSERT_GE(idx, 0);
    int64_t net = ComputeTotal(pb, size_t(idx)) - ComputeTotal(pa, size_t(idx));
    ASSERT_GT(net, 0);
    EXPECT_NE(t.out.find("Heap grew +"), std::string::npos) << t.out;
    EXPECT_EQ(doc["summary"]["net_change"].get<int64_t>(), net);
  }
}

// A debug=1 heap profile leaves the runtime's own leaf frames unnamed (runtime/pprof hides
// them): no row of the table may be an unnamed frame, and its biggest rows are functions the
// profile names.
TEST(PprofCli, DebugOneHeapTableNamesEveryFunction) {
  for (const char* v : {"go1.19.8", "go1.26.8", "go1.27.3"}) {
    SCOPED_TRACE(v);
    auto j = RunGodx(std::string("pprof --json ") + TestData(std::string("pprof/") + v +
                                                            "-heap.debug1.txt"));
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto doc = nlohmann::json::parse(j.out);
    ASSERT_FALSE(doc["rows"].empty());
    for (const auto& row : doc["rows"]) {
      EXPECT_NE(row["function"].get<std::string>().substr(0, 1), "<") << row.dump();
    }
    // The top row is a function one of the file's '#' symbol lines names.
    std::string text = testing::ReadFile(TestData(std::string("pprof/") + v + "-heap.debug1.txt"));
    std::string top = doc["rows"][0]["function"];
    EXPECT_NE(text.find("\t" + top + "+0x"), std::string::npos) << top;
  }
}

TEST(PprofCli, SpeedscopeTagsTracesPeekList) {
  auto s = RunGodx("pprof speedscope " + Fixture("cpu.pb.gz"));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(nlohmann::json::parse(s.out)["exporter"], "godx");
  auto t = RunGodx("pprof tags " + Fixture("cpu.pb.gz"));
  EXPECT_NE(t.out.find("endpoint"), std::string::npos) << t.out;
  auto tr = RunGodx("pprof traces --tagfocus=worker=1 " + Fixture("goroutine.debug1.txt"));
  EXPECT_NE(tr.out.find("worker:1"), std::string::npos) << tr.out;
  EXPECT_EQ(tr.out.find("worker:0"), std::string::npos) << tr.out;
  auto pk = RunGodx("pprof peek 'main\\.hashLoop' " + Fixture("cpu.pb.gz"));
  EXPECT_NE(pk.out.find("| main.hashLoop"), std::string::npos) << pk.out << pk.err;
  auto tree = RunGodx("pprof tree " + Fixture("cpu.pb.gz"));
  EXPECT_NE(tree.out.find("| main.hashLoop"), std::string::npos) << tree.out << tree.err;
  EXPECT_NE(tree.out.find("| crypto/sha256.block"), std::string::npos);
  auto ls = RunGodx("pprof list 'main\\.hashLoop' " + Fixture("cpu.pb.gz"));
  EXPECT_NE(ls.out.find("ROUTINE"), std::string::npos) << ls.out << ls.err;
}

// A running pprofserve, built from testdata/gen by the newest release of the matrix this machine
// has (testing::GoBinary).
class LiveServer {
 public:
  LiveServer() {
    auto releases = testing::MatrixReleases();
    for (auto rel = releases.rbegin(); rel != releases.rend() && bin_.empty(); ++rel) {
      std::string skip;
      bin_ = testing::GoBinary(*rel, "pprofserve", &skip);
    }
    if (bin_.empty()) return;
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(bin_.c_str(), bin_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    FILE* f = fdopen(out[0], "r");
    if (fscanf(f, "listening on %d", &port_) != 1) port_ = 0;
    fclose(f);
  }
  ~LiveServer() {
    if (stdin_ >= 0) close(stdin_);  // pprofserve exits when its stdin closes
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  std::string bin_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

TEST(PprofLive, FetchesProfilesFromAServingProgram) {
  LiveServer server;
  if (server.port() == 0) GTEST_SKIP() << "cannot build or start testdata/gen/pprofserve (no Go toolchain?)";
  auto heap = RunGodx("pprof --json " + server.Url("/debug/pprof/heap"));
  ASSERT_EQ(heap.exit_code, 0) << heap.err;
  EXPECT_EQ(nlohmann::json::parse(heap.out)["summary"]["profile_kind"], "heap");
  auto cpu = RunGodx("pprof --json --seconds=1 " + server.Url("/debug/pprof/profile"));
  ASSERT_EQ(cpu.exit_code, 0) << cpu.err;
  EXPECT_EQ(nlohmann::json::parse(cpu.out)["summary"]["sample_type"], "cpu");
  auto text = RunGodx("pprof --no-color '" + server.Url("/debug/pprof/goroutine?debug=1") + "'");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Go count profile text"), std::string::npos);
}

TEST(PprofLive, HttpGetHandlesChunkedTimeoutsAndErrors) {
  LiveServer server;
  if (server.port() == 0) GTEST_SKIP() << "cannot build or start testdata/gen/pprofserve (no Go toolchain?)";
  auto chunked = FetchUrl(server.Url("/chunked"), 30, 1 << 20);
  ASSERT_TRUE(chunked.ok()) << chunked.status().message();
  EXPECT_EQ(*chunked, "part 0\npart 1\npart 2\n");
  auto slow = FetchUrl(server.Url("/slow"), 0.5, 1 << 20);
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("timed out"), std::string::npos)
      << slow.status().message();
  auto missing = FetchUrl(server.Url("/debug/pprof/nonexistent"), 30, 1 << 20);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("HTTP status 404"), std::string::npos) << missing.status().message();
}

TEST(PprofLive, ClosedPortFailsClearly) {
  // Port 1 on loopback is closed on any sane test machine.
  auto r = RunGodx("pprof --timeout=2 http://127.0.0.1:1/debug/pprof/heap");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace godx::pprof
