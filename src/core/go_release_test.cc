#include "core/go_release.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(GoRelease, NarrowsToTheStrongestEvidence) {
  GoRelease g;
  EXPECT_FALSE(g.Known());
  EXPECT_EQ(g.Describe(), "");
  EXPECT_TRUE(g.ToJson().is_null());
  g.AtLeast(21, "created by F in goroutine N");
  g.AtLeast(17, "weaker");
  EXPECT_EQ(g.Describe(), "Go 1.21 or later (created by F in goroutine N)");
  g.AtMost(26, "no labels");
  g.AtMost(27, "weaker");
  EXPECT_EQ(g.Describe(), "Go 1.21 to 1.26 (created by F in goroutine N; no labels)");
  Json j = g.ToJson();
  EXPECT_EQ(j["min"], "1.21");
  EXPECT_EQ(j["max"], "1.26");
  EXPECT_TRUE(j["exact"].is_null());
  EXPECT_EQ(j["evidence"].size(), 2u);
}

TEST(GoRelease, ExactVersionWins) {
  GoRelease g;
  g.AtLeast(22, "gp= in headers");
  EXPECT_FALSE(g.Exactly("not a version", "x"));
  ASSERT_TRUE(g.Exactly("/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src",
                        "GOROOT path"));
  EXPECT_EQ(g.exact, "go1.27.3");
  GoRelease rc;
  ASSERT_TRUE(rc.Exactly("devel go1.28rc1 x", "y"));
  EXPECT_EQ(rc.exact, "go1.28rc1");
  GoRelease v;
  ASSERT_TRUE(v.Exactly("go version go1.26.8 linux/amd64", "go version line"));
  EXPECT_EQ(v.exact, "go1.26.8");
  EXPECT_EQ(v.Describe(), "Go 1.26.8 (go version line)");
  EXPECT_EQ(v.ToJson()["min"], "1.26");
  EXPECT_EQ(v.ToJson()["max"], "1.26");
}

TEST(GoRelease, MinorOfVersionStrings) {
  EXPECT_EQ(GoMinor("go1.19.8"), 19);
  EXPECT_EQ(GoMinor("go1.27rc1"), 27);
  EXPECT_EQ(GoMinor("devel go1.28-abc"), 28);
  EXPECT_EQ(GoMinor("go2"), 0);
  EXPECT_EQ(GoMinor("go1."), 0);
}

TEST(GoRelease, ReportStatesItOnce) {
  Report r;
  GoRelease g;
  g.AtLeast(27, "goroutine labels in headers");
  SetGoRelease(r, g);
  ASSERT_EQ(r.facts.size(), 1u);
  EXPECT_EQ(r.facts[0].label, "Go release");
  EXPECT_EQ(r.extra["go_release"]["min"], "1.27");
}

}  // namespace
}  // namespace godx
