// Every goroutine-dump, crash and race fixture of every Go release in the matrix
// (testdata/releases/go<REL>.txt), read by godx and checked against a reading of the same text
// written here, independently of the reader: header lines counted with a regular expression,
// "goroutine profile: total N", the first "panic:"/"fatal error:" line, "WARNING: DATA RACE"
// blocks, "(leaked)" markers and the label sets in headers. A fixture godx does not recognise as
// a dump fails; nothing is skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/wait_reason.h"
#include "stacks/analyze.h"
#include "stacks/labels.h"
#include "stacks/reader.h"
#include "stacks/version.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

using godx::testing::MatrixFixture;

// The cells whose fixtures are goroutine dumps, crashes or race reports.
const std::set<std::string>& StacksCells() {
  static const std::set<std::string> cells = {
      "panic",          "panic-all",     "panic-system",         "panic-crash",
      "fatal",          "fatal-all",     "sigquit",              "sigquit-system",
      "sigquit-crash",  "sigquit-labels", "race",   "http-panic",           "gotest",
      "dump-debug1",    "dump-debug2",   "pprof-goroutine-text", "pprof-goroutineleak-text",
      "live-goroutine", "pprof-goroutineleak-debug2"};
  return cells;
}

bool IsDebug1Cell(const std::string& cell) {
  return cell == "dump-debug1" || cell == "pprof-goroutine-text" ||
         cell == "pprof-goroutineleak-text" || cell == "live-goroutine";
}

std::vector<MatrixFixture> StacksFixtures() {
  std::vector<MatrixFixture> out;
  for (auto& f : godx::testing::MatrixFixtures(""))
    if (StacksCells().count(f.cell)) out.push_back(f);
  return out;
}

using godx::testing::ReleaseMinor;

// ---- The independent reading ----

struct Expected {
  uint64_t goroutines = 0;  // "goroutine N ..." headers, N != 0 (g0 is an M's stack)
  uint64_t leaked = 0;      // headers whose bracket holds "(leaked)"
  bool debug1 = false;
  uint64_t debug1_total = 0;    // "goroutine[leak] profile: total N"
  uint64_t debug1_records = 0;  // sum of "COUNT @ ..." record counts
  std::string first_panic;      // value on the first "panic: " line, qualifiers removed
  std::string first_fatal;      // text of the first "fatal error: " line
  std::string http_panic;       // value after "http: panic serving ADDR: "
  bool sigquit = false;
  uint64_t races = 0;                      // "WARNING: DATA RACE" lines
  std::map<std::string, uint64_t> labels;  // label set text (braces included) → goroutines
  uint64_t labels_inside = 0;              // of them printed inside the bracket (Go 1.26)
  std::set<std::string> states;            // states in headers
};

Expected ReadIndependently(const std::string& text) {
  static const std::regex header(
      R"(^goroutine (\d+) (gp=\S+ m=\S+ (mp=\S+ )?)?\[([^\]]*)\](.*):$)");
  static const std::regex labels_after(R"(^ (\{.*\})$)");
  static const std::regex labels_inside(R"(^(.*?),? ?labels:(\{.*\})$)");
  static const std::regex record(R"(^(\d+) @( 0x[0-9a-f]+)+$)");
  static const std::regex total(R"(^goroutine(leak)? profile: total (\d+)$)");
  static const std::regex panic_line(R"(^panic: (.*?)( \[recovered(, repanicked)?\])?$)");
  static const std::regex http_line(R"(http: panic serving [^ ]+: (.*)$)");
  Expected e;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, header)) {
      if (m[1] == "0") continue;
      ++e.goroutines;
      std::string bracket = m[4];
      std::string after = m[5];
      std::smatch lm;
      if (std::regex_match(after, lm, labels_after)) {
        ++e.labels[lm[1]];
      } else if (std::regex_match(bracket, lm, labels_inside)) {
        ++e.labels[lm[2]];
        ++e.labels_inside;
        bracket = lm[1];
      }
      if (bracket.find(" (leaked)") != std::string::npos) ++e.leaked;
      std::string state = bracket.substr(0, bracket.find(", "));
      e.states.insert(state);
    } else if (std::regex_match(line, m, total)) {
      e.debug1 = true;
      e.debug1_total += std::stoull(m[2]);
    } else if (std::regex_match(line, m, record)) {
      e.debug1_records += std::stoull(m[1]);
    } else if (e.first_panic.empty() && std::regex_match(line, m, panic_line)) {
      e.first_panic = m[1];
    } else if (e.first_fatal.empty() && line.rfind("fatal error: ", 0) == 0) {
      e.first_fatal = line.substr(13);
    } else if (e.http_panic.empty() && std::regex_search(line, m, http_line)) {
      e.http_panic = m[1];
    } else if (line == "SIGQUIT: quit") {
      e.sigquit = true;
    } else if (line == "WARNING: DATA RACE") {
      ++e.races;
    }
  }
  return e;
}

// Label pairs read with a regular expression: a key or value is a Go-quoted string or a bare
// run of [A-Za-z0-9./_] (Go 1.27 quotes only when needed).
std::vector<std::pair<std::string, std::string>> LabelPairs(const std::string& set) {
  static const std::regex pair(R"rx((?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9./_]*)): ?)rx"
                               R"rx((?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9./_]*)))rx");
  std::vector<std::pair<std::string, std::string>> out;
  std::string inner = set.substr(1, set.size() - 2);
  for (auto it = std::sregex_iterator(inner.begin(), inner.end(), pair);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (m.length(0) == 0) continue;
    out.emplace_back(m[1].matched ? m[1].str() : m[2].str(),
                     m[3].matched ? m[3].str() : m[4].str());
  }
  return out;
}

Dump ReadMatrixFixture(const MatrixFixture& f) {
  Input in = godx::testing::InputFromString(
      f.path, godx::testing::ReadFile(godx::testing::TestData(f.path)));
  auto d = ReadDump(in);
  EXPECT_TRUE(d.ok()) << Describe(f) << ": " << d.status().message();
  return d.ok() ? std::move(d).value() : Dump{};
}

// ---- The checks ----

TEST(StacksReleaseMatrix, EveryReleaseHasTheStacksCells) {
  std::map<std::string, std::set<std::string>> cells;
  for (const auto& f : StacksFixtures()) cells[f.release].insert(f.cell);
  for (const auto& release : godx::testing::MatrixReleases()) {
    SCOPED_TRACE("go" + release);
    for (const char* cell : {"panic", "panic-all", "panic-system", "panic-crash", "fatal",
                             "fatal-all", "sigquit", "sigquit-system", "sigquit-crash", "race",
                             "http-panic", "gotest", "dump-debug1", "dump-debug2"})
      EXPECT_TRUE(cells[release].count(cell)) << "no fixture for cell " << cell;
    // The goroutineleak profile and GODEBUG=tracebacklabels exist from Go 1.26 on.
    if (ReleaseMinor(release) >= 26) {
      EXPECT_TRUE(cells[release].count("pprof-goroutineleak-debug2"));
      EXPECT_TRUE(cells[release].count("sigquit-labels"));
    }
  }
}

TEST(StacksReleaseMatrix, EveryFixtureIsRecognisedWithTheRightShape) {
  size_t n = 0;
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    ++n;
    Dump d = ReadMatrixFixture(f);
    if (f.cell == "race") {
      EXPECT_GT(d.races.size(), 0u) << "not recognised as a race report";
    } else if (IsDebug1Cell(f.cell)) {
      EXPECT_TRUE(d.debug1) << "not recognised as a ?debug=1 profile";
    } else {
      EXPECT_GT(d.goroutines, 0u) << "no goroutines recognised";
    }
    if (f.cell.rfind("panic", 0) == 0 || f.cell.rfind("fatal", 0) == 0 ||
        f.cell.rfind("sigquit", 0) == 0 || f.cell == "http-panic" || f.cell == "gotest") {
      EXPECT_FALSE(d.crashes.empty()) << "no crash recognised";
    }
    // One dump per fixture, whatever the header syntax of the release.
    if (f.cell == "sigquit" || f.cell == "sigquit-system" || f.cell == "dump-debug2" ||
        f.cell == "pprof-goroutineleak-debug2" || f.cell == "panic-all") {
      EXPECT_EQ(d.sections, 1u);
    }
    EXPECT_FALSE(d.truncated) << d.truncated_why;
  }
  EXPECT_GE(n, 40u) << "the matrix lost fixtures";
}

TEST(StacksReleaseMatrix, GoroutineCountsMatchTheHeaders) {
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    Expected e = ReadIndependently(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    uint64_t in_buckets = 0;
    for (const Bucket& b : d.buckets) in_buckets += b.count;
    if (e.debug1) {
      EXPECT_EQ(d.declared_total, e.debug1_total);
      EXPECT_EQ(d.goroutines, e.debug1_records);
      EXPECT_EQ(d.goroutines, e.debug1_total) << "a whole profile lists every goroutine";
    } else {
      EXPECT_EQ(d.goroutines, e.goroutines);
    }
    EXPECT_EQ(in_buckets, d.goroutines);
  }
}

TEST(StacksReleaseMatrix, CrashValuesMatchTheCrashLines) {
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    Expected e = ReadIndependently(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    if (d.crashes.empty()) {
      EXPECT_TRUE(e.first_panic.empty() && e.first_fatal.empty() && e.http_panic.empty() &&
                  !e.sigquit)
          << "the text has a crash line godx did not read";
      continue;
    }
    const Crash& c = d.crashes.front();
    if (!e.http_panic.empty()) {
      EXPECT_EQ(c.kind, CrashKind::kHttpPanic);
      EXPECT_EQ(c.message, e.http_panic);
    } else if (!e.first_panic.empty()) {
      EXPECT_EQ(c.kind, CrashKind::kPanic);
      ASSERT_FALSE(c.chain.empty());
      EXPECT_EQ(c.chain.front().value.substr(0, c.chain.front().value.find('\n')), e.first_panic);
    } else if (!e.first_fatal.empty()) {
      EXPECT_EQ(c.kind, CrashKind::kFatal);
      EXPECT_EQ(c.message, e.first_fatal);
    } else if (e.sigquit) {
      EXPECT_EQ(c.kind, CrashKind::kSignal);
      EXPECT_EQ(c.message, "SIGQUIT: quit");
    }
    // The crashed goroutine is one the dump lists (g0 aside).
    if (c.goroutine > 0) {
      EXPECT_FALSE(c.stack.empty());
    }
  }
}

TEST(StacksReleaseMatrix, RaceReportsMatchTheWarnings) {
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    Expected e = ReadIndependently(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    EXPECT_EQ(d.races.size(), e.races);
    for (const Race& r : d.races) EXPECT_GE(r.stacks.size(), 2u) << "an access and the other";
  }
}

TEST(StacksReleaseMatrix, LabelsInHeadersMatchAndParse) {
  // Go 1.27 prints labels in every traceback by default; 1.26 only with
  // GODEBUG=tracebacklabels=1 (the sigquit-labels cell), 1.19 never.
  std::map<std::string, uint64_t> labeled_per_release;
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    Expected e = ReadIndependently(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    if (IsDebug1Cell(f.cell)) continue;  // "# labels:" lines: ParsesDebug1WithLabels
    std::map<std::string, uint64_t> got;
    for (const Bucket& b : d.buckets)
      for (const auto& [set, n] : b.labels) got[std::string(d.Str(set))] += n;
    EXPECT_EQ(got, e.labels);
    uint64_t labeled = 0;
    for (const auto& [set, n] : e.labels) {
      labeled += n;
      std::vector<Label> parsed;
      ASSERT_TRUE(ParseLabelSet(set, &parsed)) << set;
      auto pairs = LabelPairs(set);
      ASSERT_EQ(parsed.size(), pairs.size()) << set;
      for (size_t i = 0; i < parsed.size(); ++i) {
        EXPECT_EQ(parsed[i].key, pairs[i].first) << set;
        EXPECT_EQ(parsed[i].value, pairs[i].second) << set;
      }
    }
    EXPECT_EQ(d.labeled, labeled);
    if (f.cell == "sigquit-labels") {
      EXPECT_GT(labeled, 0u) << "run with GODEBUG=tracebacklabels=1";
      // Inside the bracket on 1.26, after it on 1.27.
      EXPECT_EQ(e.labels_inside, ReleaseMinor(f.release) == 26 ? labeled : 0u);
    } else {
      labeled_per_release[f.release] += labeled;
    }
  }
  for (const auto& [release, n] : labeled_per_release) {
    SCOPED_TRACE("go" + release);
    if (ReleaseMinor(release) >= 27)
      EXPECT_GT(n, 0u) << "Go 1.27 fixtures of labelled programs carry header labels";
    else
      EXPECT_EQ(n, 0u) << "only GODEBUG=tracebacklabels=1 prints them before Go 1.27";
  }
}

TEST(StacksReleaseMatrix, LeakedGoroutinesMatchAndAreReported) {
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    Expected e = ReadIndependently(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    if (f.cell == "pprof-goroutineleak-text") {
      EXPECT_EQ(d.leaked, e.debug1_total) << "every goroutine of the leak profile is leaked";
    } else {
      EXPECT_EQ(d.leaked, e.leaked);
    }
    if (f.cell == "pprof-goroutineleak-debug2") {
      EXPECT_GT(e.leaked, 0u) << "the leak profile of Go " << f.release << " shows leaks";
    }
    Report r = AnalyzeDump(d);
    const Finding* proof = godx::testing::FindFinding(r, "leaked-goroutines");
    if (d.leaked == 0) {
      EXPECT_EQ(proof, nullptr);
      continue;
    }
    ASSERT_NE(proof, nullptr);
    EXPECT_NE(proof->title.find(std::to_string(d.leaked) + " leaked goroutine"),
              std::string::npos)
        << proof->title;
    EXPECT_NE(proof->title.find("main.leak.func1 at main.go:64"), std::string::npos)
        << proof->title;
    EXPECT_EQ(r.summary["leaked"], d.leaked);
  }
}

// Lock convoys are told apart by the mutex's address. Go 1.24 moved sync.Mutex into
// internal/sync (sync.(*Mutex).Lock is then inlined, without arguments) and Go 1.26 randomised
// the heap's base; the address must still be found in every release.
TEST(StacksReleaseMatrix, MutexAddressesMatchTheLockSlowFrames) {
  static const std::regex lock_slow(
      R"(^(internal/)?sync\.\(\*Mutex\)\.lockSlow\((0x[0-9a-f]+)\)$)");
  uint64_t total = 0;
  for (const auto& f : StacksFixtures()) {
    if (IsDebug1Cell(f.cell)) continue;
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    std::istringstream in(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    std::map<std::string, uint64_t> want;
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_match(line, m, lock_slow)) ++want[m[2]];
    std::map<std::string, uint64_t> got;
    for (const Bucket& b : d.buckets)
      for (const auto& [obj, n] : b.wait_objects)
        if (want.count(std::string(d.Str(obj)))) got[std::string(d.Str(obj))] += n;
    EXPECT_EQ(got, want);
    for (const auto& [addr, n] : want) total += n;
  }
  EXPECT_GT(total, 0u) << "the fixtures hold mutex waits";
}

TEST(StacksReleaseMatrix, EveryStateInTheHeadersHasAWaitClass) {
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Expected e = ReadIndependently(godx::testing::ReadFile(godx::testing::TestData(f.path)));
    for (const auto& state : e.states)
      EXPECT_NE(ClassifyWaitReason(state), WaitClass::kOther) << "[" << state << "]";
  }
}

TEST(StacksReleaseMatrix, TheReleaseRecognisedHoldsTheOneThatPrintedIt) {
  for (const auto& f : StacksFixtures()) {
    SCOPED_TRACE(Describe(f));
    Dump d = ReadMatrixFixture(f);
    std::string text = godx::testing::ReadFile(godx::testing::TestData(f.path));
    ReleaseVerdict v = RecogniseRelease(d.version);
    const int minor = ReleaseMinor(f.release);
    EXPECT_FALSE(v.conflict) << v.text;
    EXPECT_LE(v.min_minor, minor) << v.text;
    EXPECT_GE(v.max_minor, minor) << v.text;
    // Where the runtime's own frames show where the toolchain lives, the release is named
    // exactly: Go 1.27.3 came from a GOTOOLCHAIN download, 1.19 from Debian's golang-1.19
    // (which names no patch release); 1.26.8 sits in /usr/local/go, which names nothing.
    // "go version go1.27.3 linux/amd64"
    std::string go_version = godx::testing::MatrixGoVersion(f.release);
    if (text.find("toolchain@v0.0.1-go" + f.release + ".") != std::string::npos &&
        text.find("/src/runtime/") != std::string::npos) {
      size_t at = go_version.find("go1.");
      int patch = std::stoi(go_version.substr(go_version.find('.', at + 4) + 1));
      EXPECT_EQ(v.min_minor, minor);
      EXPECT_EQ(v.max_minor, minor);
      EXPECT_EQ(v.patch, patch) << v.text;
    } else if (text.find("/usr/lib/go-" + f.release + "/src/runtime/") != std::string::npos) {
      EXPECT_EQ(v.min_minor, minor);
      EXPECT_EQ(v.max_minor, minor);
      EXPECT_EQ(v.patch, -1) << v.text;
    }
    // Header labels after the bracket exist from 1.27 on, "(leaked)" from 1.26 on.
    Expected e = ReadIndependently(text);
    if (!e.labels.empty()) {
      EXPECT_GE(v.min_minor, e.labels_inside > 0 ? 26 : 27) << v.text;
    }
    if (e.leaked > 0) {
      EXPECT_GE(v.min_minor, 26) << v.text;
    }
    Report r = AnalyzeDump(d);
    EXPECT_EQ(r.summary["go_release"]["text"], v.text);
  }
}

}  // namespace
}  // namespace godx::stacks
