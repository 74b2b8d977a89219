// GC, MMU, annotation and utilisation views on the real fixtures, and the two exports checked by
// decoding what godx wrote.
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/input.h"
#include "testing/testing.h"
#include "trace/analyze.h"
#include "trace/annotations.h"
#include "trace/export_perfetto.h"
#include "trace/gc_analysis.h"
#include "trace/gc_report.h"
#include "trace/mmu.h"
#include "trace/reader.h"
#include "trace/summary.h"
#include "trace/utilisation.h"

namespace godx::trace {
namespace {

using godx::testing::RunGodx;
using godx::testing::TestData;

const char* kFixtures[] = {"go1.19-full", "go1.26-full", "go1.27-full", "go1.27-flight"};

struct Views {
  TraceInfo info;
  TraceSummary summary;
  GcResult gc;
  AnnotationResult notes;
  UtilisationResult util;
};

Views Read(const std::string& name) {
  auto input = Input::Open(TestData("trace/" + name + ".trace"));
  EXPECT_TRUE(input.ok());
  auto minor = ParseHeader(input->data(), name);
  EXPECT_TRUE(minor.ok());
  SummaryBuilder summary;
  GcAnalyzer gc(*minor);
  AnnotationAnalyzer notes;
  UtilisationAnalyzer util(*minor >= 22);
  struct Fan : EventSink {
    std::vector<EventSink*> s;
    void OnGeneration(const Generation& g) override { for (auto* x : s) x->OnGeneration(g); }
    void OnEvent(const Event& e) override { for (auto* x : s) x->OnEvent(e); }
  } fan;
  fan.s = {&summary, &gc, &notes, &util};
  auto info = ReadTrace(*input, fan);
  EXPECT_TRUE(info.ok()) << info.status().message();
  return Views{*info, summary.Finish(), gc.Finish(), notes.Finish(), util.Finish()};
}

// The mean of the utilisation function over [s, s+w], summed segment by segment.
double MeanOver(const std::vector<UtilPoint>& u, double s, double w) {
  double sum = 0;
  for (size_t i = 0; i + 1 < u.size(); ++i) {
    const double a = std::max<double>(s, u[i].time_ns);
    const double b = std::min<double>(s + w, u[i + 1].time_ns);
    if (b > a) sum += u[i].util * (b - a);
  }
  return sum / w;
}

// MMU the slow way: every window start where an edge meets a change, each integrated from
// scratch, plus a grid of starts between them (which can only find higher means).
double BruteMmu(const std::vector<UtilPoint>& u, int64_t w) {
  const double t0 = u.front().time_ns, t1 = u.back().time_ns;
  w = std::min<int64_t>(w, u.back().time_ns - u.front().time_ns);
  double best = 1;
  auto at = [&](double s) {
    if (s < t0 || s + w > t1) return;
    best = std::min(best, MeanOver(u, s, w));
  };
  for (const auto& p : u) {
    at(p.time_ns);
    at(p.time_ns - w);
  }
  for (int i = 0; i <= 200; ++i) at(t0 + (t1 - w - t0) * i / 200.0);
  return best;
}

TEST(TraceMmu, MatchesAnIndependentComputationOnRealTraces) {
  for (const char* f : kFixtures) {
    SCOPED_TRACE(f);
    Views v = Read(f);
    ASSERT_GE(v.gc.util.size(), 3u);
    EXPECT_EQ(v.gc.util.back().util, 0);  // upstream's end marker
    for (int64_t w : {int64_t{1000000}, int64_t{2000000}, int64_t{5000000}, int64_t{10000000},
                      int64_t{50000000}}) {
      const MmuPoint got = Mmu(v.gc.util, w);
      EXPECT_NEAR(got.mmu, BruteMmu(v.gc.util, w), 1e-9) << "window " << w;
      EXPECT_NEAR(Mmu(v.gc.util_without_assist_sweep, w).mmu,
                  BruteMmu(v.gc.util_without_assist_sweep, w), 1e-9);
      // The reported worst window has the reported mean.
      const int64_t cw = std::min<int64_t>(w, v.gc.util.back().time_ns -
                                                  v.gc.util.front().time_ns);
      EXPECT_NEAR(MeanOver(v.gc.util, got.worst_start_ns, cw), got.mmu, 1e-9);
    }
    // Leaving assists and sweeping to the mutator can only raise its utilisation.
    EXPECT_GE(Mmu(v.gc.util_without_assist_sweep, 10000000).mmu + 1e-12,
              Mmu(v.gc.util, 10000000).mmu);
    // A GC cycle ran, so the smallest window sees the GC.
    EXPECT_LT(Mmu(v.gc.util, 1000000).mmu, 1.0);
  }
}

TEST(TraceMmu, AddUtilKeepsChangesAndTheLowestAtATime) {
  std::vector<UtilPoint> u;
  AddUtil(u, {0, 1});
  AddUtil(u, {5, 1});     // no change
  AddUtil(u, {10, 0.5});
  AddUtil(u, {10, 0.25});  // same time, lower: replaces
  AddUtil(u, {10, 0.75});  // same time, higher: ignored
  AddUtil(u, {20, 0});
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[1].util, 0.25);
  // Mean over [0, 20] is (10*1 + 10*0.25) / 20; the worst 10 ns window is [10, 20].
  EXPECT_NEAR(Mmu(u, 20).mmu, 0.625, 1e-12);
  EXPECT_NEAR(Mmu(u, 10).mmu, 0.25, 1e-12);
  EXPECT_EQ(Mmu(u, 10).worst_start_ns, 10);
}

TEST(TraceGc, PausesAndCyclesAgreeWithTheSummary) {
  for (const char* f : kFixtures) {
    SCOPED_TRACE(f);
    Views v = Read(f);
    EXPECT_EQ(v.gc.pauses.size(), v.summary.stw.count);
    uint64_t ended = 0;
    int64_t max_ns = 0;
    for (const auto& p : v.gc.pauses) {
      if (p.duration_ns < 0) continue;
      ++ended;
      max_ns = std::max(max_ns, p.duration_ns);
      EXPECT_FALSE(p.kind.empty());
    }
    EXPECT_EQ(ended, v.summary.stw.completed);
    EXPECT_EQ(max_ns, v.summary.stw.max_ns);
    uint64_t begun = 0;
    for (const auto& c : v.gc.cycles) begun += !c.began_before_trace;
    EXPECT_EQ(begun, v.summary.gc_cycles);
    EXPECT_FALSE(v.gc.heap_live.empty());
    EXPECT_FALSE(v.gc.heap_goal.empty());
    EXPECT_GT(v.gc.gomaxprocs, 0u);
  }
}

TEST(TraceAnnotations, TasksRegionsAndLogsOfTheGenerator) {
  for (const char* f : {"go1.19-full", "go1.26-full", "go1.27-full"}) {
    SCOPED_TRACE(f);
    Views v = Read(f);
    // tracegen runs 200 jobs, each a task "job" with regions echo, syscall and alloc and a log.
    EXPECT_EQ(v.notes.task_count, v.summary.tasks);
    EXPECT_EQ(v.notes.region_count, v.summary.regions);
    ASSERT_TRUE(v.notes.tasks.contains("job"));
    const LatencyStats& job = v.notes.tasks["job"];
    EXPECT_EQ(job.count + job.unended, v.summary.tasks);
    EXPECT_LE(job.p50_ns, job.p99_ns);
    EXPECT_LE(job.p99_ns, job.max_ns);
    EXPECT_GT(job.p50_ns, 0);
    uint64_t regions = 0;
    for (const auto& [name, s] : v.notes.regions) {
      regions += s.count + s.unended;
      EXPECT_LE(s.p50_ns, s.max_ns) << name;
    }
    EXPECT_EQ(regions, v.summary.regions);
    uint64_t logs = 0;
    for (const auto& [cat, c] : v.notes.logs) logs += c.count;
    EXPECT_EQ(logs, v.summary.logs);
  }
}

TEST(TraceUtilisation, BusyTimeFitsThePsAndTheSpan) {
  for (const char* f : kFixtures) {
    SCOPED_TRACE(f);
    Views v = Read(f);
    ASSERT_GT(v.util.buckets(), 0u);
    int64_t total = 0;
    for (size_t p = 0; p < v.util.busy.size(); ++p) {
      int64_t sum = 0;
      for (int64_t b : v.util.busy[p]) sum += b;
      EXPECT_EQ(sum, v.util.total_busy_ns[p]);
      EXPECT_LE(sum, v.util.span_ns + v.util.bucket_ns);
      total += sum;
    }
    EXPECT_GT(total, 0);
    EXPECT_LE(v.util.busy.size(), v.util.gomaxprocs);
  }
}

// Findings from views built by hand: the thresholds, and that a short trace earns no MMU finding.
TEST(TraceGcFindings, LongPausesAndLowMmuEarnTheirSeverity) {
  GcResult gc;
  gc.gomaxprocs = 4;
  gc.cycles.push_back({100'000'000, 200'000'000, false});
  for (int i = 0; i < 35; ++i) {
    const bool longer = i < 2;
    gc.pauses.push_back({int64_t{i} * 50'000'000, longer ? 15'000'000 : 200'000,
                         "GC mark termination", true});
  }
  gc.util = {{0, 1}, {1'000'000'000, 0.1}, {1'050'000'000, 1}, {2'000'000'000, 0}};
  gc.util_without_assist_sweep = gc.util;
  Report r;
  AddGcView(r, gc, GcViewOptions{false, 0, 2'000'000'000});
  std::map<std::string, const Finding*> by_id;
  for (const auto& f : r.findings) by_id[f.id] = &f;
  ASSERT_TRUE(by_id.contains("trace-gc-stw-long"));
  EXPECT_EQ(by_id["trace-gc-stw-long"]->title,
            "GC stopped the world 35 times, 2 over 10 ms (longest 15.0 ms)");
  EXPECT_EQ(by_id["trace-gc-stw-long"]->severity, Severity::kWarning);
  ASSERT_TRUE(by_id.contains("trace-gc-mmu-low"));
  EXPECT_EQ(by_id["trace-gc-mmu-low"]->severity, Severity::kWarning);

  Report tiny;
  AddGcView(tiny, gc, GcViewOptions{false, 0, 500'000'000});
  for (const auto& f : tiny.findings) EXPECT_NE(f.id, "trace-gc-mmu-low");
  EXPECT_FALSE(tiny.warnings.empty());
}

// A minimal protobuf reader: enough to walk Perfetto's TracePacket stream.
struct Proto {
  std::string_view d;
  size_t p = 0;
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; p < d.size() && shift < 64; shift += 7) {
      const auto b = static_cast<uint8_t>(d[p++]);
      *v |= uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return true;
    }
    return false;
  }
  // Next field: number, wire type, varint value or bytes.
  bool Next(int* field, uint64_t* v, std::string_view* bytes) {
    if (p >= d.size()) return false;
    uint64_t key;
    if (!Varint(&key)) return false;
    *field = static_cast<int>(key >> 3);
    if ((key & 7) == 0) return Varint(v);
    if ((key & 7) != 2) return false;
    uint64_t len;
    if (!Varint(&len) || len > d.size() - p) return false;
    *bytes = d.substr(p, len);
    p += len;
    return true;
  }
};

TEST(TraceExport, PerfettoTracksAreDescribedAndSlicesBalanced) {
  for (const char* f : {"go1.19-full", "go1.26-full"}) {
    SCOPED_TRACE(f);
    const std::string out = ::testing::TempDir() + "/godx-" + f + ".pftrace";
    auto r = RunGodx(std::string("trace ") + TestData(std::string("trace/") + f + ".trace") +
                     " --perfetto " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string data = ss.str();
    Proto trace{data};
    int field;
    uint64_t v;
    std::string_view packet;
    std::set<uint64_t> described;
    std::map<uint64_t, int64_t> open;  // track → begins minus ends
    uint64_t events = 0, counters = 0, running_p = 0, running_g = 0;
    while (trace.Next(&field, &v, &packet)) {
      ASSERT_EQ(field, perfetto::kTracePacket);
      Proto pk{packet};
      std::string_view body, name;
      bool has_ts = false;
      int kind = 0;
      while (pk.Next(&field, &v, &body)) {
        if (field == perfetto::kTimestamp) has_ts = true;
        if (field == perfetto::kTrackDescriptor || field == perfetto::kTrackEvent) {
          kind = field;
          name = body;
        }
      }
      ASSERT_EQ(pk.p, packet.size()) << "packet not fully decoded";
      ASSERT_NE(kind, 0);
      Proto m{name};
      std::string_view s, ev_name;
      uint64_t uuid = 0, parent = 0, type = 0;
      while (m.Next(&field, &v, &s)) {
        if (kind == perfetto::kTrackDescriptor && field == perfetto::kUuid) uuid = v;
        if (kind == perfetto::kTrackDescriptor && field == perfetto::kParentUuid) parent = v;
        if (kind == perfetto::kTrackEvent && field == perfetto::kTrackUuid) uuid = v;
        if (kind == perfetto::kTrackEvent && field == perfetto::kType) type = v;
        if (kind == perfetto::kTrackEvent && field == perfetto::kEventName) ev_name = s;
      }
      if (kind == perfetto::kTrackDescriptor) {
        EXPECT_TRUE(described.insert(uuid).second) << "track " << uuid << " described twice";
        if (parent != 0) {
          EXPECT_TRUE(described.contains(parent));
        }
        continue;
      }
      ++events;
      EXPECT_TRUE(has_ts);
      EXPECT_TRUE(described.contains(uuid)) << "event on undescribed track " << uuid;
      if (type == perfetto::kSliceBegin) ++open[uuid];
      if (type == perfetto::kSliceEnd) --open[uuid];
      if (type == perfetto::kCounterType) ++counters;
      if (type == perfetto::kSliceBegin && ev_name == "running") ++running_g;
      if (type == perfetto::kSliceBegin && ev_name.starts_with("G") && ev_name != "GC") ++running_p;
    }
    EXPECT_EQ(trace.p, data.size());
    EXPECT_GT(events, 1000u);
    EXPECT_GT(counters, 0u);
    EXPECT_GT(running_g, 100u);
    EXPECT_EQ(running_g, running_p);  // each run is on its P's track and its goroutine's
    for (const auto& [track, n] : open) {
      // Regions and tasks begun before the trace (or not ended in it) leave a track unbalanced;
      // slices written whole never do.
      if ((track >> 56) == 1 || (track >> 56) == 2) {
        EXPECT_EQ(n, 0) << "track " << track;
      }
    }
  }
}

TEST(TraceExport, ChromeJsonParsesAndPairsUp) {
  for (const char* f : {"go1.19-full", "go1.27-full"}) {
    SCOPED_TRACE(f);
    const std::string out = ::testing::TempDir() + "/godx-" + f + ".json";
    auto r = RunGodx(std::string("trace ") + TestData(std::string("trace/") + f + ".trace") +
                     " --chrome " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out);
    auto doc = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(doc.is_discarded());
    const auto& evs = doc["traceEvents"];
    ASSERT_TRUE(evs.is_array());
    std::map<std::pair<int, uint64_t>, int> depth;
    uint64_t on_p = 0, on_g = 0, counters = 0;
    for (const auto& e : evs) {
      const std::string ph = e["ph"];
      if (ph == "X") {
        EXPECT_GE(e["dur"].get<double>(), 0);
        if (e["pid"] == 1) ++on_p;
        if (e["pid"] == 2 && e["name"] == "running") ++on_g;
      }
      if (ph == "C") ++counters;
      if (ph == "B") ++depth[{e["pid"].get<int>(), e["tid"].get<uint64_t>()}];
      if (ph == "E") --depth[{e["pid"].get<int>(), e["tid"].get<uint64_t>()}];
    }
    EXPECT_GT(on_p, 100u);
    EXPECT_EQ(on_p, on_g);
    EXPECT_GT(counters, 0u);
  }
}

TEST(TraceGc, ReportCarriesTheViewsAndTheCurve) {
  auto input = Input::Open(TestData("trace/go1.26-full.trace"));
  ASSERT_TRUE(input.ok());
  TraceOptions o;
  o.mmu_curve = true;
  auto r = AnalyzeTraceInput(*input, o);
  ASSERT_TRUE(r.ok());
  const Json& mmu = r->summary["mmu"];
  ASSERT_TRUE(mmu.is_array());
  ASSERT_GE(mmu.size(), 3u);
  EXPECT_EQ(mmu[0]["window_ns"], 1000000);
  // The last window is the utilisation function's span: from GOMAXPROCS known to the last event.
  EXPECT_LE(mmu.back()["window_ns"], r->summary["duration_ns"]);
  EXPECT_GE(mmu.back()["window_ns"].get<double>(),
            0.99 * r->summary["duration_ns"].get<double>());
  // The 10 ms point of the curve is the one the summary states.
  for (const auto& p : mmu) {
    if (p["window_ns"] == 10000000) {
      EXPECT_EQ(p["mmu"], r->summary["gc"]["mmu_10ms"]);
    }
  }
  EXPECT_EQ(r->summary["gc"]["stw_pauses"].size(), r->summary["stw"]["count"]);
  EXPECT_TRUE(r->summary["annotations"]["tasks"].contains("job"));
  EXPECT_TRUE(r->summary["utilisation"]["per_p"].is_array());
}

// tracestw (scripts/gen-trace-stw-fixtures) makes the GC stop the world while a goroutine spins
// without a preemption point: each release's trace must earn the long-pause finding, with the
// numbers of the pauses it read.
TEST(TraceGcFindings, LongPausesInARealTrace) {
  for (const char* rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    auto input = Input::Open(TestData(std::string("trace/go") + rel + "-stw.trace"));
    ASSERT_TRUE(input.ok());
    auto r = AnalyzeInput(*input);
    ASSERT_TRUE(r.ok()) << r.status().message();
    const Finding* f = nullptr;
    for (const auto& x : r->findings) {
      if (x.id == "trace-gc-stw-long") f = &x;
    }
    ASSERT_NE(f, nullptr);
    EXPECT_GE(f->severity, Severity::kWarning);
    // The title's count is the GC pauses of the JSON, less none (no capture stops are GC).
    uint64_t gc_pauses = 0, over = 0;
    int64_t max_ns = 0;
    for (const auto& p : r->summary["gc"]["stw_pauses"]) {
      if (!p["gc"].get<bool>() || p["duration_ns"].is_null()) continue;
      ++gc_pauses;
      over += p["duration_ns"].get<int64_t>() > 10'000'000;
      max_ns = std::max(max_ns, p["duration_ns"].get<int64_t>());
    }
    EXPECT_GE(over, 1u);
    EXPECT_EQ(f->title.find("GC stopped the world " + std::to_string(gc_pauses) + " times, " +
                            std::to_string(over) + " over 10 ms"),
              0u)
        << f->title;
    EXPECT_GE(max_ns, 10'000'000);
    ASSERT_GE(f->evidence.size(), 2u);
    EXPECT_NE(f->evidence[1].find("longest: GC"), std::string::npos) << f->evidence[1];
  }
}

// godx doctor routes every file of its bundle through the signal table: the trace's findings
// join the bundle's report, marked with the file they came from.
TEST(TraceGcFindings, DoctorMergesTheTraceFindings) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "godx-trace-bundle";
  fs::remove_all(dir);
  fs::copy(TestData("live/go1.19/good-bundle"), dir, fs::copy_options::recursive);
  fs::copy_file(TestData("trace/go1.19-stw.trace"), dir / "trace.out",
                fs::copy_options::overwrite_existing);
  auto r = RunGodx("analyze --json " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out;
  if (doc.is_array()) doc = doc[0];
  bool found = false;
  for (const auto& f : doc["findings"]) {
    if (f["id"] != "trace-gc-stw-long") continue;
    found = true;
    EXPECT_EQ(f["evidence"].back(), "from trace.out (trace)");
  }
  EXPECT_TRUE(found) << r.out.substr(0, 2000);
  fs::remove_all(dir);
}

// `godx run --trace` records through go test's flag; any other program is refused, since only a
// program that calls runtime/trace.Start writes a trace.
TEST(TraceRun, RecordsATestBinaryAndRefusesOtherPrograms) {
  auto refused = RunGodx("run --trace /dev/null -- /bin/true");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("neither `go test` nor a test binary"), std::string::npos)
      << refused.err;

  const std::string tmp = ::testing::TempDir() + "/godx-run-trace";
  std::filesystem::create_directories(tmp);
  const std::string src = godx::testing::SourceDir();
  const std::string build = "cd \"$(" + src + "/scripts/go-release 1.26 gen-dir)\" && " + src +
                            "/scripts/go-release 1.26 go test -c -o " + tmp +
                            "/stacktest.test ./stacktest >/dev/null 2>&1";
  const int rc = std::system(("bash -c '" + build + "'").c_str());
  if (WEXITSTATUS(rc) == 3) GTEST_SKIP() << "Go 1.26 unavailable here";
  ASSERT_EQ(rc, 0) << build;
  auto r = RunGodx("run --quiet-runtime --trace " + tmp + "/t.out -- " + tmp +
                   "/stacktest.test -test.run TestParseOK");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Execution trace:"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(tmp + "/t.out"));
  std::filesystem::remove_all(tmp);
}

// GCSweepActive names the P being swept in its argument. Found by the trace fuzzer: an in-order
// event was applied at once and its P then patched into an empty buffer.
TEST(TraceGc, SweepActiveInTimeOrderNeedsNoBufferedRecord) {
  GcAnalyzer a(26);
  Event e;
  e.kind = Kind::kOther;
  e.name = "GCSweepActive";
  e.time_ns = 1000;
  e.p = 0;
  e.args[0] = 1;
  e.nargs = 1;
  a.OnEvent(e);
  GcResult r = a.Finish();
  EXPECT_TRUE(r.pauses.empty());
  EXPECT_TRUE(r.cycles.empty());
}

}  // namespace
}  // namespace godx::trace
