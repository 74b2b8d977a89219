// Go's debug=1 text profiles: the same values as pprof's legacy parsers, plus the function names
// and labels pprof drops. The inputs are excerpts in the exact shape runtime/pprof writes (see the
// fixtures under testdata/pprof/ for whole files).
#include <cmath>

#include <gtest/gtest.h>

#include "pprof/graph.h"
#include "pprof/reader.h"

namespace godx::pprof {
namespace {

constexpr std::string_view kHeap =
    "heap profile: 3: 12288 [10: 40960] @ heap/8192\n"
    "2: 8192 [8: 32768] @ 0x4bc39d 0x4bc34d 0x462461\n"
    "#\t0x4bc39c\tmain.alloc+0x7c\t\t/src/main.go:30\n"
    "#\t0x4bc34c\tmain.main+0x2c\t/src/main.go:81\n"
    "\n"
    "1: 4096 [2: 8192] @ 0x4bc34d 0x462461\n"
    "#\t0x4bc34c\tmain.main+0x2c\t/src/main.go:81\n"
    "\n"
    "# runtime.MemStats\n# Alloc = 1\n";

TEST(PprofTextReader, HeapValuesAreUnsampledLikePprof) {
  auto p = ReadGoText("heap", kHeap, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->sample_types.size(), 4u);
  EXPECT_EQ(p->Str(p->sample_types[3].type), "inuse_space");
  EXPECT_EQ(p->period, 4096);  // heap/8192 is 2*MemProfileRate
  // pprof's scaleHeapSample: scale = 1/(1-exp(-avg/rate)); avg = 4096, rate = 4096.
  double scale = 1 / (1 - std::exp(-1.0));
  EXPECT_EQ(p->Values(0)[2], static_cast<int64_t>(2 * scale));
  EXPECT_EQ(p->Values(0)[3], static_cast<int64_t>(8192 * scale));
  EXPECT_EQ(p->Values(0)[1], static_cast<int64_t>(32768 * scale));
  ASSERT_EQ(p->Labels(0).size(), 1u);
  EXPECT_EQ(p->Str(p->Labels(0)[0].key), "bytes");
  EXPECT_EQ(p->Labels(0)[0].num, 4096);
}

TEST(PprofTextReader, KeepsFunctionNamesFromSymbolLines) {
  auto p = ReadGoText("heap", kHeap, {});
  ASSERT_TRUE(p.ok());
  TopResult top = ComputeTop(*p, 3, false);
  ASSERT_FALSE(top.rows.empty());
  EXPECT_EQ(top.rows[0].name, "main.alloc");
  bool has_main = false;
  for (const auto& r : top.rows) has_main |= r.name == "main.main";
  EXPECT_TRUE(has_main);
  // Locations carry pprof's address (the return address minus one).
  EXPECT_EQ(p->locations[p->Stack(0)[0]].address, 0x4bc39cu);
}

TEST(PprofTextReader, ContentionScalesCyclesToNanoseconds) {
  constexpr std::string_view kBlock =
      "--- contention:\n"
      "cycles/second=2000000000\n"
      "4000 2 @ 0x4bbfee 0x462461\n"
      "#\t0x4bbfed\tsync.(*Mutex).Lock+0x8d\t/go/src/sync/mutex.go:90\n";
  auto p = ReadGoText("block", kBlock, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->num_samples(), 1u);
  EXPECT_EQ(p->Values(0)[0], 2);     // contentions
  EXPECT_EQ(p->Values(0)[1], 2000);  // 4000 cycles at 2 GHz
}

TEST(PprofTextReader, MutexSamplingPeriodMultiplies) {
  constexpr std::string_view kMutex =
      "--- mutex:\ncycles/second=1000000000\nsampling period=5\n100 3 @ 0x10 0x20\n";
  auto p = ReadGoText("mutex", kMutex, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->Values(0)[0], 15);
  EXPECT_EQ(p->Values(0)[1], 500);
}

TEST(PprofTextReader, CountProfileKeepsLabels) {
  constexpr std::string_view kGoroutine =
      "goroutine profile: total 3\n"
      "2 @ 0x437c96 0x4bcddf 0x462461\n"
      "# labels: {\"worker\":\"0\", \"pool\":\"a\\\"b\"}\n"
      "#\t0x4bcdde\tmain.main.func2+0x1e\t/src/main.go:94\n"
      "\n"
      "1 @ 0x42d836\n";
  auto p = ReadGoText("g", kGoroutine, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->num_samples(), 2u);
  ASSERT_EQ(p->Labels(0).size(), 2u);
  EXPECT_EQ(p->Str(p->Labels(0)[0].key), "worker");
  EXPECT_EQ(p->Str(p->Labels(0)[1].str), "a\"b");
  EXPECT_EQ(p->Values(0)[0], 2);
  EXPECT_EQ(p->Str(p->sample_types[0].type), "goroutine");
}

TEST(PprofTextReader, InlinedFramesShareAPc) {
  constexpr std::string_view kInl =
      "goroutine profile: total 1\n"
      "1 @ 0x1001 0x2001\n"
      "#\t0x1000\tpkg.inner+0x10\t/a.go:1\n"
      "#\t0x1000\tpkg.outer+0x20\t/a.go:5\n"
      "#\t0x2000\tmain.main+0x5\t/m.go:9\n";
  auto p = ReadGoText("inl", kInl, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  const Location& leaf = p->locations[p->Stack(0)[0]];
  ASSERT_EQ(leaf.line_count, 2u);
  EXPECT_EQ(p->Str(p->functions[p->LinesOf(leaf)[0].function].name), "pkg.inner");
  EXPECT_EQ(p->Str(p->functions[p->LinesOf(leaf)[1].function].name), "pkg.outer");
}

TEST(PprofTextReader, EmptyStacksAreAccepted) {
  auto p = ReadGoText("tc", "threadcreate profile: total 5\n5 @\n#\t0x0\n", {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->num_samples(), 1u);
  EXPECT_TRUE(p->Stack(0).empty());
  EXPECT_EQ(ComputeTotal(*p, 0), 5);
}

TEST(PprofTextReader, CutLastLineIsANoteNotAnError) {
  std::string cut(kHeap.substr(0, kHeap.find("1: 4096") + 5));
  auto p = ReadGoText("cut", cut, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->num_samples(), 1u);
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_NE(p->notes[0].find("cut"), std::string::npos);
}

TEST(PprofTextReader, SelfReferentialMapAttributesTerminate) {
  // Found by fuzzing: an attribute whose value names itself used to expand forever.
  auto p = ReadGoText("m",
                      "heap profile: 1: 8 [1: 8] @ heapprofile\n1: 8 [1: 8] @ 0x401000\n"
                      "--- Memory map: ---\na=$a$a\n00400000-00500000: $a/bin\n",
                      {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_FALSE(p->mappings.empty());
}

TEST(PprofTextReader, MalformedLineNamesTheLine) {
  auto p = ReadGoText("bad", "goroutine profile: total 1\n1 @ 0x10\nnot a sample\n1 @ 0x20\n", {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("bad: line 3"), std::string::npos) << p.status().message();
}

TEST(PprofTextReader, UnknownHeaderIsAnError) {
  auto p = ReadGoText("x", "hello\n", {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("x: line 1"), std::string::npos);
}

}  // namespace
}  // namespace godx::pprof
