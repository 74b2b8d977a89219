// Every gctrace fixture of every Go release in the matrix (testdata/releases/), read by the godx
// binary as a user would (`godx gc --json`), against an independent std::regex reading of the same
// file: cycles, pauses, GC CPU and its split, GOMAXPROCS per cycle and its changes, scavenger
// lines and the memory they returned. A fixture whose format godx does not recognise fails.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "core/report.h"
#include "gclog/regex_reading.h"
#include "testing/testing.h"

namespace godx::gclog {
namespace {

using godx::testing::Describe;
using godx::testing::MatrixFixture;
using godx::testing::MatrixFixtures;
using godx::testing::ReadFile;
using godx::testing::TestData;

using godx::testing::ReleaseMinor;

Json GodxReport(const MatrixFixture& f) {
  return godx::testing::GodxEnvelope("gc --json " + TestData(f.path), "gc");
}

// The reading godx must agree with; the shredded fixture first has the program's JSON cut out.
RegexReading Independent(const MatrixFixture& f) {
  std::string text = ReadFile(TestData(f.path));
  if (f.cell == "gctrace-shredded") text = godx::testing::CutChattyJson(text);
  return ReadGcLogWithRegex(text);
}

double Sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

// Nearest-rank percentile, as godx's summaries use.
double NearestRank(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(std::ceil(q * double(v.size())));
  return v[std::max<size_t>(k, 1) - 1];
}

TEST(GcReleaseMatrix, EveryFixtureIsRecognisedWithItsRelease) {
  auto fixtures = MatrixFixtures("gctrace");
  ASSERT_GE(fixtures.size(), 12u) << "expected four gctrace cells for each of three releases";
  for (const MatrixFixture& f : fixtures) {
    SCOPED_TRACE(Describe(f));
    Json r = GodxReport(f);
    const Json& s = r["summary"];
    // The line format of every release since 1.18, and nothing that did not parse.
    EXPECT_EQ(s.value("format", ""), "Go 1.18+");
    EXPECT_EQ(s.value("malformed_lines", -1), 0);
    // The release godx names must hold the release that really wrote the fixture.
    godx::testing::ExpectReleaseWithin(r.value("go_release", Json()), f.release);
  }
}

TEST(GcReleaseMatrix, CyclesAndPausesAgreeWithAnIndependentReading) {
  for (const MatrixFixture& f : MatrixFixtures("gctrace")) {
    SCOPED_TRACE(Describe(f));
    RegexReading ind = Independent(f);
    ASSERT_GT(ind.cycles, 0u) << "no gctrace line in the fixture";
    Json r = GodxReport(f);
    const Json& s = r["summary"];
    EXPECT_EQ(s.value("cycles", 0u), ind.cycles);
    EXPECT_EQ(s.value("forced_cycles", 0u), ind.forced);
    EXPECT_EQ(s.value("leak_check_cycles", 0u), ind.leak_checks);
    const Json& p = s["pause_ms"];
    EXPECT_NEAR(p.value("max", -1.0), *std::max_element(ind.pauses.begin(), ind.pauses.end()),
                1e-4);
    EXPECT_NEAR(p.value("p50", -1.0), NearestRank(ind.pauses, 0.5), 1e-4);
    EXPECT_NEAR(p.value("p99", -1.0), NearestRank(ind.pauses, 0.99), 1e-4);
    EXPECT_NEAR(p.value("total", -1.0), Sum(ind.pauses), 1e-3 + 1e-6 * Sum(ind.pauses));
    // Per-cycle series: the same cycle numbers and P counts, in order.
    const Json& series = r["series"];
    ASSERT_TRUE(series.is_object());
    EXPECT_EQ(series["cycle"].get<std::vector<int>>(), ind.nums);
    EXPECT_EQ(series["procs"].get<std::vector<int>>(), ind.procs);
  }
}

TEST(GcReleaseMatrix, GcCpuUsesEachCyclesGomaxprocs) {
  for (const MatrixFixture& f : MatrixFixtures("gctrace")) {
    SCOPED_TRACE(Describe(f));
    RegexReading ind = Independent(f);
    ASSERT_GT(ind.cycles, 1u);
    ASSERT_TRUE(ind.all_cpu) << "a cycle without 'A+B/C/D+E ms cpu'";
    Json r = GodxReport(f);
    const Json& cpu = r["summary"]["gc_cpu"];
    double total = Sum(ind.cpu_total), idle = Sum(ind.cpu_idle);
    double tol = 1e-3 + 1e-5 * total;
    EXPECT_NEAR(cpu.value("total_ms", -1.0), total, tol);
    EXPECT_NEAR(cpu.value("assist_ms", -1.0), Sum(ind.cpu_assist), tol);
    EXPECT_NEAR(cpu.value("background_ms", -1.0), Sum(ind.cpu_background), tol);
    EXPECT_NEAR(cpu.value("idle_ms", -1.0), idle, tol);
    // The CPU available to Go: each interval between cycles at the GOMAXPROCS of its first
    // cycle, so that a run whose GOMAXPROCS changed is not judged by one P count.
    double proc_ms = 0;
    for (size_t i = 0; i + 1 < ind.cycles; ++i) {
      proc_ms += (ind.at_s[i + 1] - ind.at_s[i]) * 1000 * ind.procs[i];
    }
    ASSERT_GT(proc_ms, 0);
    EXPECT_NEAR(cpu.value("computed_pct", -1.0), (total - idle) / proc_ms * 100, 1e-3);
    EXPECT_NEAR(cpu.value("computed_with_idle_pct", -1.0), total / proc_ms * 100, 1e-3);
  }
}

TEST(GcReleaseMatrix, GomaxprocsChangesAreReportedWhereTheyHappen) {
  size_t with_changes = 0;
  for (const MatrixFixture& f : MatrixFixtures("gctrace")) {
    SCOPED_TRACE(Describe(f));
    RegexReading ind = Independent(f);
    Json r = GodxReport(f);
    const Json& g = r["summary"]["gomaxprocs"];
    EXPECT_EQ(g.value("min", -1), *std::min_element(ind.procs.begin(), ind.procs.end()));
    EXPECT_EQ(g.value("max", -1), *std::max_element(ind.procs.begin(), ind.procs.end()));
    EXPECT_EQ(g.value("first", -1), ind.procs.front());
    EXPECT_EQ(g.value("last", -1), ind.procs.back());
    Json want = Json::array();
    for (size_t i = 1; i < ind.cycles; ++i) {
      if (ind.procs[i] == ind.procs[i - 1]) continue;
      want.push_back(
          Json{{"cycle", ind.nums[i]}, {"from", ind.procs[i - 1]}, {"to", ind.procs[i]}});
    }
    EXPECT_EQ(g.value("changes", -1), int(want.size()));
    ASSERT_EQ(g["history"].size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(g["history"][i]["cycle"], want[i]["cycle"]);
      EXPECT_EQ(g["history"][i]["from"], want[i]["from"]);
      EXPECT_EQ(g["history"][i]["to"], want[i]["to"]);
    }
    with_changes += !want.empty();
    if (!want.empty()) {
      bool listed = false;
      for (const Json& x : r["findings"]) listed |= x.value("id", "") == "gc-gomaxprocs-changed";
      EXPECT_TRUE(listed) << "GOMAXPROCS changed but no gc-gomaxprocs-changed finding";
    }
    // gcscav changes GOMAXPROCS 2 → 1 → 2 itself, on every release; in the cpuset fixture the
    // cgroup's CPUs go 2 → 1 → 2, which only container-aware runtimes (1.25+) follow.
    if (f.cell == "gctrace-scavtrace") {
      EXPECT_EQ(want.size(), 2u);
    }
    if (f.path.ends_with("-cpuset.log")) {
      EXPECT_EQ(want.size(), ReleaseMinor(f.release) >= 25 ? 2u : 0u);
    }
  }
  EXPECT_GE(with_changes, 3u) << "the gcscav fixture of each release changes GOMAXPROCS";
}

TEST(GcReleaseMatrix, ScavengerLinesAgreeWithAnIndependentReading) {
  for (const MatrixFixture& f : MatrixFixtures("gctrace")) {
    SCOPED_TRACE(Describe(f));
    RegexReading ind = Independent(f);
    Json r = GodxReport(f);
    const Json& sc = r["summary"]["scavenger"];
    EXPECT_EQ(sc.value("scav_lines", 0u), ind.scav_lines);
    EXPECT_EQ(sc.value("unrecognised_lines", 1u), 0u);
    EXPECT_NEAR(sc.value("work_kib", -1.0), ind.scav_work_kib, 1e-9);
    EXPECT_NEAR(sc.value("eager_kib", -1.0), ind.scav_eager_kib, 1e-9);
    EXPECT_NEAR(sc.value("released_mb", -1.0), ind.scav_work_kib / 1024, 1e-9);
    if (ind.scav_lines > 0) {
      EXPECT_EQ(sc["released_now_kib"].get<long long>(), ind.scav_last_released_kib);
    } else {
      EXPECT_TRUE(sc["released_now_kib"].is_null());
    }
    // GODEBUG=scavtrace=1 prints a line per cycle on every release.
    if (f.cell == "gctrace-scavtrace") {
      EXPECT_GE(ind.scav_lines, ind.cycles / 2);
    }
  }
}

TEST(GcReleaseMatrix, MemoryLimitIsRecognisedOnEveryRelease) {
  size_t limited = 0;
  for (const MatrixFixture& f : MatrixFixtures("gctrace-memlimit")) {
    SCOPED_TRACE(Describe(f));
    Json r = GodxReport(f);
    bool found = false;
    for (const Json& x : r["findings"]) found |= x.value("id", "") == "gc-memory-limit";
    EXPECT_TRUE(found) << "GOMEMLIMIT=24MiB outgrown, but no gc-memory-limit finding";
    EXPECT_LT(r["summary"].value("late_headroom_pct", 100.0), 15);
    ++limited;
  }
  EXPECT_GE(limited, 3u);
}

}  // namespace
}  // namespace godx::gclog
