#include "live/proc.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

// Values checked by hand against testdata/live/go1.19/proc/leakyserver.status.txt (a real
// /proc/PID/status of testdata/gen/leakyserver, captured by scripts/gen-live-fixtures).
TEST(ProcStatus, ParsesRealStatusFile) {
  auto st = ParseProcStatus(ReadFile(TestData("live/go1.19/proc/leakyserver.status.txt")), "status");
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->name, "leakyserver");
  EXPECT_EQ(st->pid, 7898);
  EXPECT_EQ(st->threads, 5);
  EXPECT_EQ(st->vm_rss, 6544 * 1024);
  EXPECT_EQ(st->rss_anon, 1340 * 1024);
  EXPECT_EQ(st->rss_file, 5204 * 1024);
  EXPECT_EQ(st->vm_hwm, 6544 * 1024);
}

TEST(ProcStatus, RejectsOtherText) {
  auto st = ParseProcStatus("hello\nworld\n", "x.txt");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("x.txt"), std::string::npos);
  EXPECT_NE(st.status().message().find("Name:"), std::string::npos);
}

TEST(ProcStatus, UnknownFieldsStayUnknown) {
  auto st = ParseProcStatus("Name:\tk\nPid:\t7\n", "s");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->threads, -1);
  EXPECT_EQ(st->vm_rss, -1);
}

TEST(SmapsRollup, ParsesRealRollup) {
  SmapsRollup s = ParseSmapsRollup(ReadFile(TestData("live/go1.19/proc/leakyserver.smaps_rollup.txt")));
  EXPECT_EQ(s.rss, 6544 * 1024);
  EXPECT_EQ(s.pss, 5561 * 1024);
  EXPECT_EQ(s.anonymous, 1340 * 1024);
  EXPECT_EQ(s.lazy_free, 0);
  EXPECT_EQ(s.anon_huge_pages, 0);
  EXPECT_EQ(s.swap, 0);
}

// The fixture lists two LISTEN sockets: 0.0.0.0:2024 (inode 640) and the service's own
// 127.0.0.1:32949 (0x80B5, inode 85452); the other lines are not in state 0A.
TEST(NetTcp, FindsListenSocketsInRealFile) {
  auto ls = ParseNetTcp(ReadFile(TestData("live/go1.19/proc/leakyserver.net_tcp.txt")), false);
  ASSERT_EQ(ls.size(), 2u);
  EXPECT_EQ(ls[0].address, "0.0.0.0");
  EXPECT_EQ(ls[0].port, 2024);
  EXPECT_EQ(ls[0].inode, 640u);
  EXPECT_EQ(ls[1].address, "127.0.0.1");
  EXPECT_EQ(ls[1].port, 32949);
  EXPECT_EQ(ls[1].inode, 85452u);
}

TEST(NetTcp, FormatsIpv6Addresses) {
  std::string text =
      "  sl  local_address                         remote_address                        st\n"
      "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000  1000        0 777 1 0 100 0 0 10 0\n"
      "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000  1000        0 778 1 0 100 0 0 10 0\n"
      "   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 01 "
      "00000000:00000000 00:00000000 00000000  1000        0 779 1 0 100 0 0 10 0\n";
  auto ls = ParseNetTcp(text, true);
  ASSERT_EQ(ls.size(), 2u);  // the third is ESTABLISHED (01)
  EXPECT_EQ(ls[0].address, "::1");
  EXPECT_EQ(ls[0].port, 8080);
  EXPECT_EQ(ls[1].address, "::");
  EXPECT_EQ(ls[1].port, 80);
}

TEST(NetTcp, SkipsMalformedLines) {
  EXPECT_TRUE(ParseNetTcp("   0: ZZZZ:1F90 0 0A 0 0 0 0 0 5\n", false).empty());
  EXPECT_TRUE(ParseNetTcp("   0: 0100007F:FFFFF 0 0A 0 0 0 0 0 5\n", false).empty());
  EXPECT_TRUE(ParseNetTcp("", false).empty());
}

TEST(SocketInode, ReadsFdLinks) {
  EXPECT_EQ(SocketInode("socket:[44230]"), 44230u);
  EXPECT_EQ(SocketInode("pipe:[44230]"), 0u);
  EXPECT_EQ(SocketInode("socket:[]"), 0u);
  EXPECT_EQ(SocketInode("/dev/null"), 0u);
}

// This test process is not a Go program; it opens a listening socket and must find it among its
// own listeners.
TEST(ReadProcess, ReadsThisProcessAndItsListener) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  uint16_t port = ntohs(a.sin_port);
  auto p = ReadProcess(getpid());
  close(fd);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->status.pid, getpid());
  EXPECT_GE(p->status.threads, 1);
  EXPECT_GT(p->status.vm_rss, 0);
  EXPECT_GE(p->fds, 3);
  bool found = false;
  for (const auto& l : p->listeners) found = found || (l.port == port && l.address == "127.0.0.1");
  EXPECT_TRUE(found) << "listener 127.0.0.1:" << port << " not found";
  EXPECT_TRUE(p->go_version.empty());
  EXPECT_NE(p->go_buildinfo_note.find("no Go build info"), std::string::npos)
      << p->go_buildinfo_note;
  Json j = ProcessToJson(*p);
  EXPECT_EQ(j["pid"], getpid());
  EXPECT_TRUE(j["go_version"].is_null());
}

TEST(ReadProcess, GonePidIsAClearError) {
  auto p = ReadProcess(999999999);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("no such process"), std::string::npos);
}

}  // namespace
}  // namespace godx::live
