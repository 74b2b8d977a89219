// Findings must be earned: enough samples, enough CPU against the wall clock, a heap big enough
// to matter, and none of the profiler's own work. Profiles built in code for the edges, real
// captures for what a user sees.
#include <gtest/gtest.h>

#include <vector>

#include "pprof/analyze.h"
#include "pprof/builder.h"
#include "pprof/test_util.h"
#include "testing/testing.h"

namespace godx::pprof {
namespace {

using ::godx::testing::FindFinding;

constexpr ProfileBuilder::Type kCpuTypes[] = {{"samples", "count"}, {"cpu", "nanoseconds"}};
constexpr int64_t kPeriod = 10'000'000;  // 10 ms, Go's 100 Hz

// A CPU profile over `wall_ns`: `gc` samples in GC marking, `work` in main.work.
Profile Cpu(int64_t gc, int64_t work, int64_t wall_ns, int64_t profiler = 0) {
  ProfileBuilder b(kCpuTypes, {"cpu", "nanoseconds"}, kPeriod);
  uint32_t scan = b.Frame("runtime.scanobject"), worker = b.Frame("runtime.gcBgMarkWorker");
  uint32_t mainwork = b.Frame("main.work", "/app/main.go", 10);
  uint32_t flate = b.Frame("compress/flate.(*compressor).deflate");
  uint32_t builder = b.Frame("runtime/pprof.(*profileBuilder).flush");
  uint32_t gcst[] = {scan, worker}, workst[] = {mainwork}, profst[] = {flate, builder};
  if (gc > 0) {
    int64_t v[] = {gc, gc * kPeriod};
    b.Sample(gcst, v);
  }
  if (work > 0) {
    int64_t v[] = {work, work * kPeriod};
    b.Sample(workst, v);
  }
  if (profiler > 0) {
    int64_t v[] = {profiler, profiler * kPeriod};
    b.Sample(profst, v);
  }
  b.SetDuration(1, wall_ns);
  return b.Finish();
}

Report Analyze(const Profile& p, ViewOptions view = {}) {
  auto idx = ResolveSampleIndex(p, "");
  EXPECT_TRUE(idx.ok());
  return AnalyzeProfile(p, "test", *idx, view, AnalyzeOptions{});
}

TEST(PprofFindings, OneSampleIsNoFinding) {
  // 10 ms of CPU in 10 s, all of it in GC: 100% of nothing.
  Report r = Analyze(Cpu(1, 0, 10'000'000'000));
  EXPECT_EQ(FindFinding(r, "cpu-gc-marking"), nullptr);
  for (const Finding& f : r.findings) EXPECT_NE(f.severity, Severity::kCritical) << f.title;
}

TEST(PprofFindings, FewSamplesAreAtMostInfoAndSayHowMany) {
  // 40% of 30 samples: a lower bound far under the threshold.
  Report r = Analyze(Cpu(12, 18, 1'000'000'000));
  const Finding* f = FindFinding(r, "cpu-gc-marking");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
  std::string ev;
  for (const auto& e : f->evidence) ev += e + "\n";
  EXPECT_NE(ev.find("from 12 samples"), std::string::npos) << ev;
  EXPECT_NE(ev.find("from 30 samples"), std::string::npos) << ev;
  EXPECT_NE(ev.find("in 1.00 s wall"), std::string::npos) << ev;
}

TEST(PprofFindings, IdleProcessIsNotAGcProblemWhateverTheShare) {
  // 200 samples, 90% GC, but 2 s of CPU over 10 minutes: 0.3% of one CPU.
  Report r = Analyze(Cpu(180, 20, 600'000'000'000));
  const Finding* f = FindFinding(r, "cpu-gc-marking");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
}

TEST(PprofFindings, BusyGcWithManySamplesIsCritical) {
  // 1000 samples over 10 s, 60% in GC: 0.6 CPUs marking.
  Report r = Analyze(Cpu(600, 400, 10'000'000'000));
  const Finding* f = FindFinding(r, "cpu-gc-marking");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  // Knowing there are 16 cores makes 0.6 CPUs a warning, not an emergency.
  ViewOptions view;
  view.cores = 16;
  Report r16 = Analyze(Cpu(600, 400, 10'000'000'000), view);
  f = FindFinding(r16, "cpu-gc-marking");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->evidence[0].find("of 16 cores"), std::string::npos) << f->evidence[0];
}

TEST(PprofFindings, ProfilerWorkIsLeftOutAndCounted) {
  // The profiler's own compression is 50% of the CPU: it must not make main.work look smaller
  // nor appear as a site, and the evidence says how much was left out.
  Report r = Analyze(Cpu(0, 100, 10'000'000'000, 100));
  const Finding* f = FindFinding(r, "cpu-hot-user-code");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("main.work (/app/main.go:10): 100.0%"), std::string::npos) << f->title;
  bool said = false;
  for (const auto& e : f->evidence) said |= e.find("profiler's own work") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_EQ(r.summary["profiler_excluded"], 100 * kPeriod);
  // The top table is go tool pprof's and keeps every sample.
  EXPECT_EQ(r.summary["total"], 200 * kPeriod);
}

constexpr ProfileBuilder::Type kHeapTypes[] = {{"alloc_objects", "count"}, {"alloc_space", "bytes"},
                                               {"inuse_objects", "count"}, {"inuse_space", "bytes"}};

Profile Heap(int64_t user_bytes, int64_t pprof_bytes) {
  ProfileBuilder b(kHeapTypes, {"space", "bytes"}, 512 * 1024);
  uint32_t grow = b.Frame("runtime.growslice"), leak = b.Frame("main.leak", "/app/main.go", 20);
  uint32_t malloc = b.Frame("runtime.mallocgc"), stacks = b.Frame("runtime/pprof.writeGoroutineStacks");
  uint32_t handler = b.Frame("net/http/pprof.handler.ServeHTTP");
  uint32_t user[] = {grow, leak}, prof[] = {malloc, stacks, handler};
  int64_t uv[] = {1, user_bytes, 1, user_bytes}, pv[] = {1, pprof_bytes, 1, pprof_bytes};
  b.Sample(user, uv);
  b.Sample(prof, pv);
  b.SetDefaultSampleType("inuse_space");
  return b.Finish();
}

TEST(PprofFindings, SmallHeapSitesAreInfoAndSayTheHeapSize) {
  Report r = Analyze(Heap(int64_t{3} << 20, int64_t{1} << 20));
  const Finding* f = FindFinding(r, "heap-inuse-sites");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
  std::string ev;
  for (const auto& e : f->evidence) ev += e + "\n";
  EXPECT_NE(ev.find("in-use heap (sampled): 3.00 MiB"), std::string::npos) << ev;
  // The goroutine dump godx asked for is the profiler's, not a site.
  EXPECT_EQ(ev.find("writeGoroutineStacks:"), std::string::npos) << ev;
  EXPECT_NE(ev.find("1.00 MiB (25.00%) was the profiler's own work"), std::string::npos) << ev;
  EXPECT_NE(f->title.find("main.leak (/app/main.go:20): 100.0% of 3.00 MiB in use"), std::string::npos)
      << f->title;
}

TEST(PprofFindings, FlightRecorderBufferIsTheCapturesNotASite) {
  // A flight recorder (godx's agent keeps one) holds its window in buffers runtime/trace's
  // multiplexer goroutine allocates: the capture's memory, never the program's top site.
  ProfileBuilder b(kHeapTypes, {"space", "bytes"}, 512 * 1024);
  uint32_t leak = b.Frame("main.leak", "/app/main.go", 20), malloc = b.Frame("runtime.mallocgc");
  uint32_t write = b.Frame("runtime/trace.(*recorder).Write");
  uint32_t mux = b.Frame("runtime/trace.(*traceMultiplexer).startLocked.func1");
  uint32_t user[] = {leak}, rec[] = {malloc, write, mux};
  int64_t uv[] = {1, int64_t{2} << 20, 1, int64_t{2} << 20};
  int64_t rv[] = {1, int64_t{12} << 20, 1, int64_t{12} << 20};
  b.Sample(user, uv);
  b.Sample(rec, rv);
  b.SetDefaultSampleType("inuse_space");
  Report r = Analyze(b.Finish());
  const Finding* f = FindFinding(r, "heap-inuse-sites");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("main.leak"), std::string::npos) << f->title;
  EXPECT_EQ(f->title.find("runtime/trace"), std::string::npos) << f->title;
}

TEST(PprofFindings, BigHeapSiteIsAWarning) {
  Report r = Analyze(Heap(int64_t{512} << 20, int64_t{1} << 20));
  const Finding* f = FindFinding(r, "heap-inuse-sites");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
}

constexpr ProfileBuilder::Type kContentionTypes[] = {{"contentions", "count"},
                                                     {"delay", "nanoseconds"}};

// Consumers waiting on their queue (channel receive) are idle, not contended; the mutex the
// other goroutines queue on is the finding, with its line and, over a delta profile's span,
// how many goroutines that is at once.
TEST(PprofFindings, ContentionNamesTheMechanismAndTheLine) {
  ProfileBuilder b(kContentionTypes, {"contentions", "count"}, 1);
  uint32_t recv = b.Frame("runtime.chanrecv1"), consume = b.Frame("main.consume", "/app/main.go", 42);
  uint32_t lock = b.Frame("sync.(*Mutex).Lock"), update = b.Frame("main.update", "/app/main.go", 77);
  uint32_t s1[] = {recv, consume}, s2[] = {lock, update};
  int64_t v1[] = {10, 120'000'000'000}, v2[] = {5, 40'000'000'000};
  b.Sample(s1, v1);
  b.Sample(s2, v2);
  b.SetDuration(1, 10'000'000'000);  // a delta profile (?seconds=10)
  Report r = Analyze(b.Finish());
  ASSERT_FALSE(r.findings.empty());
  const Finding* f = FindFinding(r, "contention-sites");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(&r.findings[0], f);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->title.find("Lock contention on sync.Mutex at main.update (/app/main.go:77)"),
            std::string::npos)
      << f->title;
  std::string ev;
  for (const auto& e : f->evidence) ev += e + "\n";
  EXPECT_NE(ev.find("sync.Mutex via sync.(*Mutex).Lock, ≈4.0 goroutines blocked all the time"),
            std::string::npos)
      << ev;
  EXPECT_EQ(ev.find("main.consume"), std::string::npos) << ev;
  const Finding* idle = FindFinding(r, "contention-idle-waits");
  ASSERT_NE(idle, nullptr);
  EXPECT_EQ(idle->severity, Severity::kInfo);
  EXPECT_NE(idle->title.find("main.consume (/app/main.go:42) (channel receive)"), std::string::npos)
      << idle->title;
  ev.clear();
  for (const auto& e : idle->evidence) ev += e + "\n";
  EXPECT_NE(ev.find("channel receive via runtime.chanrecv1, ≈12.0 goroutines blocked all the time"),
            std::string::npos)
      << ev;
}

// A worker pool idling on its job queue, cut from steadyworker's block profile: only receives.
TEST(PprofFindings, IdleWorkersWaitingForJobsAreNoWarning) {
  ProfileBuilder b(kContentionTypes, {"contentions", "count"}, 1);
  uint32_t recv2 = b.Frame("runtime.chanrecv2"), recv1 = b.Frame("runtime.chanrecv1");
  uint32_t pool = b.Frame("main.main.func1", "/app/main.go", 78);
  uint32_t tick = b.Frame("main.main", "/app/main.go", 91);
  uint32_t s1[] = {recv2, pool}, s2[] = {recv1, tick};
  int64_t v1[] = {700, 2'990'000'000}, v2[] = {750, 1'490'000'000};
  b.Sample(s1, v1);
  b.Sample(s2, v2);
  Report r = Analyze(b.Finish());
  for (const Finding& f : r.findings) EXPECT_EQ(f.severity, Severity::kInfo) << f.title;
  EXPECT_EQ(FindFinding(r, "contention-sites"), nullptr);
  const Finding* f = FindFinding(r, "contention-idle-waits");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("Workers waited for work: 4.48 s"), std::string::npos) << f->title;
}

// Producers blocked on a full channel: backpressure, a warning that names the send's line even
// without a span, and says how to get one.
TEST(PprofFindings, BlockedSendersAreBackpressureWithTheLine) {
  ProfileBuilder b(kContentionTypes, {"contentions", "count"}, 1);
  uint32_t send = b.Frame("runtime.chansend1"), ingest = b.Frame("main.ingest", "/app/main.go", 35);
  uint32_t recv = b.Frame("runtime.chanrecv2"), index = b.Frame("main.index", "/app/main.go", 42);
  uint32_t s1[] = {send, ingest}, s2[] = {recv, index};
  int64_t v1[] = {9000, 11'900'000'000}, v2[] = {3, 2'000'000};
  b.Sample(s1, v1);
  b.Sample(s2, v2);
  Report r = Analyze(b.Finish());
  ASSERT_FALSE(r.findings.empty());
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.id, "contention-sites");
  EXPECT_EQ(f.severity, Severity::kWarning);
  EXPECT_NE(f.title.find("channel send at main.ingest (/app/main.go:35)"), std::string::npos) << f.title;
  std::string ev;
  for (const auto& e : f.evidence) ev += e + "\n";
  EXPECT_NE(ev.find("/debug/pprof/block?seconds=30"), std::string::npos) << ev;
  EXPECT_EQ(ev.find("goroutines blocked all the time"), std::string::npos) << ev;
}

// Real captures: an allocs profile answers "who allocates" first, a heap profile "what is held".
TEST(PprofFindings, TheShownSampleTypesFindingComesFirst) {
  for (const char* rel : {"1.19.8", "1.26.8", "1.27.3"}) {
    SCOPED_TRACE(rel);
    Report allocs = Analyze(testutil::ReadFileProfile(
        godx::testing::TestData(std::string("pprof/go") + rel + "-allocs.pb.gz")));
    ASSERT_FALSE(allocs.findings.empty());
    EXPECT_EQ(allocs.findings[0].id, "heap-alloc-sites") << allocs.findings[0].title;
    Report heap = Analyze(testutil::ReadFileProfile(
        godx::testing::TestData(std::string("pprof/go") + rel + "-heap.pb.gz")));
    ASSERT_FALSE(heap.findings.empty());
    EXPECT_EQ(heap.findings[0].id, "heap-inuse-sites") << heap.findings[0].title;
  }
}

// Real captures: the healthy services' 1–3 sample CPU profiles once gave CRITICAL findings.
TEST(PprofFindings, HealthyServiceCapturesGiveNoCpuWarnings) {
  for (const char* rel : {"1.19", "1.26", "1.27"}) {
    for (const char* bundle : {"good-bundle", "leaky-bundle"}) {
      SCOPED_TRACE(std::string(rel) + "/" + bundle);
      Profile p = testutil::ReadFileProfile(
          godx::testing::TestData(std::string("live/go") + rel + "/" + bundle + "/cpu.pb.gz"));
      Report r = Analyze(p);
      for (const Finding& f : r.findings) {
        EXPECT_EQ(f.severity, Severity::kInfo) << f.title;
      }
    }
  }
}

TEST(PprofFindings, TinyLiveHeapsAreNoWarning) {
  for (const char* rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    Profile p = testutil::ReadFileProfile(
        godx::testing::TestData(std::string("live/go") + rel + "/leaky-bundle/heap.pb.gz"));
    Report r = Analyze(p);
    const Finding* f = FindFinding(r, "heap-inuse-sites");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, Severity::kInfo) << f->title;
  }
}

TEST(PprofFindings, LargeRealProfileKeepsItsFindings) {
  GODX_REQUIRE_SHARED(shared);
  Profile p = testutil::ReadFileProfile(shared +
                                        "/corpus/pprof/google-pprof/internal/proftest/testdata/large.cpu");
  Report r = Analyze(p);
  const Finding* f = FindFinding(r, "cpu-hot-user-code");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("main.next"), std::string::npos) << f->title;
  EXPECT_NE(f->evidence.back().find("profiler's own work"), std::string::npos);
  bool counted = false;
  for (const auto& e : f->evidence) counted |= e.find("from 24,024 samples") != std::string::npos;
  EXPECT_TRUE(counted);
}

}  // namespace
}  // namespace godx::pprof
