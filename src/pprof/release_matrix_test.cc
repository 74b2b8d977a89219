// Every pprof fixture of the release matrix (testdata/releases/go<REL>.txt, cells pprof-<type>
// and pprof-<type>-text), read by godx and checked against a reading that does not go through
// godx: `go tool pprof -top`'s numbers recorded by scripts/gen-pprof-golden, and for debug=1
// text the profile's own header totals and record lines. A fixture godx does not read, or reads
// as the wrong kind, fails the test; nothing is skipped.
#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "pprof/analyze.h"
#include "pprof/golden_top.h"
#include "pprof/release.h"
#include "pprof/test_util.h"

namespace godx::pprof {
namespace {

using testing::Describe;
using testing::MatrixFixture;

// "pprof-heap" → "heap", "pprof-heap-text" → "heap" (text = true). Cells that are not profiles
// (pprof-goroutineleak-debug2 is a goroutine dump, which `godx stacks` reads and
// src/stacks tests) return "".
std::string TypeOfCell(const std::string& cell, bool* text) {
  std::string t = cell.substr(6);
  *text = t.ends_with("-text");
  if (*text) t.resize(t.size() - 5);
  if (t.ends_with("-debug2")) return "";
  return t;
}

// What godx must call each profile type.
std::string_view ExpectedKind(const std::string& type) {
  if (type == "cpu") return "cpu";
  if (type == "heap" || type == "allocs") return "heap";
  if (type == "block" || type == "mutex") return "contention";
  if (type == "goroutine") return "goroutine";
  if (type == "goroutineleak") return "goroutineleak";
  if (type == "threadcreate") return "threadcreate";
  return "";
}


// The debug=1 text read without godx: the header totals and the records ("N @ addrs" for count
// profiles, "a: b [c: d] @ addrs" for heap, "cycles count @ addrs" for contention). std::regex is
// fine in a test and keeps this reading independent of godx's scanners.
struct TextTruth {
  bool has_total = false;
  int64_t total = 0;                       // count profiles: "... profile: total N"
  int64_t heap[4] = {0, 0, 0, 0};  // heap header: inuse objs/bytes, alloc objs/bytes
  int64_t heap_rate = 0;
  int64_t scaled[4] = {0, 0, 0, 0};        // the records scaled as runtime/pprof documents
  int64_t record_sum = 0;                  // count profiles: sum of record counts
  size_t records = 0;
};

// runtime/pprof's heap sampling correction (also google/pprof's scaleHeapSample): a record of
// `count` objects totalling `size` bytes sampled at one per `rate` bytes stands for
// count / (1 - exp(-avg/rate)) objects.
std::pair<int64_t, int64_t> ScaleHeap(int64_t count, int64_t size, int64_t rate) {
  if (count == 0 || size == 0) return {0, 0};
  if (rate <= 1) return {count, size};
  double avg = static_cast<double>(size) / static_cast<double>(count);
  double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  return {static_cast<int64_t>(static_cast<double>(count) * scale),
          static_cast<int64_t>(static_cast<double>(size) * scale)};
}

TextTruth ReadTextTruth(const std::string& text) {
  TextTruth t;
  std::istringstream in(text);
  std::string line;
  const std::regex count_header(R"(^\w+ profile: total (\d+)$)");
  const std::regex heap_header(R"(^heap profile: (\d+): (\d+) \[(\d+): (\d+)\] @ heap/(\d+)$)");
  const std::regex heap_record(R"(^(\d+): (\d+) \[(\d+): (\d+)\] @)");
  const std::regex count_record(R"(^(\d+) @)");
  const std::regex contention_record(R"(^(\d+) (\d+) @)");
  std::smatch m;
  bool heap = false;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, count_header)) {
      t.has_total = true;
      t.total = std::stoll(m[1]);
    } else if (std::regex_match(line, m, heap_header)) {
      heap = true;
      for (int i = 0; i < 4; ++i) t.heap[i] = std::stoll(m[i + 1]);
      // runtime/pprof writes 2*MemProfileRate there (for the old C++ heap profiler's sake).
      t.heap_rate = std::stoll(m[5]) / 2;
    } else if (heap && std::regex_search(line, m, heap_record)) {
      ++t.records;
      auto inuse = ScaleHeap(std::stoll(m[1]), std::stoll(m[2]), t.heap_rate);
      auto alloc = ScaleHeap(std::stoll(m[3]), std::stoll(m[4]), t.heap_rate);
      t.scaled[0] += inuse.first;
      t.scaled[1] += inuse.second;
      t.scaled[2] += alloc.first;
      t.scaled[3] += alloc.second;
    } else if (std::regex_search(line, m, contention_record)) {
      ++t.records;
    } else if (std::regex_search(line, m, count_record)) {
      ++t.records;
      t.record_sum += std::stoll(m[1]);
    }
  }
  return t;
}

int64_t TotalOf(const Profile& p, std::string_view type) {
  int i = p.FindSampleIndex(type);
  EXPECT_GE(i, 0) << "no sample type " << type;
  return i < 0 ? 0 : ComputeTotal(p, static_cast<size_t>(i));
}

TEST(PprofReleaseMatrix, EveryFixtureMatchesGoToolPprofAndItsOwnHeader) {
  auto fixtures = testing::MatrixFixtures("pprof-");
  ASSERT_FALSE(fixtures.empty());
  size_t compared = 0, headers = 0;
  for (const MatrixFixture& f : fixtures) {
    SCOPED_TRACE(Describe(f));
    bool text = false;
    std::string type = TypeOfCell(f.cell, &text);
    if (type.empty()) {
      EXPECT_TRUE(f.cell.ends_with("-debug2")) << "a pprof cell this test does not know";
      continue;
    }
    ASSERT_FALSE(ExpectedKind(type).empty()) << "a profile type this test does not know: " << type;
    std::string path = testing::TestData(f.path);
    Profile p = testutil::ReadFileProfile(path);
    ASSERT_FALSE(p.sample_types.empty()) << "godx did not read it";
    EXPECT_EQ(ProfileKind(p), ExpectedKind(type));
    EXPECT_EQ(p.format == SourceFormat::kProto, !text);

    // pprof's numbers. Text profiles: pprof drops the '#' symbol lines, so names are set aside
    // the same way (see golden_test.cc). pprof rejects Go 1.19's threadcreate text (all-zero
    // stacks); its .err is kept instead, and the header check below still applies.
    std::string golden = testing::TestData("pprof/golden/fixture__" +
                                           std::filesystem::path(f.path).filename().string());
    if (std::filesystem::exists(golden + ".top")) {
      Profile q = testutil::ReadFileProfile(path);
      if (text) {
        for (Location& loc : q.locations) loc.line_count = 0;
      }
      auto g = testutil::ParseGoldenTop(testing::ReadFile(golden + ".top"));
      auto diffs = testutil::CompareTopWithGolden(q, q.DefaultSampleIndex(), g);
      for (size_t i = 0; i < diffs.size() && i < 5; ++i) ADD_FAILURE() << diffs[i];
      EXPECT_TRUE(diffs.empty());
      ++compared;
    } else {
      EXPECT_TRUE(text && std::filesystem::exists(golden + ".err"))
          << "no golden for " << f.path << ": run scripts/gen-pprof-golden";
    }

    if (text) {
      TextTruth t = ReadTextTruth(testing::ReadFile(path));
      EXPECT_GT(t.records, 0u) << "the independent reading found no records";
      EXPECT_EQ(p.num_samples(), t.records);
      if (t.has_total) {
        // Count profiles: the header's total is the sum of the records and godx's total.
        EXPECT_EQ(t.record_sum, t.total);
        EXPECT_EQ(ComputeTotal(p, p.DefaultSampleIndex()), t.total);
        ++headers;
      } else if (t.heap_rate > 0) {
        // Heap: the header sums the records unscaled; godx shows them scaled.
        EXPECT_EQ(TotalOf(p, "inuse_objects"), t.scaled[0]);
        EXPECT_EQ(TotalOf(p, "inuse_space"), t.scaled[1]);
        EXPECT_EQ(TotalOf(p, "alloc_objects"), t.scaled[2]);
        EXPECT_EQ(TotalOf(p, "alloc_space"), t.scaled[3]);
        EXPECT_GE(t.scaled[1], t.heap[1]);
        EXPECT_GE(t.scaled[3], t.heap[3]);
        ++headers;
      }
    }

    // The release godx names must hold the release that wrote the fixture.
    GoRelease r = InferRelease(p);
    int minor = testing::ReleaseMinor(f.release);
    EXPECT_LE(r.min_minor, minor) << r.Describe();
    EXPECT_GE(r.max_minor, minor) << r.Describe();
  }
  EXPECT_GE(compared, 30u);
  EXPECT_GE(headers, 10u);
}

// The goroutine leak profile (Go 1.26 with GOEXPERIMENT=goroutineleakprofile, 1.27 by default):
// godx names it, says what it means, and its finding carries the runtime's count and sites.
TEST(PprofReleaseMatrix, GoroutineLeakProfileIsTheRuntimesVerdict) {
  size_t seen = 0;
  for (const MatrixFixture& f : testing::MatrixFixtures("pprof-goroutineleak")) {
    if (f.cell.ends_with("-debug2")) continue;  // a goroutine dump: src/stacks reads it
    SCOPED_TRACE(Describe(f));
    ++seen;
    Profile p = testutil::ReadFileProfile(testing::TestData(f.path));
    ASSERT_EQ(ProfileKind(p), "goroutineleak");
    int64_t total = ComputeTotal(p, p.DefaultSampleIndex());
    ASSERT_GT(total, 0);
    Report r = AnalyzeProfile(p, f.path, p.DefaultSampleIndex(), ViewOptions{}, AnalyzeOptions{});
    EXPECT_NE(r.title.find("goroutine leak profile"), std::string::npos) << r.title;
    const Finding* leak = testing::FindFinding(r, "goroutine-leak-proven");
    ASSERT_NE(leak, nullptr);
    // Proof, so never below a warning; the same severity the stacks reader gives the same leak.
    EXPECT_EQ(leak->severity, total >= 10000 ? Severity::kCritical : Severity::kWarning);
    EXPECT_NE(leak->title.find(std::to_string(total) + " goroutines"), std::string::npos)
        << leak->title;
    // pprofgen leaks its goroutines in main.leak's closure.
    EXPECT_NE(leak->title.find("main.leak.func1"), std::string::npos) << leak->title;
    EXPECT_EQ(r.summary["leaked_goroutines"], total);
    EXPECT_EQ(r.summary["profile_kind"], "goroutineleak");
    // The sample type alone proves the release.
    EXPECT_EQ(r.extra["go_release"]["min"], "1.26");
  }
  EXPECT_GE(seen, 4u);  // 1.26 and 1.27, proto and text
}

// Where a profile names its release: every 1.26/1.27 profile whose stacks hold runtime frames
// (all but threadcreate, whose stacks are empty) gets a lower bound above 1.19, and Go 1.19's
// CPU and goroutine profiles an upper bound below 1.26.
TEST(PprofReleaseMatrix, NewReleasesAreRecognised) {
  for (const MatrixFixture& f : testing::MatrixFixtures("pprof-")) {
    bool text = false;
    std::string type = TypeOfCell(f.cell, &text);
    if (type.empty() || text || type == "threadcreate") continue;
    SCOPED_TRACE(Describe(f));
    GoRelease r = InferRelease(testutil::ReadFileProfile(testing::TestData(f.path)));
    if (f.release == "1.19") {
      if (type == "cpu" || type == "goroutine") {
        EXPECT_LT(r.max_minor, GoRelease::kNoUpperBound) << "no upper bound";
      }
    } else {
      EXPECT_GE(r.min_minor, 20) << "no lower bound";
    }
  }
}

}  // namespace
}  // namespace godx::pprof

namespace godx::pprof {
namespace {

// Go 1.27 heap profiles start the stack of a runtime-internal allocation at runtime.mallocgc
// (1.19 and 1.26 start at its caller): the site findings must name the frame that asked for the
// memory, the same one on every release. Real captures of the same leaking service.
TEST(PprofReleaseMatrix, AllocationSitesSkipTheAllocatorOnEveryRelease) {
  for (const char* rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    std::string path = testing::TestData(std::string("live/go") + rel + "/leaky-bundle/heap.pb.gz");
    Json env = testing::GodxEnvelope("pprof --json " + path, "pprof");
    const Json& sites = env["summary"]["heap-inuse-sites"];
    ASSERT_TRUE(sites.is_array()) << env.dump();
    int64_t sum = 0;
    for (const Json& s : sites) {
      std::string fn = s["function"];
      EXPECT_NE(fn.rfind("runtime.mallocgc", 0), 0u) << fn;
      EXPECT_NE(fn, "runtime.newobject");
      sum += s["value"].get<int64_t>();
    }
    EXPECT_GT(sum, 0);
  }
}

}  // namespace
}  // namespace godx::pprof
