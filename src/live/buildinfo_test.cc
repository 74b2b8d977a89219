#include "live/buildinfo.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

// The fixture is the .go.buildinfo section of testdata/gen/crasher built with Go 1.19.8
// (objcopy --only-section); `go version -m` on that binary prints "go1.19.8" and
// "mod godx.test/gen (devel)".
TEST(GoBuildInfo, ParsesGo119Section) {
  auto info = ParseGoBuildInfo(ReadFile(TestData("live/go1.19/buildinfo/crasher.bin")));
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->go_version, "go1.19.8");
  EXPECT_EQ(info->module_path, "godx.test/gen");
}

TEST(GoBuildInfo, RejectsMissingMagic) {
  auto info = ParseGoBuildInfo(std::string(64, 'x'));
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("offset 0"), std::string::npos);
}

TEST(GoBuildInfo, SaysPre118FormatIsNotFollowed) {
  std::string blob = ReadFile(TestData("live/go1.19/buildinfo/crasher.bin"));
  ASSERT_GT(blob.size(), 32u);
  blob[15] = 0;  // pointer format
  auto info = ParseGoBuildInfo(blob);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("pre-Go 1.18"), std::string::npos);
}

TEST(GoBuildInfo, CutHeaderIsAnError) {
  std::string blob = ReadFile(TestData("live/go1.19/buildinfo/crasher.bin"));
  EXPECT_FALSE(ParseGoBuildInfo(blob.substr(0, 20)).ok());
  EXPECT_FALSE(ParseGoBuildInfo(blob.substr(0, 33)).ok());
}

TEST(GoBuildInfo, NonGoBinaryIsAClearError) {
  auto info = ReadGoBuildInfo("/proc/self/exe");  // this C++ test binary
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("no Go build info"), std::string::npos);
  auto text = ReadGoBuildInfo(TestData("live/go1.19/proc/leakyserver.status.txt"));
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("not an ELF"), std::string::npos);
  EXPECT_FALSE(ReadGoBuildInfo("/nonexistent/binary").ok());
}

}  // namespace
}  // namespace godx::live
