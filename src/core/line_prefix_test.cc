// LinePrefix over prefixes cut from what log collectors print before a Go program's lines.
#include "core/line_prefix.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

std::string StripOr(const LinePrefix& p, std::string_view line, std::string_view fallback) {
  std::string_view rest;
  return p.Strip(line, &rest) ? std::string(rest) : std::string(fallback);
}

TEST(LinePrefix, KubectlTimestampsMatchAnyTime) {
  LinePrefix p;
  p.Learn("2024-08-09T01:45:13.123456789Z ");
  EXPECT_EQ(StripOr(p, "2024-08-09T01:45:13.123459Z main.main()", "no"), "main.main()");
  EXPECT_EQ(StripOr(p, "2024-08-09T01:46:02.1Z \t/src/main.go:5 +0x1d", "no"),
            "\t/src/main.go:5 +0x1d");
  // The prefix alone, trimmed, is the block's blank line.
  EXPECT_EQ(StripOr(p, "2024-08-09T01:46:02.1Z", "no"), "");
  EXPECT_EQ(StripOr(p, "", "no"), "");
  // Another writer's line does not carry it.
  EXPECT_EQ(StripOr(p, "I0809 01:45:13.123 server.go:12] ready", "no"), "no");
  EXPECT_EQ(StripOr(p, "2024-08-09 01:45:13 main.main()", "no"), "no");
}

TEST(LinePrefix, FixedTextAndIndentation) {
  LinePrefix pod;
  pod.Learn("[pod/api-7d9f8/app] ");
  EXPECT_EQ(StripOr(pod, "[pod/api-7d9f8/app] goroutine 1 [running]:", "no"),
            "goroutine 1 [running]:");
  EXPECT_EQ(StripOr(pod, "[pod/api-5c2a1/app] goroutine 1 [running]:", "no"), "no");
  LinePrefix compose;
  compose.Learn("api-1  | ");
  EXPECT_EQ(StripOr(compose, "api-1  | \t/src/app/main.go:42 +0x2a", "no"),
            "\t/src/app/main.go:42 +0x2a");
  EXPECT_EQ(StripOr(compose, "db-1   | ready", "no"), "no");
  LinePrefix tab;
  tab.Learn("\t");
  EXPECT_EQ(StripOr(tab, "\t\t/src/main.go:5 +0x1d", "no"), "\t/src/main.go:5 +0x1d");
  EXPECT_EQ(StripOr(tab, "main.main()", "no"), "no");
  LinePrefix none;
  EXPECT_EQ(StripOr(none, "main.main()", "no"), "no");
}

}  // namespace
}  // namespace godx
