// Conformance over the real third-party captures in ../shared/corpus/dumps/ (see its
// MANIFEST.txt). Expected counts were taken independently of godx: `grep -c '^goroutine '` for
// goroutines and `grep -c 'WARNING: DATA RACE'` for races.
#include <gtest/gtest.h>

#include "stacks/analyze.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

Result<Dump> ReadCorpus(const std::string& dir, const std::string& name) {
  Input in =
      godx::testing::InputFromString(name, godx::testing::ReadFile(dir + "/corpus/dumps/" + name));
  return ReadDump(in);
}

uint64_t BucketSum(const Dump& d) {
  uint64_t n = 0;
  for (const auto& b : d.buckets) n += b.count;
  return n;
}

void ExpectEveryFrameHasAFile(const Dump& d) {
  for (const auto& b : d.buckets) {
    for (const auto& f : b.frames) {
      EXPECT_NE(f.file, 0u) << d.Str(f.function);
      EXPECT_GT(f.line, 0u) << d.Str(f.function);
    }
  }
}

TEST(StacksConformance, PanicparseDebug2Capture) {
  GODX_REQUIRE_SHARED(shared);
  auto d = ReadCorpus(shared, "panicparse_panicweb_pprof_goroutine_debug2_da0aba9f.txt");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->goroutines, 71u);
  EXPECT_EQ(BucketSum(*d), 71u);
  EXPECT_FALSE(d->truncated);
  EXPECT_EQ(d->other_lines, 0u);
  EXPECT_EQ(d->version.max_minor, 20) << "pre-1.21 'created by' lines";
  ExpectEveryFrameHasAFile(*d);
  uint64_t locked = 0;
  uint32_t longest = 0;
  for (const auto& b : d->buckets) {
    locked += b.locked;
    longest = std::max(longest, b.max_minutes);
  }
  EXPECT_EQ(locked, 1u);  // grep -c 'locked to thread'
  EXPECT_EQ(longest, 2u);
  EXPECT_EQ(d->buckets[0].count, 14u);  // IO wait in net/http.(*connReader).backgroundRead
}

TEST(StacksConformance, PanicparseRaceReport) {
  GODX_REQUIRE_SHARED(shared);
  auto d = ReadCorpus(shared, "panicparse_panic_race_da0aba9f.txt");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->races.size(), 1u);
  ASSERT_EQ(d->races[0].stacks.size(), 4u);
  EXPECT_EQ(d->Str(d->races[0].stacks[0].frames[0].function), "main.panicDoRaceRead");
  EXPECT_EQ(d->races[0].stacks[0].frames[0].line, 137u);
}

TEST(StacksConformance, GoleakDumpsBeforeAndAfterGo121) {
  GODX_REQUIRE_SHARED(shared);
  auto old_dump = ReadCorpus(shared, "goleak_http.go1.20.txt");
  auto new_dump = ReadCorpus(shared, "goleak_http.txt");
  ASSERT_TRUE(old_dump.ok() && new_dump.ok());
  EXPECT_EQ(old_dump->goroutines, 5u);
  EXPECT_EQ(new_dump->goroutines, 5u);
  EXPECT_EQ(old_dump->version.max_minor, 20);
  EXPECT_EQ(new_dump->version.min_minor, 21);
  ExpectEveryFrameHasAFile(*old_dump);
  ExpectEveryFrameHasAFile(*new_dump);
  // The same program: the same stacks, whichever way "created by" was printed.
  EXPECT_EQ(old_dump->buckets.size(), new_dump->buckets.size());
}

TEST(StacksConformance, GoleakTracebackAncestors) {
  GODX_REQUIRE_SHARED(shared);
  auto d = ReadCorpus(shared, "goleak_http.tracebackancestors.txt");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->goroutines, 5u);
  ExpectEveryFrameHasAFile(*d);
  for (const auto& b : d->buckets) {
    for (const auto& f : b.frames) EXPECT_FALSE(f.inlined && f.line == 0);
    if (d->Str(b.frames[0].function) == "net/http.(*persistConn).readLoop") {
      EXPECT_EQ(b.frames.size(), 1u) << "ancestor frames must not join the goroutine's stack";
    }
  }
}

TEST(StacksConformance, GctraceLogIsNotADump) {
  GODX_REQUIRE_SHARED(shared);
  auto d = ReadCorpus(shared, "gcvis_gctrace_go15_stderr.log");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("expected a goroutine dump"), std::string::npos);
}

}  // namespace
}  // namespace godx::stacks
