// Every profile of the shared corpus and of testdata/pprof/ reads without crashing; proto inputs
// survive a re-encode with the same top; each small fixture cut at every byte offset parses or
// fails cleanly.
#include <filesystem>

#include <gtest/gtest.h>

#include "pprof/analyze.h"
#include "pprof/graph.h"
#include "pprof/test_util.h"
#include "pprof/writer.h"

namespace godx::pprof {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string p = e.path().string();
    // Golden outputs recorded from go tool pprof are not profiles.
    if (p.ends_with(".string") || p.ends_with("MANIFEST.txt") || p.find("/golden/") != std::string::npos ||
        p.find("/golden-pprof/") != std::string::npos) {
      continue;
    }
    out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CheckNoCrashAndRoundTrip(const std::string& path, size_t* read_ok) {
  SCOPED_TRACE(path);
  auto input = Input::Open(path);
  ASSERT_TRUE(input.ok());
  auto p = ReadProfile(*input);
  if (!p.ok()) {
    // A clean, one-line error that names the file.
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
    EXPECT_EQ(p.status().message().rfind(input->name(), 0), 0u) << p.status().message();
    return;
  }
  ++*read_ok;
  if (p->sample_types.empty()) return;
  size_t idx = p->DefaultSampleIndex();
  TopResult before = ComputeTop(*p, idx, false);
  auto again = ReadProto("re-encoded", EncodeProto(*p), {});
  ASSERT_TRUE(again.ok()) << again.status().message();
  TopResult after = ComputeTop(*again, idx, false);
  EXPECT_EQ(before.total, after.total);
  ASSERT_EQ(before.rows.size(), after.rows.size());
  for (size_t i = 0; i < before.rows.size(); ++i) {
    EXPECT_EQ(before.rows[i].name, after.rows[i].name);
    EXPECT_EQ(before.rows[i].flat, after.rows[i].flat);
    EXPECT_EQ(before.rows[i].cum, after.rows[i].cum);
  }
  // The whole report builds too.
  Report r = AnalyzeProfile(*p, path, idx, ViewOptions{}, AnalyzeOptions{});
  EXPECT_EQ(r.kind, "pprof");
}

TEST(PprofConformance, SharedCorpusReadsAndRoundTrips) {
  GODX_REQUIRE_SHARED(shared);
  size_t ok = 0;
  auto files = Files(shared + "/corpus/pprof");
  ASSERT_GE(files.size(), 60u);
  for (const auto& f : files) CheckNoCrashAndRoundTrip(f, &ok);
  EXPECT_GE(ok, 60u);  // all but debug=2 and one fuzz input
}

TEST(PprofConformance, FixturesReadAndRoundTrip) {
  size_t ok = 0;
  auto files = Files(testing::TestData("pprof"));
  ASSERT_GE(files.size(), 13u);
  // goroutineleak?debug=2 fixtures are goroutine dumps (godx stacks reads them): pprof, like
  // `go tool pprof`, rejects them cleanly.
  size_t dumps = 0;
  for (const auto& f : files) {
    CheckNoCrashAndRoundTrip(f, &ok);
    if (f.ends_with(".debug2.txt")) ++dumps;
  }
  EXPECT_EQ(ok, files.size() - dumps);
}

// Truncated input is normal: parse what is there or fail with a clear message, never crash.
TEST(PprofConformance, EveryCutOfSmallFixturesIsHandled) {
  size_t cuts = 0;
  for (const auto& f : Files(testing::TestData("pprof"))) {
    auto input = Input::Open(f);
    ASSERT_TRUE(input.ok());
    std::string data(input->data());
    if (data.size() > 16 * 1024) continue;
    SCOPED_TRACE(f);
    for (size_t n = 0; n < data.size(); ++n) {
      auto p = ReadProfile("cut", std::string_view(data).substr(0, n), {});
      if (p.ok()) {
        if (!p->sample_types.empty()) (void)ComputeTop(*p, p->DefaultSampleIndex(), false);
      } else {
        EXPECT_EQ(p.status().message().rfind("cut", 0), 0u);
      }
      ++cuts;
    }
  }
  EXPECT_GT(cuts, 5000u);
}

}  // namespace
}  // namespace godx::pprof
