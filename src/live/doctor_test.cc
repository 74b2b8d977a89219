// Doctor's analysis over the committed bundles (real captures of testdata/gen/ services, made by
// scripts/gen-live-fixtures), with a small signal table standing in for the readers.
#include "live/doctor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gclog/analyze.h"
#include "gclog/reader.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::TestData;

// A stand-in dump reader: claims goroutine dumps and reports one finding, so the merge path
// (routing, evidence, de-duplication) is exercised without the real reader.
int SniffDump(std::string_view head) { return head.substr(0, 10) == "goroutine " ? 100 : 0; }
Result<Report> AnalyzeDump(const Input& in, const AnalyzeOptions&) {
  Report r;
  r.kind = "stacks";
  r.source = in.name();
  r.title = "fake dump report";
  r.findings.push_back({"fake-dump", Severity::kWarning, "dump finding", {"x"}, "y"});
  return r;
}

const Signal kTable[] = {
    {"gc", "gctrace", gclog::SniffGcTrace,
     [](const Input& in, const AnalyzeOptions& o) { return gclog::AnalyzeInput(in, o); }},
    {"stacks", "fake", SniffDump, AnalyzeDump},
};

// leaky-bundle: goroutine.debug1.txt says total 35, goroutine.debug1.end.txt total 103 (checked
// with head -1); the leaky server leaks 50 goroutines a second.
TEST(Doctor, FindsGoroutineGrowthInLeakyBundle) {
  auto r = AnalyzeBundle(TestData("live/go1.19/leaky-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, "doctor");
  const Finding* g = godx::testing::FindFinding(*r, "goroutine-growth");
  ASSERT_NE(g, nullptr);
  EXPECT_NE(g->title.find("from 35 to 103"), std::string::npos) << g->title;
  EXPECT_EQ(r->summary["goroutines"], 103);
  EXPECT_EQ(r->summary["target_kind"], "pid");
  EXPECT_EQ(r->summary["process"]["name"], "leakyserver");
  EXPECT_EQ(r->summary["process"]["go_version"], "go1.19.8");
  EXPECT_TRUE(r->summary["memory"]["go_sys_bytes"].get<int64_t>() > 0);
  // The dump went through the table once (debug=1 is skipped when debug=2 is there).
  const Finding* d = godx::testing::FindFinding(*r, "fake-dump");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->evidence.back(), "from goroutine.debug2.txt (stacks)");
  int dumps = 0;
  for (const auto& f : r->findings) dumps += f.id == "fake-dump";
  EXPECT_EQ(dumps, 1);
  ASSERT_EQ(r->summary["signals"].size(), 1u);
  // Most severe first.
  for (size_t i = 1; i < r->findings.size(); ++i) {
    EXPECT_GE(r->findings[i - 1].severity, r->findings[i].severity);
  }
}

TEST(Doctor, GoodBundleHasNoLeakFinding) {
  auto r = AnalyzeBundle(TestData("live/go1.19/good-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(godx::testing::FindFinding(*r, "goroutine-growth"), nullptr);
  EXPECT_EQ(godx::testing::FindFinding(*r, "memory-off-heap"), nullptr);
  EXPECT_EQ(r->summary["failed"], 0);
  EXPECT_TRUE(r->warnings.empty());
}

// stopped-bundle: the service was killed one second into the 3 s CPU profile.
TEST(Doctor, StoppedServiceGivesPartialBundleWithWarnings) {
  auto r = AnalyzeBundle(TestData("live/go1.19/stopped-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->summary["captured"], 12);
  EXPECT_EQ(r->summary["failed"], 3);
  bool said = false;
  for (const auto& w : r->warnings) said = said || w.find("stopped answering") != std::string::npos;
  EXPECT_TRUE(said);
}

// offheap-bundle: testdata/gen/mmapserver holding 96 MiB it mapped itself; proc_status.txt says
// RssAnon 99340 kB, vars.json says Sys 13.7 MiB (checked by hand).
TEST(Doctor, FindsOffHeapMemory) {
  auto r = AnalyzeBundle(TestData("live/go1.19/offheap-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Finding* f = godx::testing::FindFinding(*r, "memory-off-heap");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->evidence[0], "proc_status.txt: RssAnon 97.0 MiB");
  int64_t off = r->summary["memory"]["off_heap_bytes"];
  EXPECT_GT(off, int64_t{80} << 20);
  EXPECT_LT(off, int64_t{97} << 20);
  EXPECT_EQ(r->summary["target_kind"], "url");
  EXPECT_EQ(r->summary["process"]["name"], "mmapserver");
}

TEST(Doctor, CrashBundleRoutesRuntimeLogToGcReader) {
  auto r = AnalyzeBundle(TestData("live/go1.19/crash-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  bool gc = false;
  for (const auto& s : r->summary["signals"])
    gc = gc || (s["kind"] == "gc" && s["file"] == "runtime.log");
  EXPECT_TRUE(gc) << r->summary.dump();
  EXPECT_EQ(r->summary["target_kind"], "run");
}

// A stand-in profile reader: claims binary inputs other than traces (profile.proto, which comes
// decompressed) and reports one finding per file.
int SniffGzip(std::string_view head) {
  if (head.substr(0, 5) == "go 1.") return 0;
  for (char c : head.substr(0, 16)) {
    if (static_cast<unsigned char>(c) < 0x09) return 100;
  }
  return 0;
}
Result<Report> AnalyzeProfile(const Input& in, const AnalyzeOptions&) {
  Report r;
  r.kind = "pprof";
  r.source = in.name();
  r.title = "fake profile report";
  r.findings.push_back({"fake-profile", Severity::kWarning, "profile finding " + in.name(), {}, ""});
  return r;
}
const Signal kProfileTable[] = {{"pprof", "fake", SniffGzip, AnalyzeProfile}};

// Go 1.27's leaky bundle holds the runtime's leak profile: leakyWorker grew during the capture
// (goroutine.debug1*.txt) and the GC proved it leaked (goroutineleak.debug1.txt), so the leak is
// confirmed. The proto form's own findings are left out (the doctor's say the same), its report
// is kept.
TEST(Doctor, RuntimeLeakVerdictConfirmsGrowth) {
  std::string dir = TestData("live/go1.27/leaky-bundle");
  auto r = AnalyzeBundle(dir, kProfileTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Json& leak = r->summary["goroutine_leak"];
  EXPECT_EQ(leak["offered"], true);
  std::string head = godx::testing::ReadFile(dir + "/goroutineleak.debug1.txt");
  EXPECT_EQ(leak["leaked"], std::stoll(head.substr(head.find("total ") + 6)));
  ASSERT_FALSE(leak["sites"].empty());
  EXPECT_EQ(leak["sites"][0]["verdict"], "confirmed");
  EXPECT_EQ(leak["sites"][0]["site"], "main.leakyWorker at main.go:24");
  // One finding per cause: the growth is the confirmed leak's evidence, not a finding beside it.
  const Finding* confirmed = godx::testing::FindFinding(*r, "goroutine-leak-confirmed");
  ASSERT_NE(confirmed, nullptr);
  EXPECT_EQ(godx::testing::FindFinding(*r, "goroutine-growth"), nullptr);
  std::string start = godx::testing::ReadFile(dir + "/goroutine.debug1.txt");
  std::string growth = "goroutine.debug1.txt: total " +
                       start.substr(start.find("total ") + 6,
                                    start.find('\n') - start.find("total ") - 6);
  EXPECT_NE(std::find(confirmed->evidence.begin(), confirmed->evidence.end(), growth),
            confirmed->evidence.end())
      << growth;
  int from_leak_proto = 0, from_heap = 0;
  for (const auto& f : r->findings) {
    from_leak_proto += f.title.find("goroutineleak.pb.gz") != std::string::npos;
    from_heap += f.title.find("heap.pb.gz") != std::string::npos;
  }
  EXPECT_EQ(from_leak_proto, 0);
  EXPECT_EQ(from_heap, 1);
  bool kept = false;
  for (const auto& s : r->summary["signals"]) kept = kept || s["file"] == "goroutineleak.pb.gz";
  EXPECT_TRUE(kept);
  EXPECT_TRUE(IsBundleOwnFile("goroutineleak.debug1.txt"));
}

// Go 1.19 has no leak profile: the verdict is absent, with the reason, and nothing fails.
TEST(Doctor, NoLeakVerdictBeforeGo126) {
  auto r = AnalyzeBundle(TestData("live/go1.19/leaky-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->summary["goroutine_leak"]["offered"], false);
  EXPECT_NE(r->summary["goroutine_leak"]["note"].get<std::string>().find("go1.19.8 predates it"),
            std::string::npos);
  EXPECT_EQ(godx::testing::FindFinding(*r, "goroutine-leak-confirmed"), nullptr);
}

TEST(Doctor, NotABundleIsAClearError) {
  auto r = AnalyzeBundle(TestData("live/go1.19/proc"), kTable, AnalyzeOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("manifest.json"), std::string::npos);
}

TEST(Doctor, SniffsOnlyManifests) {
  EXPECT_EQ(
      SniffBundleManifest(godx::testing::ReadFile(TestData("live/go1.19/good-bundle/manifest.json"))),
      100);
  EXPECT_EQ(SniffBundleManifest("{\"memstats\": {}}"), 0);
  EXPECT_EQ(SniffBundleManifest(""), 0);
  EXPECT_EQ(BundleDirOf("a/b/manifest.json"), "a/b");
  EXPECT_EQ(BundleDirOf("manifest.json"), ".");
  EXPECT_TRUE(IsBundleOwnFile("vars.json"));
  EXPECT_FALSE(IsBundleOwnFile("heap.pb.gz"));
}

}  // namespace
}  // namespace godx::live

namespace godx::live {
namespace {

// The case: 135 OS threads, 4 goroutines, and a threadcreate profile in which the runtime
// counts 7 threads it created. The rest were started by C code, and the finding says so rather
// than listing syscalls, cgo and LockOSThread as equal guesses. The good bundle (threadcreate
// total 7, checked with 'godx pprof') with its thread count raised in a copy.
TEST(Doctor, ThreadsTheRuntimeDidNotCreateComeFromC) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/godx-doctor-threads-XXXXXX";
  std::string dir = std::string(mkdtemp(tmpl)) + "/b";
  fs::copy(TestData("live/go1.19/good-bundle"), dir, fs::copy_options::recursive);
  std::string status = godx::testing::ReadFile(dir + "/proc_status.txt");
  size_t at = status.find("Threads:\t5");
  ASSERT_NE(at, std::string::npos);
  status.replace(at, std::string("Threads:\t5").size(), "Threads:\t135");
  {
    std::ofstream out(dir + "/proc_status.txt", std::ios::trunc);
    out << status;
  }
  auto r = AnalyzeBundle(dir, kTable, AnalyzeOptions{});
  fs::remove_all(fs::path(dir).parent_path());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Finding* f = godx::testing::FindFinding(*r, "threads-outside-go");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("128 of 135 OS threads were not created by the Go runtime"),
            std::string::npos)
      << f->title;
  EXPECT_NE(f->title.find("C code"), std::string::npos);
  bool counted = false;
  for (const auto& e : f->evidence) counted = counted || e.find("created 7 threads") != std::string::npos;
  EXPECT_TRUE(counted);
  EXPECT_EQ(godx::testing::FindFinding(*r, "threads-many"), nullptr);  // one finding per cause
}

}  // namespace
}  // namespace godx::live

namespace godx::live {
namespace {

// The case: a URL capture of a Go 1.19 leaking service (no runtime leak verdict) said
// "Goroutines grew from 35 to 103" and named no stack. The finding names the stack that grew
// (from the two debug=1 snapshots) and where those goroutines were created (the debug=2 dump).
TEST(Doctor, GoroutineGrowthNamesTheStackAndItsCreationSite) {
  auto r = AnalyzeBundle(TestData("live/go1.19/leaky-bundle"), kTable, AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Finding* f = godx::testing::FindFinding(*r, "goroutine-growth");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("most in main.leakyWorker at main.go:24"), std::string::npos)
      << f->title;
  bool named = false;
  for (const auto& e : f->evidence) {
    named = named || e.find("main.leakyWorker at main.go:24: 30 → 98 goroutines, created by "
                            "main.startLeak at main.go:29") != std::string::npos;
  }
  EXPECT_TRUE(named) << ::testing::PrintToString(f->evidence);
}

}  // namespace
}  // namespace godx::live
