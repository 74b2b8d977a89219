// Golden tests: the whole text and JSON output of godx on real fixtures. The golden files were
// written by scripts/update-golden and checked by hand against the logs (cycle counts, pause
// percentiles and heap figures recomputed independently; see testdata/golden/README.md).
#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx {
namespace {

using godx::testing::ReadFile;
using godx::testing::RunGodx;
using godx::testing::TestData;

struct Golden {
  const char* args;
  const char* file;
};

class GoldenTest : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenTest, OutputMatches) {
  auto r = RunGodx(GetParam().args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string want = ReadFile(TestData(std::string("golden/") + GetParam().file));
  EXPECT_EQ(r.out, want) << "godx " << GetParam().args
                         << "\nregenerate with scripts/update-golden, then check the diff by hand";
}

INSTANTIATE_TEST_SUITE_P(
    RuntimeLogs, GoldenTest,
    ::testing::Values(Golden{"gc testdata/gclog/go1.19-gcleak.log", "gc-gcleak.txt"},
                      Golden{"gc testdata/gclog/go1.19-gcsteady.log", "gc-gcsteady.txt"},
                      Golden{"gc testdata/gclog/go1.19-gcleak-memlimit.log", "gc-gcleak-memlimit.txt"},
                      Golden{"gc --json testdata/gclog/go1.19-gcsteady.log", "gc-gcsteady.json"},
                      Golden{"sched testdata/schedlog/go1.19-schedload.log", "sched-schedload.txt"},
                      Golden{"sched testdata/schedlog/go1.19-schedload-detail.log",
                             "sched-schedload-detail.txt"},
                      Golden{"sched --json testdata/schedlog/go1.19-schedload-detail.log",
                             "sched-schedload-detail.json"},
                      Golden{"analyze testdata/samples/gcleak-gctrace-schedtrace.log",
                             "analyze-sample.txt"}),
    [](const auto& info) {
      std::string name = info.param.file;
      for (char& c : name) if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

}  // namespace
}  // namespace godx
