// Conformance over real third-party captures in ../shared/corpus (skipped visibly when absent).
#include <gtest/gtest.h>

#include "core/line_cursor.h"
#include "core/scanner.h"
#include "gclog/reader.h"
#include "live/goroutine_profile.h"
#include "live/runner.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::ReadFile;

// The total on the first line equals the sum of the bucket counts ("N @ 0x...") below it.
TEST(LiveCorpus, GoroutineTotalMatchesItsBuckets) {
  GODX_REQUIRE_SHARED(shared);
  std::string text = ReadFile(shared + "/corpus/pprof/generated-go1.19/goroutine.debug1.txt");
  auto total = GoroutineTotal(text);
  ASSERT_TRUE(total.has_value());
  LineCursor lines(text);
  std::string_view line;
  uint64_t sum = 0;
  while (lines.Next(&line)) {
    Scanner s(line);
    uint64_t n;
    if (s.Uint(&n) && s.Literal(" @ ")) sum += n;
  }
  EXPECT_EQ(*total, sum);
  EXPECT_GT(sum, 0u);
}

// A real Go 1.5 gctrace log (gcvis) replayed on a program's stderr: `godx run` classifies every
// gc line as a runtime line and parses each one live, as many as the gctrace reader finds
// reading the whole file.
TEST(LiveCorpus, RunParsesARealGcTraceLive) {
  GODX_REQUIRE_SHARED(shared);
  std::string path = shared + "/corpus/dumps/gcvis_gctrace_go15_stderr.log";
  RunOptions o;
  o.argv = {"/bin/sh", "-c", "cat \"$0\" >&2", path};
  o.quiet_runtime = true;
  auto r = RunProgram(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto input = Input::Open(path);
  ASSERT_TRUE(input.ok());
  auto trace = gclog::ReadGcTrace(*input);
  ASSERT_TRUE(trace.ok()) << trace.status().message();
  EXPECT_EQ(r->gc_cycles, trace->series.size());
  EXPECT_GE(r->runtime_lines, trace->series.size());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_FALSE(r->Crashed());
}

// The race report starts a traceback at its "WARNING: DATA RACE" line (line 4 of the file).
TEST(LiveCorpus, RaceReportStartsATraceback) {
  GODX_REQUIRE_SHARED(shared);
  std::string text = ReadFile(shared + "/corpus/dumps/panicparse_panic_race_da0aba9f.txt");
  LineCursor lines(text);
  std::string_view line;
  uint64_t first = 0;
  while (lines.Next(&line) && first == 0) {
    if (StartsTraceback(line)) first = lines.line_number();
  }
  EXPECT_EQ(first, 4u);
}

}  // namespace
}  // namespace godx::live
