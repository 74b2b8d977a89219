// The pprof-compatible pipeline in-process (drop_frames, -all_frames, filters) and godx's --json
// for tree, peek, traces and tags, checked against the same command's text.
#include "pprof/text_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "pprof/builder.h"
#include "pprof/reader.h"
#include "pprof/flags.h"
#include "pprof/transform.h"
#include "testing/testing.h"

namespace godx::pprof {
namespace {

using testing::RunGodx;

// malloc -> mallocgc-like helpers under user code: pprof's drop_frames removes everything from
// the first matching frame toward the leaf, keep_frames rescues matches.
Profile AllocProfile() {
  ProfileBuilder::Type types[] = {{"alloc_space", "bytes"}};
  ProfileBuilder b(types);
  uint32_t malloc = b.Frame("malloc"), inner = b.Frame("tc_malloc_internal"), user = b.Frame("main.alloc"),
           root = b.Frame("main.main");
  int64_t v = 100;
  uint32_t stack[] = {inner, malloc, user, root};
  b.Sample(stack, std::span<const int64_t>(&v, 1));
  Profile p = b.Finish();
  p.drop_frames = p.strings.Intern("malloc|tc_.*");
  return p;
}

std::string Top(Profile p, PprofOptions o) {
  o.format = OutputFormat::kText;
  if (!o.all_frames) {
    EXPECT_TRUE(RemoveUninteresting(&p).ok());
  }
  auto ctx = PreparePprofReport(o, &p);
  EXPECT_TRUE(ctx.ok()) << ctx.status().message();
  auto text = GenerateTextReport(p, *ctx);
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : "";
}

TEST(PprofReport, DropFramesPrunesAndAllFramesKeeps) {
  std::string pruned = Top(AllocProfile(), {});
  EXPECT_EQ(pruned.find("malloc"), std::string::npos) << pruned;
  EXPECT_NE(pruned.find("100B   100%   100%       100B   100%  main.alloc"), std::string::npos) << pruned;
  PprofOptions all;
  all.all_frames = true;
  std::string kept = Top(AllocProfile(), all);
  EXPECT_NE(kept.find("tc_malloc_internal"), std::string::npos) << kept;
}

TEST(PprofReport, KeepFramesRescuesAFrame) {
  Profile p = AllocProfile();
  p.keep_frames = p.strings.Intern("malloc");
  // "malloc" is kept, so pruning starts at tc_malloc_internal only.
  std::string text = Top(std::move(p), {});
  EXPECT_NE(text.find("  malloc"), std::string::npos) << text;
  EXPECT_EQ(text.find("tc_malloc_internal"), std::string::npos) << text;
}

Profile TwoFunctions() {
  ProfileBuilder::Type types[] = {{"cpu", "nanoseconds"}};
  ProfileBuilder b(types);
  uint32_t a = b.Frame("main.a"), c = b.Frame("main.c");
  int64_t v1 = 300, v2 = 100;
  b.Sample(std::span<const uint32_t>(&a, 1), std::span<const int64_t>(&v1, 1));
  b.Sample(std::span<const uint32_t>(&c, 1), std::span<const int64_t>(&v2, 1));
  return b.Finish();
}

TEST(PprofReport, FocusKeepsTheUnfilteredTotalUnlessRelative) {
  PprofOptions o;
  o.focus = "main.c";
  std::string text = Top(TwoFunctions(), o);
  EXPECT_NE(text.find("Showing nodes accounting for 100ns, 25.00% of 400ns total"), std::string::npos) << text;
  EXPECT_NE(text.find("Active filters:\n   focus=main.c"), std::string::npos) << text;
  o.relative_percentages = true;
  text = Top(TwoFunctions(), o);
  EXPECT_NE(text.find("100ns   100%   100%      100ns   100%  main.c"), std::string::npos) << text;
}

std::string Fixture(const std::string& name) { return testing::TestData("pprof/go1.26.8-" + name); }

TEST(PprofJson, TreeNodesAreTheTextRows) {
  auto text = RunGodx("pprof -tree " + Fixture("cpu.pb.gz"));
  auto json = RunGodx("pprof -tree --json " + Fixture("cpu.pb.gz"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["kind"], "pprof-tree");
  EXPECT_EQ(j["unit"], "nanoseconds");
  ASSERT_FALSE(j["nodes"].empty());
  for (const auto& n : j["nodes"]) {
    // Every node is a "| name" row of the text tree.
    EXPECT_NE(text.out.find("| " + n["name"].get<std::string>() + "\n"), std::string::npos) << n["name"];
  }
  EXPECT_EQ(j["labels"].back(), "Dropped 16 nodes (cum <= 0.01s)");
  int64_t flat_sum = 0;
  for (const auto& n : j["nodes"]) flat_sum += n["flat"].get<int64_t>();
  EXPECT_EQ(flat_sum, 2950000000);  // "Showing nodes accounting for 2.95s"
  EXPECT_EQ(j["total"], 2970000000);
}

TEST(PprofJson, PeekKeepsOnlyMatchingNodes) {
  auto json = RunGodx("pprof -peek=sha256 --json " + Fixture("cpu.pb.gz"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["kind"], "pprof-peek");
  ASSERT_FALSE(j["nodes"].empty());
  for (const auto& n : j["nodes"]) EXPECT_NE(n["name"].get<std::string>().find("sha256"), std::string::npos);
}

TEST(PprofJson, TracesAreTheTextTraces) {
  auto text = RunGodx("pprof -traces " + Fixture("goroutine.pb.gz"));
  auto json = RunGodx("pprof -traces -json " + Fixture("goroutine.pb.gz"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["kind"], "pprof-traces");
  size_t seps = 0;
  std::istringstream ss(text.out);
  for (std::string line; std::getline(ss, line);) seps += line.starts_with("-----------+");
  EXPECT_EQ(j["traces"].size() + 1, seps);
  bool labelled = false;
  for (const auto& t : j["traces"]) labelled = labelled || t["labels"].contains("worker");
  EXPECT_TRUE(labelled);
}

TEST(PprofJson, TagsCarryTheTextWeights) {
  auto json = RunGodx("pprof -tags --json " + Fixture("cpu.pb.gz"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["kind"], "pprof-tags");
  ASSERT_EQ(j["tags"].size(), 1u);
  EXPECT_EQ(j["tags"][0]["key"], "endpoint");
  int64_t sum = 0;
  for (const auto& v : j["tags"][0]["values"]) sum += v["weight"].get<int64_t>();
  EXPECT_EQ(sum, j["tags"][0]["total"].get<int64_t>());
  auto text = RunGodx("pprof -tags " + Fixture("cpu.pb.gz"));
  EXPECT_NE(text.out.find("endpoint: Total 2.97s of 2.97s (  100%)"), std::string::npos) << text.out;
}

TEST(PprofCommandLine, BadInputIsOneLineAndExitTwo) {
  auto r = RunGodx("pprof -top -nosuch " + Fixture("cpu.pb.gz"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("flag provided but not defined: -nosuch"), std::string::npos) << r.err;
  r = RunGodx("pprof -top testdata/pprof/golden-pprof/text/cases.txt");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cases.txt"), std::string::npos) << r.err;
}

TEST(PprofCommandLine, GodxSubcommandsStillWork) {
  auto r = RunGodx("pprof top --cum --nodecount=3 --no-color " + Fixture("cpu.pb.gz"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Top functions by cum"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace godx::pprof

namespace godx::pprof {
namespace {

// Java and gperftools thread profiles, cut at every byte: read or refused with a message naming
// the input, never a crash; the whole files give pprof's sample counts (MANIFEST's .string dumps).
TEST(PprofLegacyText, EveryCutOfJavaAndThreadProfilesIsHandled) {
  GODX_REQUIRE_SHARED(shared);
  const std::string dir = shared + "/corpus/pprof/google-pprof/profile/testdata/";
  for (std::string file : {"java.heap", "java.contention", "cppbench.thread", "cppbench.thread.all",
                           "cppbench.thread.none"}) {
    std::string data = testing::ReadFile(dir + file);
    // The sample count of pprof's own String() dump beside each file (*.string).
    std::string dump = testing::ReadFile(dir + file + ".string");
    size_t want = 0;
    bool in_samples = false;
    std::istringstream ss(dump);
    for (std::string line; std::getline(ss, line);) {
      if (line == "Samples:") {
        in_samples = true;
        std::getline(ss, line);  // the sample types
        continue;
      }
      if (line == "Locations") break;
      if (in_samples && line.find(": ") != std::string::npos && line.find(':') < 40 && line[0] == ' ' &&
          line.find_first_not_of(" 0123456789") == line.find(':')) {
        ++want;
      }
    }
    auto whole = ReadProfile(file, data);
    ASSERT_TRUE(whole.ok()) << whole.status().message();
    EXPECT_GT(want, 0u) << file;
    EXPECT_EQ(whole->num_samples(), want) << file;
    for (size_t cut = 0; cut < data.size(); cut += 7) {
      auto r = ReadProfile(file, std::string_view(data).substr(0, cut));
      if (!r.ok()) {
        EXPECT_NE(r.status().message().find(file), std::string::npos) << r.status().message();
      }
    }
  }
}

}  // namespace
}  // namespace godx::pprof
