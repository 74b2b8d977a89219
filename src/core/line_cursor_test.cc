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

// A caller that found the end of a line itself takes it without a search, and the count and
// offsets go on as if Next had read it.
TEST(LineCursor, TakesALineWhoseEndTheCallerFound) {
  LineCursor c("ab\ncd\nef");
  c.Take(2);
  EXPECT_EQ(c.line_number(), 1u);
  EXPECT_EQ(c.offset(), 3u);
  std::string_view l;
  ASSERT_TRUE(c.Next(&l));
  EXPECT_EQ(l, "cd");
  c.Take(8);  // the last line, which has no '\n': its end is the end of the data
  EXPECT_EQ(c.line_number(), 3u);
  EXPECT_EQ(c.line_offset(), 6u);
  EXPECT_FALSE(c.Next(&l));
}

TEST(LineCursor, EmptyInputHasNoLines) { EXPECT_TRUE(All("").empty()); }

}  // namespace
}  // namespace godx
