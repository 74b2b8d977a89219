#include "core/text.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(Text, BinaryDetection) {
  EXPECT_FALSE(LooksBinary("gc 1 @0.001s 0%: ...\nplain text\n"));
  EXPECT_TRUE(LooksBinary(std::string("\x1f\x8b\x08\x00\x00", 5)));
  EXPECT_TRUE(LooksBinary(std::string("abc\0def", 7)));
}

TEST(Text, FindMarkerAtStartAfterPrefixOrNowhere) {
  EXPECT_EQ(FindMarker("SCHED 0ms: x", "SCHED "), 0u);
  EXPECT_EQ(FindMarker("2024-05-01T10:00:00Z app: SCHED 0ms", "SCHED "), 26u);
  EXPECT_EQ(FindMarker("xSCHED 0ms", "SCHED "), std::string_view::npos);
  EXPECT_EQ(FindMarker("nothing here", "SCHED "), std::string_view::npos);
}

TEST(Text, FirstLineIsCut) {
  EXPECT_EQ(FirstLine("abc\r\ndef"), "abc");
  EXPECT_EQ(FirstLine("abcdef", 3), "abc");
}

}  // namespace
}  // namespace godx

namespace godx {
namespace {

TEST(FindText, FindsTheFirstOccurrenceLikeFind) {
  std::string text = "a: x escapes to heap:\nb: y escapes to heap in F:\n";
  for (std::string_view needle : {" escapes to heap in ", " escapes to heap:\n", "a", "\n", "zz",
                                  "F:\n", "a: x escapes to heap:\nb: y escapes to heap in F:\n!"}) {
    EXPECT_EQ(FindText(text, needle), std::string_view(text).find(needle)) << needle;
  }
  EXPECT_EQ(FindText(text, ""), 0u);
  EXPECT_EQ(FindText("", "x"), std::string_view::npos);
}

}  // namespace
}  // namespace godx

namespace godx {
namespace {

TEST(AppendUtf8, EncodesEveryLength) {
  std::string out;
  for (uint32_t cp : {0x41u, 0xe9u, 0x2190u, 0x1f600u}) AppendUtf8(cp, &out);
  EXPECT_EQ(out, "A\xc3\xa9\xe2\x86\x90\xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace godx
