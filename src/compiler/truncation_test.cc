// Truncated input is normal (a build killed mid-way, a log cut by a pager): every prefix of each
// small fixture must parse, or fail cleanly, without crashing.
#include <gtest/gtest.h>

#include "compiler/analyze.h"
#include "compiler/asm_analyze.h"
#include "compiler/asm_reader.h"
#include "compiler/reader.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

TEST(CompilerTruncation, EscapeTextPrefixesParse) {
  for (const char* fixture : {"compiler/go1.19-escapes-m1.txt", "compiler/go1.19-escapes-m2.txt"}) {
    std::string all = ReadFile(TestData(fixture));
    ASSERT_FALSE(all.empty());
    size_t parsed = 0;
    for (size_t cut = 0; cut <= all.size(); ++cut) {
      Input in = InputFromString("cut", all.substr(0, cut));
      auto b = ReadEscapeText(in);
      if (!b.ok()) continue;
      ++parsed;
      for (const auto& e : b->explanations) (void)ParseExplanation(*b, e);
      if (all.size() < 8000) (void)AnalyzeEscapes(*b, "cut");
    }
    // Everything from the first complete diagnostic line on parses.
    EXPECT_GT(parsed, all.size() * 9 / 10) << fixture;
  }
}

TEST(CompilerTruncation, EscapeJsonPrefixesParse) {
  std::string all = ReadFile(TestData("compiler/go1.19-escapes-json/main/checks.json"));
  ASSERT_FALSE(all.empty());
  size_t ok = 0;
  for (size_t cut = 0; cut <= all.size(); ++cut) {
    EscapeBuild b;
    if (!ReadEscapeJsonFile(InputFromString("cut", all.substr(0, cut)), "m", &b).ok()) continue;
    ++ok;
    FinishBuild(&b);
    (void)AnalyzeEscapes(b, "cut");
  }
  EXPECT_GT(ok, all.size() / 2);
}

TEST(CompilerTruncation, ListingPrefixesParse) {
  for (const char* fixture :
       {"compiler/go1.19-boundspanic-objdump.txt", "compiler/go1.19-boundspanic-S.txt"}) {
    std::string all = ReadFile(TestData(fixture));
    ASSERT_FALSE(all.empty());
    size_t parsed = 0;
    for (size_t cut = 0; cut <= all.size(); ++cut) {
      Input in = InputFromString("cut", all.substr(0, cut));
      auto l = ReadListing(in);
      if (!l.ok()) continue;
      ++parsed;
      (void)ResolveReturnAddress(*l, "main.(*table).lookup+0x33");
      if (all.size() < 8000) (void)AnalyzeListing(*l, "cut");
    }
    EXPECT_GT(parsed, all.size() / 2) << fixture;
  }
}

}  // namespace
}  // namespace godx::compiler
