// A 50 MB single line of text is refused at once: one line naming the byte offset, exit 2, and
// memory bounded by the 1 MiB scanned (it once took 1.09 GB before godx refused it).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::pprof {
namespace {

TEST(PprofLongLine, FiftyMegabyteLineIsRefusedEarly) {
  std::string path = ::testing::TempDir() + "/godx-long-line.txt";
  {
    std::ofstream f(path, std::ios::binary);
    std::string chunk(1 << 20, 'a');  // 'a' bytes also parse as profile.proto field tags
    for (int i = 0; i < 50; ++i) f << chunk;
  }
  for (const char* args : {"pprof -top ", "pprof "}) {
    auto r = testing::RunGodx(std::string(args) + path);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find("byte 1048576: line 1 is longer than 1 MiB"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  EXPECT_LT(ru.ru_maxrss, 100 * 1024) << "KiB of the largest godx run";
  std::remove(path.c_str());
}

}  // namespace
}  // namespace godx::pprof
