#include "live/agent_endpoint.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>

#include "live/tar_reader.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

// A tar stream made by GNU tar in ustar form (what Go's archive/tar writes for the agent's
// bundles), from files the test writes.
std::string MakeTar(const std::vector<std::pair<std::string, std::string>>& files,
                    const std::string& extra_args = "") {
  char tmpl[] = "/tmp/godx-tar-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string names;
  for (const auto& [name, data] : files) {
    std::ofstream(dir + "/" + name, std::ios::binary) << data;
    names += " " + name;
  }
  std::string out = dir + ".tar";
  std::string cmd =
      "tar --format=ustar " + extra_args + " -C " + dir + " -cf " + out + names + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string bytes = testing::ReadFile(out);
  std::system(("rm -rf " + dir + " " + out).c_str());
  return bytes;
}

TEST(TarReader, ReadsPlainMembersInOrder) {
  std::string body(1000, 'x');
  std::string tar = MakeTar({{"goroutine.debug1.txt", "goroutine profile: total 3\n"},
                             {"heap.pb.gz", body},
                             {"manifest.json", "{}\n"}});
  auto r = ReadTar(tar, "bundle.tar");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->members.size(), 3u);
  EXPECT_EQ(r->members[0].name, "goroutine.debug1.txt");
  EXPECT_EQ(r->members[0].data, "goroutine profile: total 3\n");
  EXPECT_EQ(r->members[1].data, body);
  EXPECT_EQ(r->members[2].name, "manifest.json");
  EXPECT_TRUE(r->cut.empty()) << r->cut;
}

TEST(TarReader, KeepsTheWholeMembersOfAStreamCutShort) {
  std::string tar = MakeTar({{"a.txt", std::string(600, 'a')}, {"b.txt", std::string(700, 'b')}});
  // Cut inside b.txt's data: a.txt (header + 2 blocks) and b.txt's header arrived.
  auto r = ReadTar(std::string_view(tar).substr(0, 512 * 4 + 100), "bundle.tar");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->members.size(), 1u);
  EXPECT_EQ(r->members[0].name, "a.txt");
  EXPECT_EQ(r->cut, "the tar stream ends at offset 2148 inside 'b.txt' (100 of 700 bytes)");
}

TEST(TarReader, RefusesCorruptHeadersAndNonFiles) {
  std::string tar = MakeTar({{"a.txt", "hello\n"}});
  std::string bad = tar;
  bad[0] = 'z';  // the name changes, the checksum does not
  auto r = ReadTar(bad, "bundle.tar");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bundle.tar: offset 0: not a tar header (checksum"),
            std::string::npos)
      << r.status().message();

  char tmpl[] = "/tmp/godx-tar-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::system(("mkdir " + dir + "/sub && tar --format=ustar -C " + dir + " -cf " + dir +
               ".tar sub 2>/dev/null")
                  .c_str());
  auto d = ReadTar(testing::ReadFile(dir + ".tar"), "dir.tar");
  std::system(("rm -rf " + dir + " " + dir + ".tar").c_str());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("dir.tar: offset 0: member 'sub/' is of type '5'"),
            std::string::npos)
      << d.status().message();

  auto e = ReadTar("", "empty.tar");
  EXPECT_FALSE(e.ok());
}

TEST(AgentEndpoint, BaseSitsBesideThePprofBase) {
  auto u = ParseUrl("http://127.0.0.1:6060/svc/debug/pprof/heap");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(AgentBase(PprofBase(*u)).ToString(), "http://127.0.0.1:6060/svc/debug/godx/");
  auto plain = ParseUrl("127.0.0.1:6060");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(AgentBase(PprofBase(*plain)).path, "/debug/godx/");
}

TEST(AgentEndpoint, ParsesTheIndexAndRefusesOtherAnswers) {
  auto base = ParseUrl("http://127.0.0.1:41313/debug/godx/");
  ASSERT_TRUE(base.ok());
  // Cut from the agent's real answer (a Go 1.26.8 service with the flight recorder on).
  auto a = ParseAgentIndex(R"({
  "agent_version": "0.1.0",
  "bundle": "/debug/godx/bundle",
  "crash_bundle": "out/godx-crash-try-27331-20261202T153540Z",
  "flight_recorder": true,
  "format": "godx-agent/1",
  "go_version": "go1.26.8",
  "pid": 27331,
  "program": "try"
})",
                           *base);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->pid, 27331);
  EXPECT_EQ(a->go_version, "go1.26.8");
  EXPECT_TRUE(a->flight_recorder);
  auto other = ParseAgentIndex("<html>404 page not found</html>", *base);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not the godx agent's index"), std::string::npos);
}

}  // namespace
}  // namespace godx::live
