#include "core/scanner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

namespace godx {
namespace {

TEST(Scanner, ParsesDecimalsAsTheRuntimePrintsThem) {
  for (auto [text, want] : {std::pair{"0.012", 0.012}, {"1.2", 1.2}, {"0", 0.0}, {"58", 58.0},
                            {"1390", 1390.0}}) {
    Scanner s(text);
    double v = -1;
    ASSERT_TRUE(s.Decimal(&v)) << text;
    EXPECT_DOUBLE_EQ(v, want) << text;
    EXPECT_TRUE(s.AtEnd());
  }
}

TEST(Scanner, DecimalStopsAtTheFirstNonDigit) {
  Scanner s("0.45+2.3");
  double v;
  ASSERT_TRUE(s.Decimal(&v));
  EXPECT_EQ(s.Peek(), '+');
}

TEST(Scanner, FailedReadsLeaveThePositionAlone) {
  Scanner s("abc");
  uint64_t u;
  double d;
  EXPECT_FALSE(s.Uint(&u));
  EXPECT_FALSE(s.Decimal(&d));
  EXPECT_FALSE(s.Literal("abd"));
  EXPECT_EQ(s.Rest(), "abc");
}

TEST(Scanner, UintRejectsOverflow) {
  Scanner s("99999999999999999999999");
  uint64_t u;
  EXPECT_FALSE(s.Uint(&u));
}

TEST(Scanner, IntAndHex) {
  Scanner s("-1 0x4ded80");
  int64_t i;
  uint64_t h;
  ASSERT_TRUE(s.Int(&i));
  EXPECT_EQ(i, -1);
  s.SkipSpaces();
  ASSERT_TRUE(s.Hex(&h));
  EXPECT_EQ(h, 0x4ded80u);
}

TEST(Scanner, UntilAndWord) {
  Scanner s("status=4(chan receive) m=-1");
  EXPECT_EQ(s.Until('('), "status=4");
  s.Char('(');
  EXPECT_EQ(s.Until(')'), "chan receive");
  s.Char(')');
  s.SkipSpaces();
  EXPECT_EQ(s.Word(), "m=-1");
}

}  // namespace
}  // namespace godx

namespace godx {
namespace {

TEST(Scanner, DecimalEdgeCases) {
  double v = -1;
  Scanner dot("5.");
  ASSERT_TRUE(dot.Decimal(&v));
  EXPECT_EQ(v, 5);
  EXPECT_EQ(dot.Rest(), ".");  // a point without digits is not part of the number
  Scanner huge("123456789012345678901234567890.5x");
  ASSERT_TRUE(huge.Decimal(&v));
  EXPECT_NEAR(v, 1.2345678901234568e29, 1e15);
  EXPECT_EQ(huge.Rest(), "x");
  Scanner longfrac("0.1234567890123456789012345");
  ASSERT_TRUE(longfrac.Decimal(&v));
  EXPECT_NEAR(v, 0.12345678901234568, 1e-15);
  EXPECT_TRUE(longfrac.AtEnd());
}

}  // namespace
}  // namespace godx

namespace godx {
namespace {

// Uint and Decimal against a plain reference (a digit loop, strtod) on random digit runs, for
// every length and terminator (including bytes just below '0' and just above '9').
TEST(Scanner, NumbersAgreeWithAReference) {
  uint64_t seed = 42;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned>(seed >> 33);
  };
  const std::string others = "./+: -\x7f\x00\xff/:A";
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    size_t len = next() % 24;
    for (size_t i = 0; i < len; ++i) {
      unsigned r = next() % 16;
      if (r < 11 || i == 0) text.push_back(static_cast<char>('0' + next() % 10));
      else if (r == 11) text.push_back('.');
      else text.push_back(others[next() % others.size()]);
    }
    // The reference: one digit at a time.
    size_t n = 0;
    uint64_t want_u = 0;
    bool overflow = false;
    while (n < text.size() && text[n] >= '0' && text[n] <= '9') {
      overflow |= __builtin_mul_overflow(want_u, 10, &want_u) ||
                  __builtin_add_overflow(want_u, uint64_t(text[n] - '0'), &want_u);
      ++n;
    }
    Scanner su(text);
    uint64_t got_u = 0;
    bool ok = su.Uint(&got_u);
    ASSERT_EQ(ok, n > 0 && !overflow) << text;
    if (ok) {
      EXPECT_EQ(got_u, want_u) << text;
      EXPECT_EQ(su.Consumed(text), n) << text;
    }
    // The decimal: the integer digits, then "." and digits if there are any; its value per strtod.
    size_t m = n;
    if (n > 0 && m + 1 < text.size() && text[m] == '.' && text[m + 1] >= '0' && text[m + 1] <= '9') {
      for (++m; m < text.size() && text[m] >= '0' && text[m] <= '9';) ++m;
    }
    double want_d = std::strtod(text.substr(0, m).c_str(), nullptr);
    Scanner sd(text);
    double got_d = -1;
    ASSERT_EQ(sd.Decimal(&got_d), n > 0) << text;
    if (n > 0) {
      EXPECT_NEAR(got_d, want_d, 1e-12 * std::max(1.0, want_d)) << text;
      EXPECT_EQ(sd.Consumed(text), m) << text;
    }
  }
}

}  // namespace
}  // namespace godx
