// Conformance over ../shared/corpus/trace/ (MANIFEST.txt lists where each file comes from). Every
// expectation is decided by reading through the real ordering (order.h for the new format,
// order_v1.h for the old), which fails on any event that cannot be ordered or contradicts the
// goroutine/P/GC state:
//  - v1-binary/golang-go-testdata (Go's own parser tests): all 27 `_good` files must order and
//    pass Go's consistency checks (sequence-number merge for go 1.7+, sequence sort for go 1.5),
//    with goroutine transitions handed out; `stress_1_5_unordered` must fail the go 1.5 time-order
//    check. (The corpus holds no `_bad` file.)
//  - v1-binary/felixge-traceutils, v2-binary/felixge-traceutils: real traces that must order;
//  - v2-text/golang-exp-tests/*.test: all 22 expectations (`-- expect --`: SUCCESS or FAILURE
//    "re"), checked on the corpus's wire-format conversion of the same test in
//    v2-binary/derived-from-golang-exp-tests/: the 20 SUCCESS cases must order completely (every
//    event handed out, in strictly increasing time), the 2 FAILURE cases must fail with upstream's
//    message ("expected a proc but didn't have one");
//  - fuzz/*.decoded: fuzzer seeds; each must read or fail with one line, never crash.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/testing.h"
#include "trace/reader.h"
#include "trace/summary.h"

namespace godx::trace {
namespace {

namespace fs = std::filesystem;
using godx::testing::ReadFile;

// What the ordering handed out: strictly increasing times, and how many state transitions.
struct OrderCheck : EventSink {
  void OnEvent(const Event& e) override {
    if (any && e.time_ns <= last) increasing = false;
    if (any && e.time_ns < last) nondecreasing = false;
    any = true;
    last = e.time_ns;
    if (e.transition.is_go()) ++go_transitions;
  }
  bool any = false, increasing = true, nondecreasing = true;
  int64_t last = 0;
  uint64_t go_transitions = 0;
};

struct Reading {
  Result<TraceInfo> info = Status::Error("unread");
  TraceSummary summary;
  OrderCheck order;
};

Reading Read(const std::string& path) {
  SummaryBuilder b;
  Reading r;
  struct Both : EventSink {
    EventSink *a, *b;
    void OnGeneration(const Generation& g) override { a->OnGeneration(g); b->OnGeneration(g); }
    void OnEvent(const Event& e) override { a->OnEvent(e); b->OnEvent(e); }
  } both;
  both.a = &b;
  both.b = &r.order;
  const std::string trace_bytes = ReadFile(path);
  r.info = ReadTraceBytes(trace_bytes, fs::path(path).filename().string(), both);
  r.summary = b.Finish();
  return r;
}

std::vector<fs::path> Files(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(),
                                                suffix) == 0;
}

TEST(TraceConformance, GoParserTestdata) {
  GODX_REQUIRE_SHARED(shared);
  const auto files = Files(shared + "/corpus/trace/v1-binary/golang-go-testdata");
  ASSERT_EQ(files.size(), 28u);
  size_t good = 0;
  for (const fs::path& f : files) {
    const std::string name = f.filename().string();
    SCOPED_TRACE(name);
    Reading r = Read(f.string());
    if (EndsWith(name, "_good")) {
      ASSERT_TRUE(r.info.ok()) << r.info.status().message();
      EXPECT_EQ(r.info->cut, "");
      EXPECT_GT(r.summary.events, 0u);
      EXPECT_GT(r.summary.last_ns, r.summary.first_ns);
      EXPECT_FALSE(r.info->new_format);
      EXPECT_EQ(r.info->pcs_only, name.find("_1_5_") != std::string::npos);
      // Ordered: times never go backwards, and goroutines changed state.
      EXPECT_TRUE(r.order.nondecreasing);
      EXPECT_GT(r.order.go_transitions, 0u);
      ++good;
    } else {
      ASSERT_TRUE(EndsWith(name, "_unordered")) << "unknown expectation";
      ASSERT_FALSE(r.info.ok());
      EXPECT_NE(r.info.status().message().find("events out of time order"), std::string::npos)
          << r.info.status().message();
    }
  }
  EXPECT_EQ(good, 27u);
}

TEST(TraceConformance, RealThirdPartyTraces) {
  GODX_REQUIRE_SHARED(shared);
  size_t n = 0;
  for (const char* dir : {"/corpus/trace/v1-binary/felixge-traceutils",
                          "/corpus/trace/v2-binary/felixge-traceutils"}) {
    for (const fs::path& f : Files(shared + dir)) {
      SCOPED_TRACE(f.string());
      Reading r = Read(f.string());
      ASSERT_TRUE(r.info.ok()) << r.info.status().message();
      EXPECT_EQ(r.info->cut, "");
      EXPECT_GT(r.summary.events, 0u);
      ++n;
    }
  }
  EXPECT_EQ(n, 7u);
}

// The corpus's only real Go 1.25 trace: one generation with a clock snapshot, and 40 CPU samples
// (counted independently in ../shared/reference/trace.md).
TEST(TraceConformance, Go125TraceHasItsSyncBatchAndSamples) {
  GODX_REQUIRE_SHARED(shared);
  Reading r = Read(shared + "/corpus/trace/v2-binary/felixge-traceutils/"
                            "go1.25-test-encoding-json.trace");
  ASSERT_TRUE(r.info.ok()) << r.info.status().message();
  EXPECT_EQ(r.info->header_minor, 25);
  EXPECT_EQ(r.info->generations, 1u);
  EXPECT_TRUE(r.info->clock_snapshots);
  EXPECT_FALSE(r.info->end_markers);
  EXPECT_EQ(r.summary.cpu_samples, 40u);
}

// "-- expect --" of a txtar .test file: "SUCCESS" or `FAILURE "regex"`.
std::string Expectation(const std::string& text) {
  const std::string marker = "-- expect --\n";
  size_t at = text.find(marker);
  if (at == std::string::npos) return "";
  at += marker.size();
  return text.substr(at, text.find('\n', at) - at);
}

TEST(TraceConformance, GolangExpTextTests) {
  GODX_REQUIRE_SHARED(shared);
  const auto tests = Files(shared + "/corpus/trace/v2-text/golang-exp-tests");
  ASSERT_EQ(tests.size(), 22u);
  size_t failures = 0, successes = 0;
  for (const fs::path& t : tests) {
    SCOPED_TRACE(t.filename().string());
    const std::string expect = Expectation(ReadFile(t.string()));
    const std::string binary = shared + "/corpus/trace/v2-binary/derived-from-golang-exp-tests/" +
                               t.stem().string() + ".trace";
    Reading r = Read(binary);
    if (expect == "SUCCESS") {
      EXPECT_TRUE(r.info.ok()) << r.info.status().message();
      EXPECT_TRUE(r.order.increasing);
      EXPECT_GT(r.summary.events, 0u);
      ++successes;
      continue;
    }
    ASSERT_EQ(expect.rfind("FAILURE \"", 0), 0u) << expect;
    // The regexes of these tests are a literal message, optionally wrapped in ".*".
    std::string want = expect.substr(9, expect.size() - 10);
    if (want.rfind(".*", 0) == 0) want = want.substr(2);
    if (EndsWith(want, ".*")) want.resize(want.size() - 2);
    ASSERT_FALSE(r.info.ok()) << "expected failure: " << want;
    EXPECT_NE(r.info.status().message().find(want), std::string::npos)
        << r.info.status().message();
    ++failures;
  }
  EXPECT_EQ(failures, 2u);
  EXPECT_EQ(successes, 20u);
}

TEST(TraceConformance, FuzzSeedsNeverCrash) {
  GODX_REQUIRE_SHARED(shared);
  size_t n = 0;
  for (const char* dir : {"/corpus/trace/fuzz/golang-exp-FuzzReader.decoded",
                          "/corpus/trace/fuzz/gotraceui-FuzzLoadTrace.decoded"}) {
    for (const fs::path& f : Files(shared + dir)) {
      SCOPED_TRACE(f.string());
      Reading r = Read(f.string());
      if (!r.info.ok()) {
        const std::string& m = r.info.status().message();
        EXPECT_NE(m.find(": offset "), std::string::npos) << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
      }
      ++n;
    }
  }
  EXPECT_GT(n, 20u);
}

}  // namespace
}  // namespace godx::trace
