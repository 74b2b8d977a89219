// godx's top equals `go tool pprof -top` (Go 1.19's vendored google/pprof) on every profile of
// the shared corpus and on godx's own fixtures. The expected outputs are pprof's own, recorded
// by scripts/gen-pprof-golden into testdata/pprof/golden/ (NAME.top; NAME.err when pprof rejects
// the file).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "pprof/analyze.h"
#include "pprof/graph.h"
#include "pprof/merge.h"
#include "pprof/writer.h"
#include "pprof/golden_top.h"
#include "pprof/test_util.h"

namespace godx::pprof {
namespace {

namespace fs = std::filesystem;

using Golden = testutil::GoldenTop;
constexpr auto ParseGolden = testutil::ParseGoldenTop;

struct Case {
  std::string golden, profile, sample_index;
};

std::vector<Case> Cases(const std::string& shared) {
  std::vector<Case> out;
  std::string dir = testing::TestData("pprof/golden");
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".top") && !name.ends_with(".err")) continue;
    Case c;
    c.golden = e.path().string();
    std::string stem = name.substr(0, name.size() - 4);
    size_t at = stem.find('@');
    if (at != std::string::npos) {
      c.sample_index = stem.substr(at + 1);
      stem.resize(at);
    }
    std::string rel;
    for (size_t i = 0; i < stem.size(); ++i) {
      if (stem.compare(i, 2, "__") == 0) {
        rel += '/';
        ++i;
      } else {
        rel += stem[i];
      }
    }
    if (rel.starts_with("corpus/")) c.profile = shared + "/corpus/pprof/" + rel.substr(7);
    else if (rel.starts_with("fixture/")) c.profile = testing::TestData("pprof/" + rel.substr(8));
    else continue;
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.golden < b.golden; });
  return out;
}

// Formats godx does not read. For these godx must fail cleanly (an error naming the file),
// which the test checks instead. (gperftools threadz and Java profiles are read since
// legacy_text_reader.cc.)
bool KnownUnsupported(const std::string&) { return false; }

TEST(PprofGolden, TopMatchesGoToolPprof) {
  GODX_REQUIRE_SHARED(shared);
  auto cases = Cases(shared);
  ASSERT_GE(cases.size(), 60u) << "golden data missing: run scripts/gen-pprof-golden";
  size_t compared = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.golden);
    auto input = Input::Open(c.profile);
    ASSERT_TRUE(input.ok()) << input.status().message();
    auto p = ReadProfile(*input);
    if (c.golden.ends_with(".err")) {
      // pprof rejects it; godx may read more (threadcreate with empty stacks) but never crashes.
      continue;
    }
    if (KnownUnsupported(c.profile) && !p.ok()) {
      EXPECT_NE(p.status().message().find(input->name()), std::string::npos);
      continue;
    }
    ASSERT_TRUE(p.ok()) << p.status().message();
    size_t idx = p->DefaultSampleIndex();
    if (!c.sample_index.empty()) {
      int i = p->FindSampleIndex(c.sample_index);
      ASSERT_GE(i, 0);
      idx = static_cast<size_t>(i);
    }
    if (p->format != SourceFormat::kProto && p->format != SourceFormat::kJavaText &&
        p->format != SourceFormat::kLegacyCpu) {
      // pprof drops the symbol lines of Go's text profiles ('#' comments) and so shows every
      // frame as <unknown>; compare the values with the names set aside the same way.
      for (Location& loc : p->locations) loc.line_count = 0;
    }
    auto diffs = testutil::CompareTopWithGolden(*p, idx, ParseGolden(testing::ReadFile(c.golden)));
    for (size_t i = 0; i < diffs.size() && i < 5; ++i) ADD_FAILURE() << diffs[i];
    EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences from pprof";
    ++compared;
  }
  EXPECT_GE(compared, 50u);
}

std::vector<std::string> ManyProfiles(const std::string& shared) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(shared + "/corpus/pprof/parca/pkg/query/testdata/many")) {
    files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void ExpectTopEquals(const Profile& p, const std::string& golden_name) {
  SCOPED_TRACE(golden_name);
  Golden g = ParseGolden(testing::ReadFile(testing::TestData("pprof/golden/" + golden_name)));
  TopResult top = ComputeTop(p, p.DefaultSampleIndex(), false);
  EXPECT_EQ(top.total, g.total);
  EXPECT_EQ(top.rows.size(), g.row_count);
  size_t bad = 0;
  for (const TopRow& row : top.rows) {
    auto it = g.rows.find(std::string(row.name));
    if (it == g.rows.end() || it->second != std::make_pair(row.flat, row.cum)) {
      if (++bad <= 5) ADD_FAILURE() << "row differs from pprof: " << row.name << " " << row.flat << " " << row.cum;
    }
  }
  EXPECT_EQ(bad, 0u);
}

// pprof given ten heap profiles merges them; godx's Merger must give the same top.
TEST(PprofGolden, MergeMatchesGoToolPprof) {
  GODX_REQUIRE_SHARED(shared);
  auto files = ManyProfiles(shared);
  ASSERT_EQ(files.size(), 10u);
  std::vector<Profile> ps;
  for (const auto& f : files) ps.push_back(testutil::ReadFileProfile(f));
  Merger m;
  for (size_t i = 0; i < ps.size(); ++i) ASSERT_TRUE(m.Add(ps[i], files[i]).ok());
  ExpectTopEquals(m.Finish(), "merge__parca-many.top");
}

// -diff_base: percentages of the base total; -base: plain subtraction.
TEST(PprofGolden, DiffAndBaseMatchGoToolPprof) {
  GODX_REQUIRE_SHARED(shared);
  auto files = ManyProfiles(shared);
  ASSERT_EQ(files.size(), 10u);
  Profile first = testutil::ReadFileProfile(files[0]);
  Profile last = testutil::ReadFileProfile(files[9]);
  {
    Merger m;
    ASSERT_TRUE(m.Add(first, "base", -1, true).ok());
    ASSERT_TRUE(m.Add(last, "new").ok());
    ExpectTopEquals(m.Finish(), "diff__parca-many-first-last.top");
  }
  {
    Merger m;
    ASSERT_TRUE(m.Add(last, "new").ok());
    ASSERT_TRUE(m.Add(first, "base", -1, false).ok());
    ExpectTopEquals(m.Finish(), "base__parca-many-first-last.top");
  }
}

// -noinlines: inlined frames count for the function they were inlined into.
TEST(PprofGolden, NoInlinesMatchesGoToolPprof) {
  GODX_REQUIRE_SHARED(shared);
  Profile p = testutil::ReadFileProfile(shared + "/corpus/pprof/google-pprof/internal/proftest/testdata/large.cpu");
  DropInlinedFrames(&p);
  ExpectTopEquals(p, "noinlines__large.cpu.top");
}

// The merged profile godx writes loads in `go tool pprof` of every release of the matrix this
// machine has (scripts/go-release; a missing release is named and passed over) with the same
// total and rows.
TEST(PprofGolden, MergedProtoLoadsInGoToolPprof) {
  GODX_REQUIRE_SHARED(shared);
  auto files = ManyProfiles(shared);
  std::vector<Profile> ps;
  Merger m;
  for (const auto& f : files) ps.push_back(testutil::ReadFileProfile(f));
  for (size_t i = 0; i < ps.size(); ++i) ASSERT_TRUE(m.Add(ps[i], files[i]).ok());
  Profile merged = m.Finish();
  auto bytes = EncodeProfileFile(merged);
  ASSERT_TRUE(bytes.ok());
  char tmpl[] = "/tmp/godx-merged-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, bytes->data(), bytes->size()), static_cast<ssize_t>(bytes->size()));
  close(fd);
  Golden theirs = ParseGolden(testing::ReadFile(testing::TestData("pprof/golden/merge__parca-many.top")));
  int loaded = 0;
  for (const std::string& rel : testing::MatrixReleases()) {
    SCOPED_TRACE("go tool pprof of Go " + rel);
    std::string out_path = std::string(tmpl) + ".top";
    std::string cmd = testing::SourceDir() + "/scripts/go-release " + rel +
                      " go tool pprof -top -nodefraction=0 -unit=ns " + tmpl + " >" + out_path +
                      " 2>/dev/null";
    int st = std::system(cmd.c_str());
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::string text = rc == 0 ? testing::ReadFile(out_path) : "";
    unlink(out_path.c_str());
    if (rc == 3) {
      std::cerr << "Go " << rel << " is not available here: not checked with its pprof\n";
      continue;
    }
    ASSERT_EQ(rc, 0);
    Golden ours = ParseGolden(text);
    EXPECT_EQ(ours.total, theirs.total);
    EXPECT_EQ(ours.rows, theirs.rows);
    ++loaded;
  }
  unlink(tmpl);
  if (loaded == 0) GTEST_SKIP() << "no Go release of the matrix is installed";
}

}  // namespace
}  // namespace godx::pprof
