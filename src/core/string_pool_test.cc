#include "core/string_pool.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(StringPool, SameTextSameId) {
  StringPool p;
  StringId a = p.Intern("chan receive");
  StringId b = p.Intern(std::string("chan ") + "receive");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, p.Intern("select"));
  EXPECT_EQ(p.Get(a), "chan receive");
  EXPECT_EQ(p.Get(0), "");
}

TEST(StringPool, ViewsSurviveGrowth) {
  StringPool p;
  StringId first = p.Intern("main.main");
  std::string_view view = p.Get(first);
  for (int i = 0; i < 100000; ++i) p.Intern("f" + std::to_string(i));
  p.Intern(std::string(100000, 'x'));  // a large string gets its own block
  EXPECT_EQ(view, "main.main");
  EXPECT_EQ(p.Get(first).data(), view.data());
}

}  // namespace
}  // namespace godx
