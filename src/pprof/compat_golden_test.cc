// `godx pprof ARGS` against Go 1.26's `go tool pprof ARGS`, case by case
// (testdata/pprof/golden-pprof/text/cases.txt, recorded by scripts/gen-pprof-compat-golden): the
// same text after whitespace normalisation, or the same error. Cases whose difference is known
// and explained are marked in the table ("!known REASON"); this test fails if one of them starts
// to match, so the list stays true. "!unordered REASON" compares the lines in any order, for
// outputs whose row order pprof itself does not fix.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/input.h"
#include "testing/testing.h"

namespace godx::pprof {
namespace {

using testing::RunGodx;
using testing::SharedDir;
using testing::TestData;

struct Case {
  std::string name;
  std::vector<std::string> args;
  std::string known;  // why godx differs, when it does on purpose
  // pprof itself prints tied rows in a random order (Go map iteration feeds an unstable sort):
  // such cases compare the lines as a multiset.
  bool unordered = false;
  bool needs_shared = false;
};

std::vector<Case> ReadCases(const std::string& shared, const std::string& out_file) {
  std::ifstream f(TestData("pprof/golden-pprof/text/cases.txt"));
  std::vector<Case> cases;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    Case c;
    ss >> c.name;
    for (std::string a; ss >> a;) {
      if (a == "!known") {
        std::getline(ss, c.known);
        break;
      }
      if (a == "!unordered") {
        c.unordered = true;
        break;
      }
      auto replace = [&](const std::string& from, const std::string& to) {
        for (size_t at; (at = a.find(from)) != std::string::npos;) a.replace(at, from.size(), to);
      };
      if (a.find("@corpus/") != std::string::npos) c.needs_shared = true;
      replace("@corpus/", shared + "/corpus/pprof/");
      replace("@fixture/", TestData("pprof/"));
      replace("@gen", testing::SourceDir() + "/testdata/gen");
      replace("@out", out_file);
      c.args.push_back(a);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

// Lines trimmed, runs of blanks collapsed, trailing empty lines dropped.
std::vector<std::string> Normalize(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    std::string n;
    bool blank = false;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\r') {
        blank = true;
        continue;
      }
      if (blank && !n.empty()) n += ' ';
      blank = false;
      n += c;
    }
    lines.push_back(n);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The first lines where the two differ, with context, for a readable failure.
std::string Diff(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  std::ostringstream out;
  out << "first difference at line " << i + 1 << " (pprof " << want.size() << " lines, godx "
      << got.size() << " lines)\n";
  size_t from = i >= 2 ? i - 2 : 0;
  for (size_t k = from; k < i; ++k) out << "    " << want[k] << "\n";
  for (size_t k = i; k < want.size() && k < i + 6; ++k) out << "  - " << want[k] << "\n";
  for (size_t k = i; k < got.size() && k < i + 6; ++k) out << "  + " << got[k] << "\n";
  return out.str();
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

TEST(PprofCompatGolden, EveryCasePrintsWhatGoToolPprofPrints) {
  auto shared = SharedDir();
  setenv("TZ", "UTC", 1);  // pprof prints the profile's time in the local zone; recorded in UTC
  char tmp[] = "/tmp/godx-compat-XXXXXX";
  ASSERT_NE(mkdtemp(tmp), nullptr);
  const std::string out_file = std::string(tmp) + "/out";
  auto cases = ReadCases(shared.value_or("/nonexistent"), out_file);
  ASSERT_GT(cases.size(), 50u);
  int matched = 0, known = 0, skipped = 0;
  std::string known_list;
  for (const Case& c : cases) {
    if (c.needs_shared && !shared) {
      ++skipped;
      continue;
    }
    const std::string base = TestData("pprof/golden-pprof/text/" + c.name);
    bool want_error = std::filesystem::exists(base + ".err");
    // Outputs over 1 MiB are recorded gzip-compressed (NAME.out.gz).
    const std::string out_path =
        std::filesystem::exists(base + ".out.gz") ? base + ".out.gz" : base + ".out";
    if (!want_error && !std::filesystem::exists(out_path)) {
      ADD_FAILURE() << c.name << ": no recorded output; run scripts/gen-pprof-compat-golden";
      continue;
    }
    std::string cmd = "pprof";
    for (const std::string& a : c.args) cmd += " " + Quote(a);
    std::filesystem::remove(out_file);
    auto r = RunGodx(cmd);
    bool same;
    std::string why;
    if (want_error) {
      std::string want = testing::ReadFile(base + ".err");
      while (!want.empty() && want.back() == '\n') want.pop_back();
      same = r.exit_code != 0 && r.err.find(want) != std::string::npos;
      why = "pprof fails with '" + want + "'; godx exit " + std::to_string(r.exit_code) + ", stderr: " +
            r.err.substr(0, 300);
    } else {
      std::string got = std::filesystem::exists(out_file) ? testing::ReadFile(out_file) : r.out;
      auto recorded = Input::Open(out_path);
      ASSERT_TRUE(recorded.ok()) << recorded.status().message();
      std::string want(recorded->data());
      for (size_t at; (at = want.find("@root/")) != std::string::npos;) {
        want.replace(at, 6, testing::SourceDir() + "/");
      }
      auto w = Normalize(want), g = Normalize(got);
      if (c.unordered) {
        std::sort(w.begin(), w.end());
        std::sort(g.begin(), g.end());
      }
      same = r.exit_code == 0 && w == g;
      why = r.exit_code != 0 ? "godx failed: " + r.err.substr(0, 300) : Diff(w, g);
    }
    if (!c.known.empty()) {
      ++known;
      known_list += "  " + c.name + ":" + c.known + "\n";
      EXPECT_FALSE(same) << c.name << " now matches pprof: drop its !known mark";
      continue;
    }
    if (same) {
      ++matched;
    } else {
      ADD_FAILURE() << "godx " << cmd << "\n" << why;
    }
  }
  std::filesystem::remove_all(tmp);
  std::printf("%d cases match go tool pprof, %d differ on purpose, %d skipped (no ../shared)\n%s", matched,
              known, skipped, known_list.c_str());
  if (skipped > 0) GTEST_SKIP() << skipped << " cases need ../shared/corpus, which is absent";
}

}  // namespace
}  // namespace godx::pprof
