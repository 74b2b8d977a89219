#include "live/smaps.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "live/proc.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::MatrixReleases;
using godx::testing::ReadFile;
using godx::testing::TestData;

// testdata/live/goREL/smaps/: /proc/PID/smaps and /proc/PID/status of mmapserver growing 8 MiB
// every 100 ms outside the Go heap, read at the start and 2 s later (scripts/gen-smaps-fixtures).
struct Pair {
  MemoryKinds start, end;
  ProcStatus status_start, status_end;
};

Pair Load(const std::string& rel, const std::string& kind) {
  std::string base = TestData("live/go" + rel + "/smaps/mmapserver-" + kind);
  Pair p;
  p.start = ParseSmaps(ReadFile(base + ".start.txt"));
  p.end = ParseSmaps(ReadFile(base + ".end.txt"));
  p.status_start = *ParseProcStatus(ReadFile(base + ".start.status.txt"), "start");
  p.status_end = *ParseProcStatus(ReadFile(base + ".end.status.txt"), "end");
  return p;
}

// The sum of every "Rss:" line: the test's own reading of the file.
int64_t TotalRss(const std::string& text) {
  int64_t total = 0;
  size_t pos = 0;
  while ((pos = text.find("\nRss:", pos)) != std::string::npos) {
    pos += 5;
    total += std::strtoll(text.c_str() + pos, nullptr, 10) * 1024;
  }
  return total;
}

int64_t Sum(const MemoryKinds& k) { return k.go_heap + k.anon_other + k.malloc + k.file + k.stacks; }

constexpr int64_t kMiB = 1 << 20;

TEST(Smaps, EveryResidentByteHasOneKind) {
  for (const auto& rel : MatrixReleases()) {
    for (const char* kind : {"anon", "file"}) {
      std::string text = ReadFile(TestData("live/go" + rel + "/smaps/mmapserver-" + kind + ".end.txt"));
      MemoryKinds k = ParseSmaps(text);
      int64_t total = TotalRss(text);
      // Only [vdso], [vvar] and the like are left out: a few pages.
      EXPECT_LE(Sum(k), total) << rel << " " << kind;
      EXPECT_GE(Sum(k), total - 64 * 1024) << rel << " " << kind;
      EXPECT_GT(k.mappings, 20) << rel;
      EXPECT_FALSE(k.cut);
    }
  }
}

// Anonymous regions mapped with syscall.Mmap: RssAnon's growth (status, read independently) is in
// "anonymous mappings outside the Go heap", and nothing else moves much.
TEST(Smaps, AnonymousGrowthIsOutsideTheGoHeap) {
  for (const auto& rel : MatrixReleases()) {
    Pair p = Load(rel, "anon");
    int64_t status_grew = p.status_end.rss_anon - p.status_start.rss_anon;
    ASSERT_GT(status_grew, 64 * kMiB) << rel;
    int64_t grew = p.end.anon_other - p.start.anon_other;
    EXPECT_NEAR(double(grew), double(status_grew), double(4 * kMiB)) << rel;
    EXPECT_LT(std::abs(p.end.go_heap - p.start.go_heap), 4 * kMiB) << rel;
    EXPECT_LT(std::abs(p.end.file - p.start.file), 4 * kMiB) << rel;
    EXPECT_LT(std::abs(p.end.malloc - p.start.malloc), 4 * kMiB) << rel;
  }
}

// A file extended and mapped piece by piece: RssFile's growth is in the file-backed kind, under
// the file's own name.
TEST(Smaps, FileGrowthIsNamedByItsFile) {
  for (const auto& rel : MatrixReleases()) {
    Pair p = Load(rel, "file");
    int64_t status_grew = p.status_end.rss_file - p.status_start.rss_file;
    ASSERT_GT(status_grew, 64 * kMiB) << rel;
    EXPECT_NEAR(double(p.end.file - p.start.file), double(status_grew), double(4 * kMiB)) << rel;
    EXPECT_LT(std::abs(p.end.anon_other - p.start.anon_other), 4 * kMiB) << rel;
    std::string biggest;
    int64_t most = 0;
    for (const auto& [path, rss] : p.end.files) {
      if (rss > most) {
        most = rss;
        biggest = path;
      }
    }
    EXPECT_NE(biggest.find("mmapserver-"), std::string::npos) << rel << " " << biggest;
    EXPECT_NE(biggest.find("(deleted)"), std::string::npos) << rel << " " << biggest;
  }
}

// mmapserver links the C library (net's resolver): its threads run on pthread stacks, each behind
// a guard page, one per OS thread but the main one (whose stack is [stack]).
TEST(Smaps, ThreadStacksAreCountedPerThread) {
  for (const auto& rel : MatrixReleases()) {
    Pair p = Load(rel, "anon");
    ASSERT_GT(p.status_end.threads, 1) << rel;
    EXPECT_EQ(p.end.stack_count, p.status_end.threads) << rel;
  }
}

TEST(Smaps, OtherTextGivesNothing) {
  MemoryKinds k = ParseSmaps("hello\nRss: 12 kB\nnot a header\n");
  EXPECT_EQ(k.mappings, 0);
  EXPECT_EQ(Sum(k), 0);
}

TEST(Smaps, ReadsItsOwnProcess) {
  auto k = ReadMemoryKinds(getpid());
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_GT(k->file, 0);  // the test binary itself
  EXPECT_GE(k->stack_count, 1);
}

}  // namespace
}  // namespace godx::live
