// End-to-end runs of the godx binary on the real fixtures, compared with golden output under
// testdata/stacks/golden/. Each golden file was read line by line against its input when it was
// written: goroutine counts against `grep -c '^goroutine '`, states and frames against the
// headers and call lines, culprits against the program sources in testdata/gen/. To rewrite them
// after a deliberate change: GODX_UPDATE_GOLDEN=1 ctest -R StacksGolden, then review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testing/testing.h"

namespace godx::stacks {
namespace {

using godx::testing::RunGodx;
using godx::testing::SourceDir;

std::string Fixture(const std::string& name) { return godx::testing::TestData("stacks/" + name); }

// The output names inputs by the path given; make it independent of the checkout's location.
std::string Portable(std::string s) {
  const std::string dir = SourceDir() + "/";
  for (size_t at; (at = s.find(dir)) != std::string::npos;) s.replace(at, dir.size(), "");
  return s;
}

void ExpectGolden(const std::string& golden, const std::string& actual) {
  godx::testing::ExpectGolden(Fixture("golden/" + golden), actual);
}

TEST(StacksGolden, DeadlockText) {
  auto r = RunGodx("stacks --no-color " + Fixture("go1.19-deadlock.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("go1.19-deadlock.txt", Portable(r.out));
}

TEST(StacksGolden, SigquitText) {
  auto r = RunGodx("stacks --no-color --top 3 --frames 4 " + Fixture("go1.19-sigquit.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("go1.19-sigquit.txt", Portable(r.out));
}

TEST(StacksGolden, GoTestOutputStreamsThrough) {
  auto r = RunGodx("stacks --no-color -", godx::testing::ReadFile(Fixture("go1.19-gotest.txt")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The test log's own lines come through unchanged, in order, around the grouped dump.
  EXPECT_EQ(r.out.find("=== RUN   TestParseOK\n"), 0u);
  EXPECT_NE(r.out.find("--- FAIL: TestParseEmpty (0.00s)\n┌── godx stacks\n"), std::string::npos);
  EXPECT_NE(r.out.find("└──\nFAIL\tgodx.test/gen/stacktest"), std::string::npos);
  ExpectGolden("go1.19-gotest.stream.txt", Portable(r.out));
}

TEST(StacksGolden, DiffText) {
  auto r = RunGodx("stacks diff --no-color " + Fixture("go1.19-leak-1.debug2.txt") + " " +
                   Fixture("go1.19-leak-2.debug2.txt"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("go1.19-leak.diff.txt", Portable(r.out));
}

TEST(StacksGolden, JsonEnvelope) {
  auto r = RunGodx("stacks --json " + Fixture("go1.19-mapwrite.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "stacks");
  EXPECT_EQ(j["summary"]["goroutines"], 5);  // grep -c '^goroutine ' go1.19-mapwrite.txt
  EXPECT_EQ(j["summary"]["buckets"], 5);
  EXPECT_EQ(j["summary"]["truncated"], false);
  EXPECT_EQ(j["crash"]["kind"], "fatal");
  EXPECT_EQ(j["crash"]["message"], "concurrent map writes");
  // The crashed goroutine is the first header after "fatal error:" (its id varies by run).
  std::string text = godx::testing::ReadFile(Fixture("go1.19-mapwrite.txt"));
  size_t header = text.find("\ngoroutine ", text.find("fatal error: "));
  ASSERT_NE(header, std::string::npos);
  EXPECT_EQ(j["crash"]["goroutine"], std::stoi(text.substr(header + 11)));
  EXPECT_EQ(j["crash"]["culprit"]["function"], "main.writeMap");
  EXPECT_EQ(j["crash"]["culprit"]["line"], 53);
  ASSERT_TRUE(j["buckets"].is_array());
  EXPECT_EQ(j["buckets"].size(), 5u);
  EXPECT_TRUE(j["buckets"][0].contains("count"));
  EXPECT_TRUE(j["buckets"][0].contains("state"));
  EXPECT_TRUE(j["buckets"][0].contains("frames"));
  EXPECT_EQ(j["findings"][0]["severity"], "critical");
}

TEST(StacksGolden, TruncatedDumpSaysSo) {
  std::string whole = godx::testing::ReadFile(Fixture("go1.19-leak-2.debug2.txt"));
  auto r = RunGodx("stacks --json -", whole.substr(0, whole.size() / 2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["summary"]["truncated"], true);
  EXPECT_GT(j["summary"]["goroutines"].get<int>(), 0);
  EXPECT_LT(j["summary"]["goroutines"].get<int>(), 136);
  EXPECT_FALSE(j["warnings"].empty());
}

TEST(StacksGolden, BadInputIsOneLineAndExit2) {
  auto r = RunGodx("stacks -", "just a log line\nand another\n");
  EXPECT_EQ(r.exit_code, 0) << "streaming passes text through, there is nothing to report";
  EXPECT_EQ(r.out, "just a log line\nand another\n");
  auto bad = RunGodx("stacks --no-stream -", "just a log line\n");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.rfind("godx: <stdin>: line 1: expected a goroutine dump", 0), 0u) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
  auto regex = RunGodx("stacks --focus '(' " + Fixture("go1.19-panic.txt"));
  EXPECT_EQ(regex.exit_code, 2);
  EXPECT_EQ(regex.err.rfind("godx: --focus '(': invalid regular expression", 0), 0u) << regex.err;
  auto missing = RunGodx("stacks /nonexistent/dump.txt");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/dump.txt"), std::string::npos);
}

TEST(StacksGolden, FailOnAndAnalyzeRouting) {
  auto r = RunGodx("stacks --fail-on critical " + Fixture("go1.19-panic.txt"));
  EXPECT_EQ(r.exit_code, 1);
  auto a = RunGodx("analyze --json " + Fixture("go1.19-nested.txt"));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["kind"], "stacks");
  EXPECT_EQ(j["crash"]["panic_chain"].size(), 2u);
}

// A compressed file that holds no dump fails as the plain file does: exit 2, one line naming it.
// (gzip and zstd as scripts/install-deps installs them, as the cli tests use them.)
TEST(StacksGolden, CompressedInputWithoutADumpFailsLikePlain) {
  const std::string plain = Fixture("../gclog/go1.26-gcleak.log");
  auto want = RunGodx("stacks " + plain);
  ASSERT_EQ(want.exit_code, 2) << want.out;
  const std::string gz = "/tmp/godx-stacks-nodump.log.gz", zst = "/tmp/godx-stacks-nodump.log.zst";
  ASSERT_EQ(std::system(("gzip -c " + plain + " > " + gz).c_str()), 0);
  ASSERT_EQ(std::system(("zstd -q -f " + plain + " -o " + zst).c_str()), 0);
  for (const std::string& path : {gz, zst}) {
    auto r = RunGodx("stacks " + path);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // The same message, naming the compressed file.
    std::string msg = want.err;
    msg.replace(msg.find(plain), plain.size(), path);
    EXPECT_EQ(r.err, msg);
    std::remove(path.c_str());
  }
}

TEST(StacksGolden, HelpHasExamples) {
  auto r = RunGodx("stacks --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("godx stacks diff before.txt after.txt"), std::string::npos);
  auto d = RunGodx("stacks diff --help");
  EXPECT_NE(d.out.find("Example: godx stacks diff"), std::string::npos);
}

}  // namespace
}  // namespace godx::stacks
