// End-to-end tests of the godx binary as a user runs it: help, exit codes, errors, inputs.
#include <cstdlib>
#include <fstream>
#include <sstream>

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
  // Every usage error, CLI11's and godx's own, in one form: "godx CMD: message" and where to
  // read the usage.
  auto bogus = RunGodx("frobnicate");
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_EQ(Lines(bogus.err), 2u) << bogus.err;
  EXPECT_EQ(bogus.err.rfind("godx: ", 0), 0u) << bogus.err;
  EXPECT_NE(bogus.err.find("\nRun 'godx --help' for usage.\n"), std::string::npos) << bogus.err;
  auto flag = RunGodx("gc --bogus testdata/gclog/go1.19-gcsteady.log");
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.err.rfind("godx gc: ", 0), 0u) << flag.err;
  EXPECT_NE(flag.err.find("--bogus"), std::string::npos) << flag.err;
  EXPECT_NE(flag.err.find("\nRun 'godx gc --help' for usage.\n"), std::string::npos) << flag.err;
  auto duration = RunGodx("watch 1 --interval soon");
  EXPECT_EQ(duration.exit_code, 2);
  EXPECT_EQ(duration.err.rfind("godx watch: --interval 'soon': expected a duration", 0), 0u)
      << duration.err;
  EXPECT_NE(duration.err.find("\nRun 'godx watch --help' for usage.\n"), std::string::npos);
  auto help = RunGodx("help frobnicate");
  EXPECT_EQ(help.exit_code, 2);
  EXPECT_EQ(help.err.rfind("godx help: no command 'frobnicate'\n", 0), 0u) << help.err;
  // Commands with subcommands check their inputs themselves, in the same form.
  for (std::string cmd : {"stacks", "escape"}) {
    auto no_input = RunGodx(cmd);
    EXPECT_EQ(no_input.exit_code, 2);
    EXPECT_EQ(no_input.err, "godx " + cmd + ": inputs is required\nRun 'godx " + cmd +
                                " --help' for usage.\n");
  }
}

// The top-level help keeps each section on its own lines (the analyze description once glued
// "Example: ... Signals:" onto one line).
TEST(Cli, HelpTextHasNoGluedSections) {
  for (const char* args : {"--help", "analyze --help"}) {
    auto r = RunGodx(args);
    EXPECT_EQ(r.exit_code, 0);
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_FALSE(line.find("Example") != std::string::npos &&
                   line.find("Signals:") != std::string::npos)
          << line;
      EXPECT_LE(line.size(), 110u) << args << ": " << line;
    }
  }
}

// A capture bundle is analysed as 'godx doctor DIR' would, a -json=0,DIR tree as 'godx escape
// DIR' would: the same reports.
TEST(Cli, AnalyzeReadsBundleAndJsonDirectories) {
  std::string bundle = godx::testing::TestData("live/go1.26/leaky-bundle");
  auto a = RunGodx("analyze --json " + bundle);
  auto d = RunGodx("doctor --json " + bundle);
  ASSERT_EQ(a.exit_code, d.exit_code) << a.err;
  ASSERT_FALSE(a.out.empty()) << a.err;
  EXPECT_EQ(nlohmann::json::parse(a.out), nlohmann::json::parse(d.out));
  std::string json_dir = godx::testing::TestData("compiler/go1.26-escapes-json");
  auto ea = RunGodx("analyze --json " + json_dir);
  auto ee = RunGodx("escape --json " + json_dir);
  ASSERT_EQ(ea.exit_code, 0) << ea.err;
  ASSERT_EQ(ee.exit_code, 0) << ee.err;
  auto ja = nlohmann::json::parse(ea.out), je = nlohmann::json::parse(ee.out);
  EXPECT_EQ(ja["kind"], "escape");
  EXPECT_EQ(ja["summary"], je["summary"]);
  EXPECT_EQ(ja["findings"], je["findings"]);
}

// Any other directory: every file is recognised by its content, the rest skipped with a count.
TEST(Cli, AnalyzeWalksOtherDirectories) {
  std::string dir = ::testing::TempDir() + "/walk";
  std::system(("rm -rf " + dir + " && mkdir -p " + dir + "/sub").c_str());
  ASSERT_EQ(std::system(("cp " + godx::testing::TestData("gclog/go1.19-gcsteady.log") + " " + dir +
                         "/sub/a && cp " + godx::testing::TestData("schedlog/go1.19-schedload.log") +
                         " " + dir + "/b")
                            .c_str()),
            0);
  std::ofstream(dir + "/notes.txt") << "hello\n";
  std::ofstream(dir + "/x.zip", std::ios::binary) << std::string("PK\x03\x04\x14\0", 6);
  auto r = RunGodx("analyze --json " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array()) << r.out;
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["kind"], "sched");  // b, then sub/a: name order
  EXPECT_EQ(j[1]["kind"], "gc");
  EXPECT_NE(r.err.find("2 files skipped"), std::string::npos) << r.err;
  // Nothing readable at all is an error.
  std::string empty = ::testing::TempDir() + "/walk-none";
  std::system(("rm -rf " + empty + " && mkdir -p " + empty).c_str());
  std::ofstream(empty + "/notes.txt") << "hello\n";
  auto none = RunGodx("analyze " + empty);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no file in it is a signal godx reads"), std::string::npos) << none.err;
}

// Input that is no signal is quoted visibly, binary bytes escaped.
TEST(Cli, UnknownInputIsQuotedVisibly) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/x.zip", std::ios::binary) << std::string("PK\x03\x04\x14\0\0\0", 8);
  auto r = RunGodx("analyze " + dir + "/x.zip");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(R"(binary data starting "PK\x03\x04\x14\x00\x00\x00")"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("expected one of: gc, pprof"), std::string::npos) << r.err;
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

namespace godx {
namespace {

// testdata/gen/boundsinline: the index panic is in main.get, inlined into main.handler. The
// culprit frame "main.get(...)" has no offset; the check is found through handler's offset, at
// get's line, on every release and with -S and objdump listings alike.
TEST(Cli, StacksNamesTheCheckOfACrashInsideAnInlinedFunction) {
  for (const std::string& rel : godx::testing::MatrixReleases()) {
    for (const char* listing : {"S", "objdump"}) {
      SCOPED_TRACE("go" + rel + " " + listing);
      auto r = godx::testing::RunGodx("stacks --json --objdump testdata/compiler/go" + rel +
                                      "-boundsinline-" + listing +
                                      ".txt testdata/compiler/go" + rel +
                                      "-boundsinline-panic.txt");
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto j = nlohmann::json::parse(r.out);
      ASSERT_TRUE(j["crash"]["check"].is_object()) << r.out;
      EXPECT_EQ(j["crash"]["check"]["check"], "bounds");
      EXPECT_EQ(j["crash"]["check"]["line"], 21);
      EXPECT_EQ(j["crash"]["check"]["function"], "main.handler");
      EXPECT_EQ(j["crash"]["check"]["inlined_function"], "main.get");
      for (const auto& w : j["warnings"]) {
        EXPECT_EQ(w.get<std::string>().find("check it hit is unknown"), std::string::npos) << w;
        EXPECT_EQ(w.get<std::string>().find("another build"), std::string::npos) << w;
      }
    }
  }
}

}  // namespace
}  // namespace godx
