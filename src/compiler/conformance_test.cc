// Real captures. (1) The summary counts of -m=2 output from real packages (net/url and
// encoding/csv of Go 1.19's standard library, testdata/gen/escapes) equal counts made here
// independently with plain string handling: distinct "file:line:col" prefixes per message kind.
// (2) The shared corpus (../shared/corpus: traces, profiles, goroutine dumps) holds no compiler
// output: neither sniffer may claim any of it, and both readers must reject it cleanly.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "compiler/analyze.h"
#include "compiler/asm_reader.h"
#include "compiler/reader.h"
#include "core/signal.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

struct IndependentCounts {
  std::set<std::string> moved, escapes, can, cannot;
};

// Splits at the first ": " and looks only at the message; no shared code with the reader.
IndependentCounts Count(const std::string& text) {
  IndependentCounts c;
  std::istringstream in(text);
  std::string line, pkg;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      pkg = line.substr(2);
      continue;
    }
    size_t at = line.find(": ");
    if (at == std::string::npos) continue;
    std::string pos = line.substr(0, at), msg = line.substr(at + 2);
    auto ends = [&](const std::string& s) {
      return msg.size() >= s.size() && msg.compare(msg.size() - s.size(), s.size(), s) == 0;
    };
    if (msg.rfind("moved to heap: ", 0) == 0)
      c.moved.insert(pos);
    else if (ends(" escapes to heap"))
      c.escapes.insert(pos);
    else if (msg.rfind("can inline ", 0) == 0) {
      std::string name = msg.substr(11);
      name = name.substr(0, name.find(' '));
      c.can.insert(pkg + " " + name);
    } else if (msg.rfind("cannot inline ", 0) == 0) {
      std::string name = msg.substr(14);
      name = name.substr(0, name.find(": "));
      if (name.find(" into ") == std::string::npos) c.cannot.insert(pkg + " " + name);
    }
  }
  return c;
}

class EscapeConformance : public ::testing::TestWithParam<const char*> {};

TEST_P(EscapeConformance, SummaryMatchesIndependentCounts) {
  std::string text = ReadFile(TestData(std::string("compiler/") + GetParam()));
  ASSERT_FALSE(text.empty());
  IndependentCounts want = Count(text);
  Input in = InputFromString(GetParam(), text);
  auto b = ReadEscapeText(in);
  ASSERT_TRUE(b.ok()) << b.status().message();
  Report r = AnalyzeEscapes(*b, GetParam());
  EXPECT_EQ(r.summary["moved_to_heap"], want.moved.size());
  EXPECT_EQ(r.summary["escapes_to_heap"], want.escapes.size());
  EXPECT_EQ(r.summary["inlinable_functions"], want.can.size());
  EXPECT_EQ(r.summary["not_inlinable_functions"], want.cannot.size());
  EXPECT_GT(want.escapes.size() + want.moved.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Go119, EscapeConformance,
                         ::testing::Values("go1.19-escapes-m2.txt", "go1.19-escapes-m1.txt",
                                           "go1.19-escapesnew-m2.txt", "go1.19-net-url-m2.txt",
                                           "go1.19-encoding-csv-m2.txt",
                                           "go1.19-encoding-csv-m1.txt"));

TEST(EscapeConformance, NetUrlExplanationsAttachToEveryHeapValue) {
  std::string text = ReadFile(TestData("compiler/go1.19-net-url-m2.txt"));
  Input in = InputFromString("net/url", text);
  auto b = ReadEscapeText(in);
  ASSERT_TRUE(b.ok());
  size_t heap = 0, explained = 0;
  for (const auto& d : b->diagnostics) {
    if (d.kind != DiagKind::kMovedToHeap && d.kind != DiagKind::kEscapesToHeap) continue;
    ++heap;
    if (d.explanation != kNoExplanation) {
      ++explained;
      EXPECT_FALSE(ParseExplanation(*b, b->explanations[d.explanation]).empty());
    }
  }
  EXPECT_GT(heap, 0u);
  EXPECT_EQ(explained, heap);  // -m=2 explains every heap value it reports
}

TEST(CompilerCorpus, SharedCapturesAreNotClaimedAndFailCleanly) {
  GODX_REQUIRE_SHARED(shared);
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(shared + "/corpus")) {
    if (!e.is_regular_file()) continue;
    ++files;
    auto in = Input::Open(e.path().string());
    if (!in.ok()) continue;
    std::string_view head = in->data().substr(0, 1 << 20);
    EXPECT_LT(SniffEscapeText(head), kPresent) << e.path();
    EXPECT_LT(SniffListing(head), kPresent) << e.path();
    auto b = ReadEscapeText(*in);
    if (b.ok()) (void)AnalyzeEscapes(*b, "corpus");
    auto l = ReadListing(*in);
    if (l.ok()) (void)ResolveReturnAddress(*l, "main.main+0x10");
  }
  EXPECT_GT(files, 0u);
}

// Goroutine dumps in the shared corpus: every "\tFILE:LINE +0xOFF" line that follows a
// function call line (not "created by") is one frame.
TEST(CompilerCorpus, TracebackFramesMatchAnIndependentCount) {
  GODX_REQUIRE_SHARED(shared);
  size_t dumps = 0;
  for (const auto& e : std::filesystem::directory_iterator(shared + "/corpus/dumps")) {
    if (!e.is_regular_file() || e.path().filename() == "MANIFEST.txt") continue;
    std::string text = ReadFile(e.path().string());
    std::istringstream in(text);
    std::string line, prev;
    size_t want = 0;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("\t", 0) == 0 && line.find(" +0x") != std::string::npos && !prev.empty() &&
          prev[0] != '\t' && prev.rfind("created by ", 0) != 0 && prev.back() == ')')
        ++want;
      prev = line;
    }
    auto frames = ParseTracebackFrames(text);
    EXPECT_EQ(frames.size(), want) << e.path();
    if (want > 0) ++dumps;
  }
  EXPECT_GT(dumps, 0u);
}

}  // namespace
}  // namespace godx::compiler
