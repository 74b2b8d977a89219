#include "gclog/common_line.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/line_cursor.h"
#include "gclog/reader.h"
#include "testing/testing.h"

namespace godx::gclog {
namespace {

// Runs the fast path on `line` as its contract wants it: '\n' after the line, 16 more bytes.
const char* Fast(std::string_view line, GcCycle* c, std::vector<char>* buf) {
  buf->assign(line.size() + 17, 'x');
  std::memcpy(buf->data(), line.data(), line.size());
  (*buf)[line.size()] = '\n';
  return ParseCommonGcLine(buf->data(), c);
}

struct Agreement {
  size_t lines = 0, accepted = 0, modern = 0;
};

// Every "gc" line of `text`: where the fast path accepts, ParseGcLine gives the same record.
Agreement Check(const std::string& name, const std::string& text) {
  Agreement a;
  LineCursor lines(text);
  std::string_view line;
  std::vector<char> buf;
  while (lines.Next(&line)) {
    if (line.substr(0, 2) != "gc") continue;
    ++a.lines;
    auto general = ParseGcLine(line);
    if (general && general->format >= GcFormat::kGo16) ++a.modern;
    GcCycle fast;
    const char* stop = Fast(line, &fast, &buf);
    if (stop == nullptr) continue;
    ++a.accepted;
    EXPECT_LE(stop, buf.data() + line.size()) << name << ":" << lines.line_number();
    EXPECT_TRUE(general.has_value()) << name << ":" << lines.line_number() << ": " << line;
    if (general) {
      EXPECT_TRUE(fast == *general) << name << ":" << lines.line_number() << ": " << line;
    }
  }
  return a;
}

// The fixtures are real Go 1.19 output: the fast path takes every one of their GC lines.
TEST(CommonGcLine, TakesEveryModernLineOfTheFixturesAndAgrees) {
  size_t total = 0;
  for (const char* dir : {"gclog", "samples", "live"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(godx::testing::TestData(dir))) {
      if (!entry.is_regular_file()) continue;
      std::string text = godx::testing::ReadFile(entry.path().string());
      Agreement a = Check(entry.path().string(), text);
      // Shredded records are whole only once rejoined (the reader does that), so count only
      // the lines ParseGcLine reads on their own.
      EXPECT_EQ(a.accepted, a.modern) << entry.path();
      total += a.accepted;
    }
  }
  EXPECT_GT(total, 1000u);
}

// The Go 1.5 corpus log: five clock phases and seven cpu values are not the common line, so the
// fast path declines every one (and ParseGcLine reads them).
TEST(CommonGcLine, DeclinesGo15Lines) {
  GODX_REQUIRE_SHARED(shared);
  std::string text =
      godx::testing::ReadFile(shared + "/corpus/dumps/gcvis_gctrace_go15_stderr.log");
  Agreement a = Check("go15", text);
  EXPECT_GT(a.lines, 100u);
  EXPECT_EQ(a.accepted, 0u);
}

TEST(CommonGcLine, DeclinesWhatIsNotTheCommonLine) {
  std::vector<char> buf;
  GcCycle c;
  for (const char* line : {
           // Go 1.4, Go 1.5 and its development builds: other eras.
           "gc76(1): 2+1+1390+1 us, 1 -> 3 MB, 16397 (1015746-999349) objects",
           "gc 1 @0.166s 0%: 0.22+2.3+0.074+0.76+0.56 ms clock, 0.45+2.3+0+0.55/0.59/0+1.1 ms cpu, "
           "5->5->1 MB, 4 MB goal, 4 P",
           "gc #1 @0.296s 0%: 0+0+0+58+0 ms clock, 0+0+0+0/0/0+0 ms cpu, 4->262->262 MB, 1 P",
           // Numbers too long to read exactly: left to the general parser.
           "gc 123456789012345678901 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 "
           "ms cpu, 4->4->0 MB, 5 MB goal, 4 P",
           // Cut short, or not a record.
           "gc 1 @0.073s 0%: 0.036+0.73+0.019 ms clock, 0.14+0.72/0.46/0+0.076 ms cpu, 4->4->0 MB, "
           "5",
           "gc 3 items collected",
           "gc 1 @0.1s 0%: 1+2 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, 1 P",
       }) {
    EXPECT_EQ(Fast(line, &c, &buf), nullptr) << line;
  }
}

TEST(CommonGcLine, ReadsForcedAndStopsAtTheRecordsEnd) {
  const std::string line =
      "gc 1 @3.003s 0%: 0.012+0.15+0.003 ms clock, 0.29+0/0.16/0+0.074 ms cpu, 4->4->4 MB, 4 MB "
      "goal, 0 MB stacks, 0 MB globals, 24 P (forced) trailing words";
  std::vector<char> buf;
  GcCycle c;
  const char* stop = Fast(line, &c, &buf);
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(std::string(stop, static_cast<size_t>(buf.data() + line.size() - stop)),
            " trailing words");
  EXPECT_TRUE(c.forced);
  EXPECT_EQ(c.format, GcFormat::kGo118);
  EXPECT_EQ(c.procs, 24);
  EXPECT_TRUE(c == *ParseGcLine(line));
}

}  // namespace
}  // namespace godx::gclog
