// The interactive shell, driven through a pipe as a script would: a session recorded from
// `go tool pprof` (scripts/gen-pprof-golden-graphs) must give the same prompts and reports on
// stdout and the same greeting and errors on stderr; and each shell command must print what its
// flag form prints.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::pprof {
namespace {

std::string Golden(const std::string& name) { return testing::ReadFile(testing::TestData("pprof/golden-pprof/" + name)); }

TEST(PprofShell, PipedSessionEqualsPprof) {
  setenv("TZ", "UTC", 1);  // pprof's greeting prints the profile's time in the local zone
  std::string in = Golden("shell__go1.26.8-heap.in");
  auto r = testing::RunGodx("pprof -nodecount=20 testdata/pprof/go1.26.8-heap.pb.gz", in);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Golden("shell__go1.26.8-heap.out"));
  EXPECT_EQ(r.err, Golden("shell__go1.26.8-heap.err"));
}

// The text between two prompts: what one command printed.
std::string Reply(const std::string& out, int n) {
  size_t at = 0;
  for (int i = 0; i <= n; ++i) {
    at = out.find("(pprof) ", at);
    if (at == std::string::npos) return "";
    at += 8;
  }
  size_t end = out.find("(pprof) ", at);
  return out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(PprofShell, CommandsPrintTheirFlagForms) {
  const std::string f = "testdata/pprof/go1.26.8-cpu.pb.gz";
  auto r = testing::RunGodx("pprof -symbolize=none " + f,
                            "top\ncum\nsort=cum\ntop -runtime\nnodecount=5\ntree\nfocus=main\ndot\ncallgrind\nquit\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto flag = [&](const std::string& args) {
    auto x = testing::RunGodx("pprof -compact_labels " + args + " " + f);
    EXPECT_EQ(x.exit_code, 0) << args << ": " << x.err;
    return x.out;
  };
  EXPECT_EQ(Reply(r.out, 0), flag("-top -nodecount=10"));
  EXPECT_EQ(Reply(r.out, 1), "");  // "cum" alone is an error in pprof's shell, as here
  EXPECT_NE(r.err.find("unknown config field \"cum\""), std::string::npos);
  EXPECT_EQ(Reply(r.out, 3), flag("-top -cum -nodecount=10 -ignore=runtime"));
  EXPECT_EQ(Reply(r.out, 5), flag("-tree -cum -nodecount=5"));
  EXPECT_EQ(Reply(r.out, 7), flag("-dot -cum -nodecount=5 -focus=main"));
  EXPECT_EQ(Reply(r.out, 8), flag("-callgrind -cum -nodecount=5 -focus=main"));
  EXPECT_FALSE(Reply(r.out, 7).empty());
}

}  // namespace
}  // namespace godx::pprof
