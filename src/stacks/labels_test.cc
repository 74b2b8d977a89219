// Label sets in the three spellings the runtime prints (stacks/labels.h).
#include "stacks/labels.h"

#include <gtest/gtest.h>

namespace godx::stacks {
namespace {

TEST(StacksLabels, ParsesGo127UnquotedAndQuoted) {
  std::vector<Label> l;
  ASSERT_TRUE(ParseLabelSet("{role: locker, worker: 0}", &l));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].key, "role");
  EXPECT_EQ(l[0].value, "locker");
  EXPECT_EQ(l[1].key, "worker");
  EXPECT_EQ(l[1].value, "0");
  // Quoted only where a character outside [A-Za-z0-9./_] needs it (tracebackStringNeedsQuoting).
  ASSERT_TRUE(ParseLabelSet(R"({"http route": "/a, b}", path: /v1/x.json})", &l));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].key, "http route");
  EXPECT_EQ(l[0].value, "/a, b}");
  EXPECT_EQ(l[1].value, "/v1/x.json");
}

TEST(StacksLabels, ParsesGo126AndDebug1Forms) {
  std::vector<Label> l;
  ASSERT_TRUE(ParseLabelSet(R"({"rpc": "Get", "tenant": "a"})", &l));  // 1.26 traceback
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[1].key, "tenant");
  ASSERT_TRUE(ParseLabelSet(R"({"handler":"upload"})", &l));  // ?debug=1
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].value, "upload");
}

TEST(StacksLabels, UnquotesGoEscapes) {
  std::vector<Label> l;
  ASSERT_TRUE(ParseLabelSet(R"({"q\"k": "a\\b\n\t\x01\u00e9"})", &l));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].key, "q\"k");
  EXPECT_EQ(l[0].value, "a\\b\n\t\x01\xc3\xa9");
  EXPECT_EQ(LabelText(l[0]), "q\"k=a\\b\n\t\x01\xc3\xa9");
}

TEST(StacksLabels, EmptyStringsAndEmptySet) {
  std::vector<Label> l;
  ASSERT_TRUE(ParseLabelSet("{}", &l));
  EXPECT_TRUE(l.empty());
  // Go 1.27 prints an empty key or value as nothing.
  ASSERT_TRUE(ParseLabelSet("{: v, k: }", &l));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].key, "");
  EXPECT_EQ(l[1].value, "");
}

TEST(StacksLabels, RejectsWhatIsNotASet) {
  std::vector<Label> l;
  EXPECT_FALSE(ParseLabelSet("role: locker", &l));
  EXPECT_FALSE(ParseLabelSet("{role locker}", &l));
  EXPECT_FALSE(ParseLabelSet(R"({"unterminated: x})", &l));
  EXPECT_FALSE(ParseLabelSet(R"({"a": "\q"})", &l));
  EXPECT_EQ(LabelSetEnd(R"({"a}": b} tail)"), 8u);
  EXPECT_EQ(LabelSetEnd(R"({"a": b)"), std::string_view::npos);
}

}  // namespace
}  // namespace godx::stacks
