#include "core/line_cursor.h"

#include <vector>

#include <gtest/gtest.h>

namespace godx {
namespace {

std::vector<std::string_view> All(std::string_view s) {
  LineCursor c(s);
  std::vector<std::string_view> out;
  std::string_view l;
  while (c.Next(&l)) out.push_back(l);
  return out;
}

TEST(LineCursor, SplitsOnNewlinesAndStripsCarriageReturns) {
  auto v = All("a\r\nbb\n\nccc");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v[1], "bb");
  EXPECT_EQ(v[2], "");
  EXPECT_EQ(v[3], "ccc");
}

TEST(LineCursor, CountsLinesAndOffsets) {
  LineCursor c("ab\ncd\n");
  std::string_view l;
  ASSERT_TRUE(c.Next(&l));
  ASSERT_TRUE(c.Next(&l));
  EXPECT_EQ(l, "cd");
  EXPECT_EQ(c.line_number(), 2u);
  EXPECT_EQ(c.line_offset(), 3u);
  EXPECT_FALSE(c.Next(&l));
}

TEST(LineCursor, EmptyInputHasNoLines) { EXPECT_TRUE(All("").empty()); }

}  // namespace
}  // namespace godx
