// The runtime's leak verdict against godx's growth check, over real profiles: pprofgen's
// goroutine and goroutineleak profiles (one process: 5 goroutines parked on a channel only they
// reach) and the leaky service's bundles (leakyWorker grows during the capture).
#include "live/leak_verdict.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

CountProfile Read(const std::string& relative) {
  auto p = ReadCountProfile(ReadFile(TestData(relative)), relative);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : CountProfile{};
}

TEST(CountProfile, ReadsTheGoroutineLeakProfile) {
  CountProfile p = Read("pprof/go1.27.3-goroutineleak.debug1.txt");
  EXPECT_EQ(p.name, "goroutineleak");
  EXPECT_EQ(p.total, 5u);  // head -1
  ASSERT_EQ(p.buckets.size(), 1u);
  EXPECT_EQ(p.buckets[0].count, 5u);
  EXPECT_EQ(p.buckets[0].site, "main.leak.func1 at main.go:64");
  EXPECT_EQ(p.skipped, 0u);
}

TEST(CountProfile, BucketsAddUpToTheTotal) {
  for (const char* f :
       {"pprof/go1.26.8-goroutine.debug1.txt", "pprof/go1.27.3-goroutine.debug1.txt",
        "live/go1.19/leaky-bundle/goroutine.debug1.end.txt"}) {
    CountProfile p = Read(f);
    uint64_t sum = 0;
    for (const auto& b : p.buckets) {
      sum += b.count;
      EXPECT_FALSE(b.site.empty()) << f << ": " << b.pcs;
    }
    EXPECT_EQ(sum, p.total) << f;
  }
}

TEST(CountProfile, RefusesOtherText) {
  EXPECT_FALSE(ReadCountProfile("goroutine 1 [running]:\n", "x").ok());
  EXPECT_FALSE(ReadCountProfile("", "x").ok());
  auto p = ReadCountProfile("goroutine profile: total 3\nnot a bucket\n3 @ 0x1\n", "x");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->skipped, 1u);
  EXPECT_EQ(p->buckets.size(), 1u);
}

// The same process, nothing grows: the 5 leaked goroutines are a small leak godx did not see.
TEST(LeakVerdict, LeakedButNotGrowingIsASmallLeak) {
  CountProfile g = Read("pprof/go1.27.3-goroutine.debug1.txt");
  CountProfile l = Read("pprof/go1.27.3-goroutineleak.debug1.txt");
  LeakComparison c = CompareLeaks(&g, &g, &l, 2.0);
  EXPECT_TRUE(c.offered);
  EXPECT_EQ(c.leaked, 5u);
  ASSERT_EQ(c.sites.size(), 1u);
  EXPECT_EQ(c.sites[0].verdict, "leaked");
  EXPECT_EQ(c.sites[0].leaked, 5);
  EXPECT_EQ(c.sites[0].before, 5);  // the goroutine profile has the same bucket
  Report r;
  AddLeakVerdict(c, &r);
  const Finding* f = godx::testing::FindFinding(r, "goroutine-leak-runtime");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("in main.leak.func1 at main.go:64"), std::string::npos) << f->title;
  EXPECT_EQ(godx::testing::FindFinding(r, "goroutine-leak-confirmed"), nullptr);
  EXPECT_EQ(r.summary["goroutine_leak"]["leaked"], 5);
}

// A growing stack the runtime does not mark leaked is still reachable. The leak profile here is
// another process's: none of its stacks is the leaky service's, so leakyWorker's growth is not
// confirmed, and pprofgen's leak is reported on its own.
TEST(LeakVerdict, GrowingButNotLeakedIsStillReachable) {
  CountProfile a = Read("live/go1.19/leaky-bundle/goroutine.debug1.txt");
  CountProfile b = Read("live/go1.19/leaky-bundle/goroutine.debug1.end.txt");
  CountProfile l = Read("pprof/go1.27.3-goroutineleak.debug1.txt");
  LeakComparison c = CompareLeaks(&a, &b, &l, 1.5);
  ASSERT_EQ(c.sites.size(), 2u);
  EXPECT_EQ(c.sites[0].verdict, "reachable");
  EXPECT_EQ(c.sites[0].site.substr(0, 16), "main.leakyWorker");
  EXPECT_GE(c.sites[0].after - c.sites[0].before, kBucketGrowthMin);
  EXPECT_EQ(c.sites[1].verdict, "leaked");
  Report r;
  AddLeakVerdict(c, &r);
  EXPECT_NE(godx::testing::FindFinding(r, "goroutine-growth-reachable"), nullptr);
  EXPECT_NE(godx::testing::FindFinding(r, "goroutine-leak-runtime"), nullptr);
}

// Without the leak profile (Go 1.19), growth alone is left to the doctor's growth finding.
TEST(LeakVerdict, NothingToHoldGrowthAgainstWithoutTheProfile) {
  CountProfile a = Read("live/go1.19/leaky-bundle/goroutine.debug1.txt");
  CountProfile b = Read("live/go1.19/leaky-bundle/goroutine.debug1.end.txt");
  LeakComparison c = CompareLeaks(&a, &b, nullptr, 1.5);
  c.note = "not offered";
  EXPECT_FALSE(c.offered);
  EXPECT_TRUE(c.sites.empty());
  Report r;
  AddLeakVerdict(c, &r);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.summary["goroutine_leak"]["offered"], false);
  EXPECT_TRUE(r.summary["goroutine_leak"]["leaked"].is_null());
}

// The leaky bundles of the releases that offer the profile: leakyWorker grew and the runtime
// proves it leaked, so the two agree.
TEST(LeakVerdict, LeakyBundlesConfirmTheLeak) {
  for (const char* rel : {"1.26", "1.27"}) {
    std::string dir = std::string("live/go") + rel + "/leaky-bundle/";
    CountProfile a = Read(dir + "goroutine.debug1.txt");
    CountProfile b = Read(dir + "goroutine.debug1.end.txt");
    CountProfile l = Read(dir + "goroutineleak.debug1.txt");
    LeakComparison c = CompareLeaks(&a, &b, &l, 1.0);
    ASSERT_FALSE(c.sites.empty()) << rel;
    EXPECT_EQ(c.sites[0].verdict, "confirmed") << rel;
    EXPECT_EQ(c.sites[0].site, "main.leakyWorker at main.go:24") << rel;
    // Leaked after the end snapshot, so at least as many as it held.
    EXPECT_GE(c.sites[0].leaked, c.sites[0].after) << rel;
  }
}

}  // namespace
}  // namespace godx::live
