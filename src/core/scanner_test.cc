#include "core/scanner.h"

#include <gtest/gtest.h>

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
