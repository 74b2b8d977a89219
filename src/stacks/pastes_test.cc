// The pastes corpus (testdata/pastes/): real crash output as users paste it — behind CI and log
// collector prefixes, indented, quoted, with tabs lost, double spaced, with CRLF, wrapped, cut —
// made by scripts/gen-paste-fixtures from real programs' output, and short public excerpts from
// Go issues (testdata/pastes/public/, SOURCES.md). Each NAME.txt has NAME.expect: the facts a
// reader must report, read from the text independently of godx (testdata/gen/pastemake facts, or
// by hand for the public excerpts). `godx stacks --json` and `godx analyze --json` must both
// report them, and report the same crash and summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "testing/testing.h"

namespace godx::stacks {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> ReadExpect(const fs::path& p) {
  std::map<std::string, std::string> facts;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq != std::string::npos) facts[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return facts;
}

std::vector<fs::path> Pastes() {
  std::vector<fs::path> out;
  for (const char* dir : {"pastes", "pastes/public"}) {
    fs::path d = godx::testing::TestData(dir);
    if (!fs::is_directory(d)) continue;
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".expect") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// Checks one report against the facts; returns a one-line description of what it read.
void ExpectFacts(const Json& r, const std::map<std::string, std::string>& facts,
                 const std::string& what) {
  SCOPED_TRACE(what);
  const Json& crash = r["crash"];
  auto fact = [&](const std::string& k) {
    auto it = facts.find(k);
    return it == facts.end() ? std::string() : it->second;
  };
  const std::string kind = fact("crash");
  if (kind == "none") {
    EXPECT_TRUE(crash.is_null()) << crash.dump();
  } else {
    ASSERT_TRUE(crash.is_object()) << "no crash reported; expected " << kind;
    EXPECT_EQ(crash.value("kind", ""), kind);
    EXPECT_EQ(FirstLine(crash.value("message", "")), fact("message"));
  }
  if (facts.count("culprit")) {
    ASSERT_TRUE(crash.is_object() && crash["culprit"].is_object()) << "no culprit";
    EXPECT_EQ(crash["culprit"].value("function", ""), fact("culprit"));
    std::string file = crash["culprit"].value("file", "");
    file = file.substr(file.find_last_of('/') + 1);
    EXPECT_EQ(file + ":" + std::to_string(crash["culprit"].value("line", 0)), fact("file_line"));
  } else if (crash.is_object() && kind != "signal") {
    // The text holds none of the program's own frames: naming one would be a guess.
    EXPECT_TRUE(crash["culprit"].is_null()) << crash["culprit"].dump();
  }
  EXPECT_EQ(r["summary"].value("goroutines", uint64_t{0}), std::stoull(fact("goroutines")));
  EXPECT_EQ(r["summary"].value("races", uint64_t{0}), std::stoull(fact("races")));
  const std::string fragment = fact("fragment");
  const Json& got = r["summary"]["fragment"];
  if (fragment.empty()) {
    EXPECT_TRUE(got.is_null()) << got.dump();
  } else {
    ASSERT_TRUE(got.is_object()) << "not said to be a fragment (" << fragment << ")";
    EXPECT_TRUE(got.value(fragment, false)) << got.dump();
    EXPECT_FALSE(got.value("missing", std::string()).empty()) << got.dump();
  }
}

TEST(Pastes, EveryPasteReadsItsFactsInStacksAndAnalyzeAlike) {
  const std::vector<fs::path> pastes = Pastes();
  ASSERT_GE(pastes.size(), 60u) << "testdata/pastes/ is missing: run scripts/gen-paste-fixtures";
  for (const fs::path& expect : pastes) {
    fs::path text = expect;
    text.replace_extension(".txt");
    SCOPED_TRACE(text.string());
    const auto facts = ReadExpect(expect);
    ASSERT_TRUE(facts.count("crash") && facts.count("goroutines")) << "incomplete " << expect;
    const std::string quoted = "'" + text.string() + "'";
    Json stacks = godx::testing::GodxEnvelope("stacks --json " + quoted, "stacks");
    Json analyze = godx::testing::GodxEnvelope("analyze --json " + quoted, "stacks");
    ExpectFacts(stacks, facts, "godx stacks");
    ExpectFacts(analyze, facts, "godx analyze");
    // The same fact has the same value in every command.
    EXPECT_EQ(stacks["crash"], analyze["crash"]);
    EXPECT_EQ(stacks["summary"], analyze["summary"]);
  }
}

}  // namespace
}  // namespace godx::stacks
