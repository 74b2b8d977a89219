// Every fixture cut at every byte offset (larger ones at a stride) parses without crashing, never
// finds more goroutines than the whole file, and says it was cut when the cut falls inside a
// goroutine's line.
#include <gtest/gtest.h>

#include <filesystem>

#include "stacks/analyze.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

constexpr size_t kEveryByteUpTo = 16 << 10;

void CutEverywhere(const std::string& path) {
  std::string whole = godx::testing::ReadFile(path);
  Input full_in = godx::testing::InputFromString("full", whole);
  auto full = ReadDump(full_in);
  ASSERT_TRUE(full.ok()) << path << ": " << full.status().message();
  size_t stride = whole.size() <= kEveryByteUpTo ? 1 : whole.size() / 2048 + 1;
  size_t flagged = 0, mid_line = 0;
  for (size_t cut = 0; cut < whole.size(); cut += stride) {
    std::string prefix = whole.substr(0, cut);
    DumpParser p("cut", {});
    size_t start = 0;
    while (start < prefix.size()) {
      size_t nl = prefix.find('\n', start);
      if (nl == std::string::npos) {
        p.CutLine(std::string_view(prefix).substr(start));
        break;
      }
      p.Line(std::string_view(prefix).substr(start, nl - start));
      start = nl + 1;
    }
    bool newline = prefix.empty() || prefix.back() == '\n';
    p.Finish(newline, prefix.size());
    Dump d = p.Take();
    ASSERT_LE(d.goroutines, full->goroutines) << path << " cut at " << cut;
    (void)AnalyzeDump(d);
    // A cut inside a goroutine's frames must be reported.
    size_t line_start = prefix.rfind('\n');
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    size_t last_header = prefix.rfind("\ngoroutine ");
    size_t last_blank = prefix.rfind("\n\n");
    bool in_goroutine = last_header != std::string::npos &&
                        (last_blank == std::string::npos || last_blank < last_header) &&
                        line_start > last_header + 1;
    // The whole line the cut falls in must be one of the goroutine's frame lines.
    size_t line_end = whole.find('\n', cut);
    std::string_view full_line(
        whole.data() + line_start,
        (line_end == std::string::npos ? whole.size() : line_end) - line_start);
    CallLine call;
    bool frame_line = !full_line.empty() &&
                      (full_line.front() == '\t' || full_line.substr(0, 11) == "created by " ||
                       ParseCallLine(full_line, &call));
    if (!newline && in_goroutine && frame_line && !d.debug1) {
      ++mid_line;
      flagged += d.truncated;
    }
  }
  EXPECT_EQ(flagged, mid_line) << path;
}

TEST(StacksTruncation, FixturesCutAtEveryOffset) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(godx::testing::TestData("stacks"))) {
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    SCOPED_TRACE(e.path().string());
    CutEverywhere(e.path().string());
    ++n;
  }
  EXPECT_GE(n, 10u);
}

TEST(StacksTruncation, CorpusCutAtEveryOffset) {
  GODX_REQUIRE_SHARED(shared);
  for (const char* name : {"panicparse_panicweb_pprof_goroutine_debug2_da0aba9f.txt",
                           "panicparse_panic_race_da0aba9f.txt", "goleak_http.txt",
                           "goleak_http.go1.20.txt", "goleak_http.tracebackancestors.txt"}) {
    SCOPED_TRACE(name);
    CutEverywhere(shared + "/corpus/dumps/" + name);
  }
}

}  // namespace
}  // namespace godx::stacks
