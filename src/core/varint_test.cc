#include "core/varint.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(Varint, DecodesOneAndManyBytes) {
  std::string data("\x05\xac\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 13);
  size_t pos = 0;
  uint64_t v;
  ASSERT_TRUE(ReadUvarint(data, &pos, &v));
  EXPECT_EQ(v, 5u);
  ASSERT_TRUE(ReadUvarint(data, &pos, &v));
  EXPECT_EQ(v, 300u);
  ASSERT_TRUE(ReadUvarint(data, &pos, &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_EQ(pos, data.size());
}

TEST(Varint, TruncatedAndOverlongFail) {
  size_t pos = 0;
  uint64_t v;
  EXPECT_FALSE(ReadUvarint(std::string("\x80\x80", 2), &pos, &v));
  EXPECT_EQ(pos, 0u);
  std::string overlong(11, '\x80');
  EXPECT_FALSE(ReadUvarint(overlong, &pos, &v));
}

}  // namespace
}  // namespace godx
