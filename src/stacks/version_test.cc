// What a dump says about the release that printed it (stacks/version.h).
#include "stacks/version.h"

#include <gtest/gtest.h>

namespace godx::stacks {
namespace {

TEST(StacksVersion, ReleasesNamedByGorootPaths) {
  int minor = 0, patch = 0;
  ASSERT_TRUE(ReleaseInPath(
      "/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64", &minor, &patch));
  EXPECT_EQ(minor, 27);
  EXPECT_EQ(patch, 3);
  ASSERT_TRUE(ReleaseInPath("/usr/lib/go-1.19", &minor, &patch));
  EXPECT_EQ(minor, 19);
  EXPECT_EQ(patch, -1) << "Debian's package names the minor release only";
  ASSERT_TRUE(ReleaseInPath("/home/u/sdk/go1.21.0", &minor, &patch));
  EXPECT_EQ(minor, 21);
  EXPECT_EQ(patch, 0);
  ASSERT_TRUE(ReleaseInPath("/usr/local/go1.22", &minor, &patch));
  EXPECT_EQ(minor, 22);
  EXPECT_EQ(patch, -1);
  ASSERT_TRUE(ReleaseInPath("/opt/hostedtoolcache/go/1.22.1/x64", &minor, &patch));
  EXPECT_EQ(minor, 22);
  EXPECT_EQ(patch, 1);
  ASSERT_TRUE(ReleaseInPath("/usr/local/Cellar/go/1.21.5/libexec", &minor, &patch));
  EXPECT_EQ(patch, 5);
  EXPECT_FALSE(ReleaseInPath("/usr/local/go", &minor, &patch));
  EXPECT_FALSE(ReleaseInPath("/home/ergo1.5/src", &minor, &patch)) << "not after / - @";
  EXPECT_FALSE(ReleaseInPath("/srv/go/1.2.3.4/x", &minor, &patch));
}

TEST(StacksVersion, GoVersionLine) {
  int minor = 0, patch = 0;
  ASSERT_TRUE(ReleaseInGoVersionLine("go version go1.26.8 linux/amd64", &minor, &patch));
  EXPECT_EQ(minor, 26);
  EXPECT_EQ(patch, 8);
  EXPECT_FALSE(ReleaseInGoVersionLine("go version devel +abc", &minor, &patch));
}

TEST(StacksVersion, VerdictSaysNoMoreThanTheEvidence) {
  VersionHints h;
  EXPECT_EQ(RecogniseRelease(h).text.rfind("unknown", 0), 0u);
  h.min_minor = 26;
  h.min_reason = "goroutines marked (leaked)";
  ReleaseVerdict v = RecogniseRelease(h);
  EXPECT_EQ(v.text, "Go 1.26 or later (goroutines marked (leaked))");
  EXPECT_EQ(v.min_minor, 26);
  EXPECT_EQ(v.max_minor, 99);
  h.max_minor = 26;
  h.max_reason = "labels inside the brackets";
  EXPECT_EQ(RecogniseRelease(h).text.rfind("Go 1.26 (", 0), 0u);
  h.max_minor = 99;
  h.named_minor = 27;
  h.named_patch = 3;
  h.named_reason = "$GOROOT /x/toolchain@v0.0.1-go1.27.3.linux-amd64";
  v = RecogniseRelease(h);
  EXPECT_EQ(v.text.rfind("Go 1.27.3 (named by $GOROOT", 0), 0u) << v.text;
  EXPECT_EQ(v.min_minor, 27);
  EXPECT_EQ(v.max_minor, 27);
  EXPECT_EQ(v.patch, 3);
  EXPECT_FALSE(v.conflict);
  h.named_minor = 19;
  v = RecogniseRelease(h);
  EXPECT_TRUE(v.conflict) << "a 1.26+ feature in a dump whose $GOROOT says 1.19";
  EXPECT_NE(v.text.find("but the format says"), std::string::npos) << v.text;
  VersionHints mixed;  // a Go 1.27 dump and a pre-1.21 one in the same log
  mixed.min_minor = 27;
  mixed.min_reason = "labels after the bracket";
  mixed.max_minor = 20;
  mixed.max_reason = "created by F without in goroutine";
  v = RecogniseRelease(mixed);
  EXPECT_TRUE(v.conflict);
  EXPECT_EQ(v.text.rfind("conflicting: ", 0), 0u) << v.text;
}

}  // namespace
}  // namespace godx::stacks
