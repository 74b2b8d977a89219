#include "live/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/testing.h"

namespace godx::live {
namespace {

namespace fs = std::filesystem;

std::string TempDir() {
  char tmpl[] = "/tmp/godx-bundle-test-XXXXXX";
  return mkdtemp(tmpl);
}

TEST(Bundle, WritesFilesAndManifestAfterEveryEntry) {
  std::string dir = TempDir() + "/b";
  Manifest m;
  m.target = "http://127.0.0.1:1";
  m.target_kind = "url";
  auto b = Bundle::Create(dir, m);
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_TRUE(b->Add({"a.txt", "thing a", "src-a", "t0", 0.5, 0, false, ""}, "hello").ok());
  // The manifest on disk already describes the first entry (a capture cut short keeps it).
  auto mid = ReadManifest(dir);
  ASSERT_TRUE(mid.ok()) << mid.status().message();
  ASSERT_EQ(mid->entries.size(), 1u);
  EXPECT_EQ(mid->entries[0].bytes, 5u);
  EXPECT_FALSE(mid->complete);
  ASSERT_TRUE(b->Add({"", "thing b", "src-b", "t1", 3, 0, false, "HTTP 404"}, "").ok());
  b->manifest().complete = true;
  ASSERT_TRUE(b->WriteManifest().ok());
  auto back = ReadManifest(dir);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->target, "http://127.0.0.1:1");
  EXPECT_EQ(back->target_kind, "url");
  EXPECT_TRUE(back->complete);
  ASSERT_EQ(back->entries.size(), 2u);
  EXPECT_EQ(back->entries[1].error, "HTTP 404");
  EXPECT_EQ(back->entries[1].seconds, 3);
  EXPECT_EQ(godx::testing::ReadFile(dir + "/a.txt"), "hello");
  EXPECT_FALSE(fs::exists(dir + "/manifest.json.tmp"));
  // A second bundle in the same, now non-empty, directory is refused.
  auto again = Bundle::Create(dir, m);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("not empty"), std::string::npos);
  fs::remove_all(fs::path(dir).parent_path());
}

TEST(Manifest, RejectsOtherJsonAndPathsOutsideTheBundle) {
  EXPECT_FALSE(ParseManifest("not json", "m").ok());
  EXPECT_FALSE(ParseManifest("{\"format\": \"other/1\"}", "m").ok());
  auto evil = ParseManifest(
      "{\"format\": \"godx-bundle/1\", \"entries\": [{\"file\": \"../../etc/passwd\"}]}", "m");
  ASSERT_FALSE(evil.ok());
  EXPECT_NE(evil.status().message().find("plain file name"), std::string::npos);
  auto ok = ParseManifest("{\"format\": \"godx-bundle/1\", \"entries\": [{\"file\": 3}]}", "m");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->entries[0].file, "");  // wrong types are left empty
}

TEST(Manifest, MissingDirectoryIsAClearError) {
  auto m = ReadManifest("/nonexistent/bundle");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("not a godx bundle"), std::string::npos);
}

TEST(Manifest, ReadsCommittedBundle) {
  auto m = ReadManifest(godx::testing::TestData("live/go1.19/leaky-bundle"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->format, "godx-bundle/1");
  EXPECT_EQ(m->target_kind, "pid");
  EXPECT_TRUE(m->complete);
  EXPECT_NE(m->Find("goroutine.debug2.txt"), nullptr);
  EXPECT_EQ(m->Find("nothing.txt"), nullptr);
}

}  // namespace
}  // namespace godx::live
