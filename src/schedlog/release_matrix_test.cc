// Every schedtrace/scheddetail fixture of every Go release in the matrix (testdata/releases/),
// read by the godx binary as a user would (`godx sched --json`), against an independent
// std::regex reading of the same file: samples, GOMAXPROCS per sample and its changes, threads,
// queues, idle Ps, and scheddetail's goroutines. A fixture whose format godx does not recognise
// fails.
#include <algorithm>

#include <gtest/gtest.h>

#include "core/report.h"
#include "schedlog/regex_reading.h"
#include "testing/testing.h"

namespace godx::schedlog {
namespace {

using godx::testing::Describe;
using godx::testing::MatrixFixture;
using godx::testing::MatrixFixtures;
using godx::testing::ReadFile;
using godx::testing::TestData;

using godx::testing::ReleaseMinor;

Json GodxReport(const MatrixFixture& f) {
  return godx::testing::GodxEnvelope("sched --json " + TestData(f.path), "sched");
}

bool HasFinding(const Json& r, const std::string& id) {
  for (const Json& f : r["findings"]) {
    if (f.value("id", "") == id) return true;
  }
  return false;
}

TEST(SchedReleaseMatrix, EveryFixtureIsRecognisedWithItsRelease) {
  auto fixtures = MatrixFixtures("sched");
  ASSERT_GE(fixtures.size(), 9u) << "expected schedtrace and scheddetail for three releases";
  for (const MatrixFixture& f : fixtures) {
    SCOPED_TRACE(Describe(f));
    Json r = GodxReport(f);
    EXPECT_EQ(r["summary"].value("malformed_lines", -1), 0);
    const Json& g = r.value("go_release", Json());
    godx::testing::ExpectReleaseWithin(g, f.release);
    if (!g.is_object()) continue;
    int rel = ReleaseMinor(f.release);
    // Every release's own signs must place it on its side of the 1.20 and 1.24 changes.
    if (rel >= 25) {
      EXPECT_GE(ReleaseMinor(g["min"]), 24) << g.dump();
    } else {
      EXPECT_TRUE(g["max"].is_string()) << g.dump();
    }
  }
}

TEST(SchedReleaseMatrix, SamplesAgreeWithAnIndependentReading) {
  for (const MatrixFixture& f : MatrixFixtures("sched")) {
    SCOPED_TRACE(Describe(f));
    RegexReading ind = ReadSchedLogWithRegex(ReadFile(TestData(f.path)));
    ASSERT_GT(ind.samples.size(), 0u) << "no SCHED line in the fixture";
    Json r = GodxReport(f);
    const Json& s = r["summary"];
    const size_t n = ind.samples.size();
    EXPECT_EQ(s.value("samples", 0u), n);
    int max_threads = 0, max_runq = 0;
    double runq = 0, local = 0, idle = 0, procs = 0;
    for (const RegexSample& x : ind.samples) {
      max_threads = std::max(max_threads, x.threads);
      max_runq = std::max(max_runq, x.runqueue);
      runq += x.runqueue;
      local += double(x.local_sum);
      idle += x.idleprocs;
      procs += x.gomaxprocs;
    }
    EXPECT_EQ(s.value("max_threads", -1), max_threads);
    EXPECT_EQ(s["threads"].value("first", -1), ind.samples.front().threads);
    EXPECT_EQ(s["threads"].value("last", -1), ind.samples.back().threads);
    EXPECT_EQ(s["runqueue"].value("max", -1), max_runq);
    EXPECT_NEAR(s["runqueue"].value("mean", -1.0), runq / double(n), 1e-9);
    EXPECT_NEAR(s["local_queued"].value("mean", -1.0), local / double(n), 1e-9);
    EXPECT_NEAR(s.value("idleprocs_mean", -1.0), idle / double(n), 1e-9);
    EXPECT_NEAR(s.value("idle_share_pct", -1.0), idle / procs * 100, 1e-9);
    // The series, sample by sample.
    const Json& series = r["series"];
    ASSERT_EQ(series["gomaxprocs"].size(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(series["gomaxprocs"][i], ind.samples[i].gomaxprocs) << "sample " << i;
      EXPECT_EQ(series["threads"][i], ind.samples[i].threads) << "sample " << i;
      EXPECT_EQ(series["local_queued"][i], ind.samples[i].local_sum) << "sample " << i;
    }
    if (ind.detail) {
      ASSERT_TRUE(s["detail"].is_object());
      EXPECT_EQ(s["detail"].value("goroutines", 0u), ind.last_goroutines);
      EXPECT_EQ(s["detail"]["by_status"].value("waiting", 0u), ind.last_waiting);
    }
  }
}

TEST(SchedReleaseMatrix, GomaxprocsChangesAreReportedWhereTheyHappen) {
  for (const MatrixFixture& f : MatrixFixtures("sched")) {
    SCOPED_TRACE(Describe(f));
    RegexReading ind = ReadSchedLogWithRegex(ReadFile(TestData(f.path)));
    ASSERT_GT(ind.samples.size(), 0u);
    Json r = GodxReport(f);
    const Json& g = r["summary"]["gomaxprocs"];
    std::vector<std::pair<long long, int>> want;  // (t_ms, to)
    int lo = ind.samples[0].gomaxprocs, hi = lo;
    for (size_t i = 1; i < ind.samples.size(); ++i) {
      lo = std::min(lo, ind.samples[i].gomaxprocs);
      hi = std::max(hi, ind.samples[i].gomaxprocs);
      if (ind.samples[i].gomaxprocs != ind.samples[i - 1].gomaxprocs) {
        want.emplace_back(ind.samples[i].t_ms, ind.samples[i].gomaxprocs);
      }
    }
    EXPECT_EQ(g.value("min", -1), lo);
    EXPECT_EQ(g.value("max", -1), hi);
    EXPECT_EQ(g.value("changes", -1), int(want.size()));
    ASSERT_EQ(g["history"].size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(g["history"][i]["t_ms"], want[i].first);
      EXPECT_EQ(g["history"][i]["to"], want[i].second);
    }
    EXPECT_EQ(HasFinding(r, "sched-gomaxprocs-changed"), !want.empty());
    // The cpuset fixture's CPUs go 2 → 1 → 2; only container-aware runtimes (1.25+) follow.
    if (f.path.ends_with("-cpuset.log")) {
      EXPECT_EQ(want.size(), ReleaseMinor(f.release) >= 25 ? 2u : 0u);
    }
  }
}

}  // namespace
}  // namespace godx::schedlog
