// Every small fixture cut at every byte offset: each parser returns a value or an error, never
// crashes or hangs (run under ASan/UBSan in the sanitizer build).
#include <gtest/gtest.h>

#include "core/line_cursor.h"
#include "live/buildinfo.h"
#include "live/bundle.h"
#include "live/expvar.h"
#include "live/goroutine_profile.h"
#include "live/proc.h"
#include "live/runner.h"
#include "testing/testing.h"

namespace godx::live {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

template <typename Fn>
void EveryPrefix(const std::string& fixture, Fn fn) {
  std::string text = ReadFile(TestData(fixture));
  ASSERT_FALSE(text.empty()) << fixture;
  size_t step = text.size() > 20000 ? text.size() / 20000 : 1;
  for (size_t n = 0; n <= text.size(); n += step) fn(std::string(text.data(), n));
}

TEST(LiveCut, ProcFiles) {
  size_t ok = 0;
  EveryPrefix("live/go1.19/proc/leakyserver.status.txt",
              [&](const std::string& s) { ok += ParseProcStatus(s, "cut").ok(); });
  EXPECT_GT(ok, 0u);  // long enough prefixes still parse
  EveryPrefix("live/go1.19/proc/leakyserver.smaps_rollup.txt", [](const std::string& s) {
    SmapsRollup r = ParseSmapsRollup(s);
    EXPECT_GE(r.rss, -1);
  });
  EveryPrefix("live/go1.19/proc/leakyserver.net_tcp.txt",
              [](const std::string& s) { EXPECT_LE(ParseNetTcp(s, false).size(), 2u); });
  EveryPrefix("live/go1.19/proc/leakyserver.net_tcp6.txt",
              [](const std::string& s) { EXPECT_LE(ParseNetTcp(s, true).size(), 64u); });
}

TEST(LiveCut, ExpvarAndManifest) {
  size_t ok = 0;
  EveryPrefix("live/go1.19/expvar/goodserver.json",
              [&](const std::string& s) { ok += ParseExpvars(s, "cut").ok(); });
  EXPECT_GE(ok, 1u);  // only the whole object (with or without its newline) is valid JSON
  EXPECT_LE(ok, 2u);
  EveryPrefix("live/go1.19/leaky-bundle/manifest.json", [](const std::string& s) {
    auto m = ParseManifest(s, "cut");
    if (m.ok()) {
      EXPECT_EQ(m->format.substr(0, 12), "godx-bundle/");
    }
  });
}

TEST(LiveCut, GoroutineCountBuildInfoAndStderr) {
  EveryPrefix("live/go1.19/goroutine/goodserver.debug1.txt", [](const std::string& s) {
    auto n = GoroutineTotal(s);
    if (n) {
      EXPECT_LE(*n, 13u);
    }
  });
  // The buckets of a cut profile never count more than its first line says.
  for (const char* f : {"live/go1.27/goroutine/goodserver.debug1.txt",
                        "live/go1.27/leaky-bundle/goroutineleak.debug1.txt"}) {
    EveryPrefix(f, [](const std::string& s) {
      auto p = ReadCountProfile(s, "cut");
      if (!p.ok()) return;
      uint64_t sum = 0;
      for (const auto& b : p->buckets) sum += b.count;
      EXPECT_LE(sum, p->total);
    });
  }
  EveryPrefix("live/go1.19/buildinfo/crasher.bin", [](const std::string& s) {
    auto info = ParseGoBuildInfo(s);
    if (info.ok()) {
      EXPECT_EQ(info->go_version.substr(0, 3), "go1");
    }
  });
  EveryPrefix("live/go1.19/run/crasher.stderr.txt", [](const std::string& s) {
    LineCursor lines(s);
    std::string_view line;
    while (lines.Next(&line)) (void)(IsRuntimeLine(line) || StartsTraceback(line));
  });
}

}  // namespace
}  // namespace godx::live
