// End-to-end tests of the godx binary as a user runs it: help, exit codes, errors, inputs.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/testing.h"

namespace godx {
namespace {

using godx::testing::RunGodx;

size_t Lines(const std::string& s) { return size_t(std::count(s.begin(), s.end(), '\n')); }

TEST(Cli, HelpListsTheCommands) {
  auto r = RunGodx("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"analyze", "gc", "sched", "help", "version"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
  EXPECT_EQ(RunGodx("help").out, r.out);
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* cmd : {"analyze", "gc", "sched"}) {
    auto r = RunGodx(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("--json"), std::string::npos) << cmd;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd;
    EXPECT_EQ(RunGodx(std::string("help ") + cmd).out, r.out) << cmd;
  }
}

TEST(Cli, VersionAndUsageErrors) {
  auto v = RunGodx("version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("godx ", 0), 0u);
  auto none = RunGodx("");
  EXPECT_EQ(none.exit_code, 2);
  auto bogus = RunGodx("frobnicate");
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_EQ(Lines(bogus.err), 1u) << bogus.err;
  auto flag = RunGodx("gc --bogus testdata/gclog/go1.19-gcsteady.log");
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(Lines(flag.err), 1u) << flag.err;
}

TEST(Cli, BadInputsGiveOneLineAndExit2) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/empty.log").close();
  std::ofstream(dir + "/text.log") << "hello\nno runtime lines here\n";
  std::ofstream(dir + "/bin.dat", std::ios::binary) << std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10);
  struct Case {
    std::string args, want;
  } cases[] = {
      {"gc /nonexistent/x.log", "godx: /nonexistent/x.log: cannot open: No such file or directory"},
      {"gc " + dir + "/empty.log", "empty input"},
      {"gc " + dir + "/text.log", "no GODEBUG=gctrace=1 lines in 2 lines"},
      {"gc " + dir + "/bin.dat", "binary data at offset 0"},
      {"sched " + dir + "/empty.log", "empty input"},
      {"sched " + dir + "/text.log", "no GODEBUG=schedtrace lines"},
      {"analyze " + dir + "/text.log", "not a signal godx reads"},
      {"analyze " + dir + "/bin.dat", "binary"},
      {"analyze " + dir + "/empty.log", "empty input"},
  };
  for (const auto& c : cases) {
    auto r = RunGodx(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_EQ(Lines(r.err), 1u) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.want), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(r.err.rfind("godx: ", 0), 0u) << r.err;
  }
}

TEST(Cli, ReadsStdinAndCompressedInput) {
  std::string log = godx::testing::ReadFile(godx::testing::TestData("gclog/go1.19-gcsteady.log"));
  auto plain = RunGodx("gc --json -", log);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  std::string gz = ::testing::TempDir() + "/steady.log.gz";
  std::string zst = ::testing::TempDir() + "/steady.log.zst";
  ASSERT_EQ(std::system(("gzip -c " + godx::testing::TestData("gclog/go1.19-gcsteady.log") + " > " + gz).c_str()) , 0);
  auto zipped = RunGodx("gc --json " + gz);
  ASSERT_EQ(zipped.exit_code, 0) << zipped.err;
  auto a = nlohmann::json::parse(plain.out), b = nlohmann::json::parse(zipped.out);
  EXPECT_EQ(a["summary"], b["summary"]);
  EXPECT_EQ(a["source"], "<stdin>");
  // zstd comes from scripts/install-deps.
  ASSERT_EQ(std::system(("zstd -q -f " + godx::testing::TestData("gclog/go1.19-gcsteady.log") +
                         " -o " + zst).c_str()), 0);
  auto z = RunGodx("gc --json " + zst);
  ASSERT_EQ(z.exit_code, 0) << z.err;
  EXPECT_EQ(nlohmann::json::parse(z.out)["summary"], a["summary"]);
}

TEST(Cli, FailOnSetsTheExitCode) {
  EXPECT_EQ(RunGodx("gc --fail-on warning testdata/gclog/go1.19-gcleak.log").exit_code, 1);
  EXPECT_EQ(RunGodx("gc --fail-on critical testdata/gclog/go1.19-gcleak.log").exit_code, 0);
  EXPECT_EQ(RunGodx("gc testdata/gclog/go1.19-gcleak.log").exit_code, 0);
  EXPECT_EQ(RunGodx("gc --fail-on bogus testdata/gclog/go1.19-gcleak.log").exit_code, 2);
}

TEST(Cli, OneBadInputDoesNotHideTheOthers) {
  auto r = RunGodx("gc --json /nonexistent.log testdata/gclog/go1.19-gcsteady.log");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(r.out)["kind"], "gc");
}

TEST(Cli, JsonHasTheRequiredKeys) {
  auto gc = RunGodx("gc --json testdata/gclog/go1.19-gcleak.log");
  ASSERT_EQ(gc.exit_code, 0);
  auto j = nlohmann::json::parse(gc.out);
  EXPECT_EQ(j["kind"], "gc");
  EXPECT_EQ(j["source"], "testdata/gclog/go1.19-gcleak.log");
  for (const char* k : {"p50", "p99", "max"}) EXPECT_TRUE(j["summary"]["pause_ms"][k].is_number()) << k;
  EXPECT_TRUE(j["summary"]["cycles"].is_number_integer());
  EXPECT_TRUE(j["summary"]["forced_cycles"].is_number_integer());
  EXPECT_EQ(j["series"]["pause_ms"].size(), j["summary"]["cycles"].get<size_t>());
  for (const auto& f : j["findings"]) {
    for (const char* k : {"id", "severity", "title", "evidence", "advice"}) EXPECT_TRUE(f.contains(k)) << k;
  }
  auto sched = RunGodx("sched --json testdata/schedlog/go1.19-schedload.log");
  ASSERT_EQ(sched.exit_code, 0);
  auto s = nlohmann::json::parse(sched.out);
  EXPECT_TRUE(s["summary"]["samples"].is_number_integer());
  EXPECT_TRUE(s["summary"]["max_threads"].is_number_integer());
}

TEST(Cli, AnalyzeRoutesByContentNotName) {
  // The sample holds gctrace and schedtrace lines interleaved: both reports, in one array.
  std::string copy = ::testing::TempDir() + "/no-extension";
  ASSERT_EQ(std::system(("cp " + godx::testing::TestData("samples/gcleak-gctrace-schedtrace.log") + " " + copy).c_str()), 0);
  auto r = RunGodx("analyze --json " + copy);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["kind"], "gc");
  EXPECT_EQ(j[1]["kind"], "sched");
  auto only_sched = RunGodx("analyze --json testdata/schedlog/go1.19-schedload.log");
  EXPECT_EQ(nlohmann::json::parse(only_sched.out)["kind"], "sched");
}

TEST(Cli, NoColourWhenNotATerminal) {
  auto r = RunGodx("gc testdata/gclog/go1.19-gcleak.log");
  EXPECT_EQ(r.out.find("\033["), std::string::npos);
}

}  // namespace
}  // namespace godx

namespace godx {
namespace {

// Go 1.26+ calls runtime.panicBounds for every bounds check, its kind in PCDATA $4: the -S listing
// of the same binary names it as precisely as Go 1.19's per-kind entry point; an objdump listing,
// which has no PCDATA, says it cannot.
TEST(Cli, StacksNamesTheBoundsKindOfGo127FromTheSListing) {
  for (const char* listing : {"S", "objdump"}) {
    auto r = godx::testing::RunGodx(
        std::string("stacks --json --objdump testdata/compiler/go1.27-boundspanic-") + listing +
        ".txt testdata/compiler/go1.27-boundspanic-panic.txt");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j["crash"]["check"].is_object()) << r.out;
    EXPECT_EQ(j["crash"]["check"]["check"], "bounds");
    std::string kind = j["crash"]["check"]["bounds_kind"];
    if (std::string(listing) == "S") {
      EXPECT_EQ(kind, "index, signed");
    } else {
      EXPECT_NE(kind.find("not in objdump listings"), std::string::npos) << kind;
    }
  }
}

// A real bounds-check panic (testdata/gen/boundspanic) and the objdump of the same binary: godx
// stacks names the check the culprit frame hit, through the listing reader.
TEST(Cli, StacksNamesTheCheckACrashHitFromAnObjdump) {
  auto r = godx::testing::RunGodx(
      "stacks --json --objdump testdata/compiler/go1.19-boundspanic-objdump.txt "
      "testdata/compiler/go1.19-boundspanic-panic.txt");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["crash"]["check"].is_object()) << r.out;
  EXPECT_EQ(j["crash"]["check"]["check"], "bounds");
  EXPECT_EQ(j["crash"]["check"]["line"], 14);
  EXPECT_EQ(j["crash"]["check"]["bounds_kind"], "index, signed");
  EXPECT_NE(j["crash"]["check"]["instruction"].get<std::string>().find("runtime.panicIndex"),
            std::string::npos);
  auto text = godx::testing::RunGodx(
      "stacks --no-color --objdump testdata/compiler/go1.19-boundspanic-objdump.txt "
      "testdata/compiler/go1.19-boundspanic-panic.txt");
  EXPECT_NE(text.out.find("it hit a bounds check"), std::string::npos) << text.out;
  auto piped = godx::testing::RunGodx(
      "stacks --objdump testdata/compiler/go1.19-boundspanic-objdump.txt -",
      godx::testing::ReadFile(godx::testing::TestData("compiler/go1.19-boundspanic-panic.txt")));
  EXPECT_EQ(piped.exit_code, 2);
  EXPECT_NE(piped.err.find("--objdump needs the dump in a file"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace godx
