// The ordering, goroutine analysis, blocking profiles and scheduler latency on real traces,
// against numbers recorded from `go tool trace` of the release that wrote each trace (Go 1.26.8's
// cmd/trace for the new format, Debian's Go 1.19.8 for the old one):
//  - ordering: `go tool trace -d=parsed` prints every ordered event with its M, P, G, time and
//    state transition; the FNV-1a hash of those lines (the first line of each event, reduced to
//    "M=.. P=.. G=.. Time=..[ GoID|ProcID=N From->To]", sync events included) is the golden;
//  - goroutine analysis: the /goroutines and /goroutine?name= pages of `go tool trace -http`;
//  - profiles: `go tool trace -pprof=KIND`, totals summed with `go tool pprof -raw`.
// The numbers were checked by hand against those tools' output when the fixtures were made
// (scripts/gen-trace-fixtures); regenerating the fixtures means recording them again.
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/units.h"

#include "core/input.h"
#include "testing/testing.h"
#include "trace/analyze.h"
#include "trace/goroutine_report.h"
#include "trace/goroutines.h"
#include "trace/profiles.h"
#include "trace/reader.h"
#include "trace/sched_latency.h"

namespace godx::trace {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

std::string Id(uint64_t v) { return v == kNone ? "-1" : fmt::format("{}", v); }

// `go tool trace -d=parsed`'s lines, reduced as the file comment says, hashed.
class ParsedHash : public EventSink {
 public:
  void OnGeneration(const Generation& g) override { Line(fmt::format("M=-1 P=-1 G=-1 Time={}",
                                                                     g.sync_ns)); }
  void OnEnd(int64_t t) override { Line(fmt::format("M=-1 P=-1 G=-1 Time={}", t)); }
  void OnEvent(const Event& e) override {
    static constexpr const char* kGo[] = {"Undetermined", "NotExist", "Runnable", "Running",
                                          "Waiting", "Syscall"};
    static constexpr const char* kProc[] = {"Undetermined", "NotExist", "Running", "Idle"};
    std::string s = fmt::format("M={} P={} G={} Time={}", Id(e.m), Id(e.p), Id(e.g), e.time_ns);
    const Transition& t = e.transition;
    if (t.is_go()) {
      s += fmt::format(" GoID={} {}->{}", t.id, kGo[static_cast<int>(t.go_from)],
                       kGo[static_cast<int>(t.go_to)]);
    } else if (t.is_proc()) {
      s += fmt::format(" ProcID={} {}->{}", t.id, kProc[static_cast<int>(t.proc_from)],
                       kProc[static_cast<int>(t.proc_to)]);
    }
    Line(s);
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  uint64_t lines = 0;

 private:
  void Line(const std::string& s) {
    for (unsigned char c : s + "\n") {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    ++lines;
  }
};

TEST(TraceOrdering, NewFormatMatchesGoToolTraceEventForEvent) {
  struct Case {
    std::string path;
    uint64_t lines, hash;
  };
  std::vector<Case> cases = {
      {TestData("trace/go1.26-latency.trace"), 374, 0x5f2b1780ac4ab73eULL},
      {TestData("trace/go1.27-latency.trace"), 385, 0x1018b3f87f051471ULL},
      {TestData("trace/go1.26-flight.trace"), 1546, 0x967df89144f38b47ULL},
      {TestData("trace/go1.27-flight.trace"), 11651, 0x9c534eb518a42146ULL},
      {TestData("trace/go1.26-allocfree.trace"), 5282, 0xd20bcc96b950cc5bULL},
      {TestData("trace/go1.27-allocfree.trace"), 15827, 0x42b391295e5ad3b0ULL},
      {TestData("trace/go1.26-full.trace"), 10052, 0x2d208ed350329108ULL},
      {TestData("trace/go1.27-full.trace"), 56732, 0x2058dbed90986023ULL},
  };
  if (auto shared = godx::testing::SharedDir()) {
    cases.push_back({*shared + "/corpus/trace/v2-binary/felixge-traceutils/"
                              "go1.25-test-encoding-json.trace",
                     23759, 0x2de77e5b64b580c1ULL});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    ParsedHash h;
    const std::string trace_bytes = ReadFile(c.path);
    auto info = ReadTraceBytes(trace_bytes, "t.trace", h);
    ASSERT_TRUE(info.ok()) << info.status().message();
    EXPECT_EQ(h.lines, c.lines);
    EXPECT_EQ(h.hash, c.hash) << fmt::format("{:#x}", h.hash);
  }
}

// An event that claims a goroutine runnable at the wrong sequence cannot be ordered: the error
// names the offset and what the event expected. (The bytes are go1.26-full.trace with one
// GoStart's sequence number changed.)
TEST(TraceOrdering, BrokenSequenceIsOneLineNamingTheOffset) {
  std::string bytes = ReadFile(TestData("trace/go1.26-full.trace"));
  struct First : EventSink {
    void OnEvent(const Event& e) override {
      if (offset == 0 && e.name == "GoStart" && e.args[1] == 1 && e.args[0] > 1) {
        offset = e.offset;
        g = e.args[0];
      }
    }
    uint64_t offset = 0, g = 0;
  } first;
  ASSERT_TRUE(ReadTraceBytes(bytes, "t.trace", first).ok());
  ASSERT_NE(first.offset, 0u);
  // GoStart: type byte, dt uvarint, g uvarint, seq uvarint (1 → 5, one byte either way).
  size_t p = first.offset + 1;
  for (int skip = 0; skip < 2; ++skip) {  // dt, g
    while (static_cast<uint8_t>(bytes[p]) & 0x80) ++p;
    ++p;
  }
  ASSERT_EQ(bytes[p], 1);
  bytes[p] = 5;
  struct Null : EventSink {
    void OnEvent(const Event&) override {}
  } null;
  auto info = ReadTraceBytes(bytes, "t.trace", null);
  ASSERT_FALSE(info.ok());
  const std::string& m = info.status().message();
  EXPECT_NE(m.find(fmt::format("offset {} ", first.offset)), std::string::npos) << m;
  EXPECT_NE(m.find(fmt::format("expected goroutine {} runnable at sequence 4", first.g)),
            std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos);
}

struct Profiles {
  int64_t count, ns;
  std::string top;  // the function with the most flat delay (go tool pprof -top's first row)
};

// Readers hand out views into the trace bytes: every test keeps them alive past the read.
Profiles Totals(const std::string& path, ProfileKind kind) {
  BlockingProfiler p(kind);
  // The profiler's records hold views into the trace bytes: they must outlive it.
  const std::string bytes = ReadFile(path);
  auto info = ReadTraceBytes(bytes, "t.trace", p);
  EXPECT_TRUE(info.ok()) << info.status().message();
  Profiles t{0, 0, ""};
  auto records = p.Records();
  for (const auto& r : records) {
    t.count += r.count;
    t.ns += r.ns;
  }
  std::map<std::string, int64_t> flat;
  for (const auto& r : records) {
    if (!r.stack.empty()) flat[std::string(r.stack[0].func)] += r.ns;
  }
  int64_t best = -1;
  for (const auto& [fn, ns] : flat) {
    if (ns > best) {
      best = ns;
      t.top = fn;
    }
  }
  return t;
}

TEST(TraceProfiles, EqualGoToolTracePprof) {
  struct Case {
    const char* fixture;
    ProfileKind kind;
    int64_t count, ns;
    const char* top;
  };
  // go tool trace -pprof=KIND of Go 1.26.8 (go1.26-full) and Go 1.19.8 (go1.19-full).
  const Case cases[] = {
      {"go1.26-full.trace", ProfileKind::kNet, 403, 233250241, "internal/poll.spliceDrain"},
      {"go1.26-full.trace", ProfileKind::kSync, 210, 106700800, "runtime.chanrecv2"},
      {"go1.26-full.trace", ProfileKind::kSyscall, 2736, 7444807, "syscall.write"},
      {"go1.26-full.trace", ProfileKind::kSched, 754, 37365440, "runtime.chansend1"},
      {"go1.19-full.trace", ProfileKind::kNet, 405, 298163537, "internal/poll.spliceDrain"},
      {"go1.19-full.trace", ProfileKind::kSync, 207, 107693963, "runtime.chanrecv2"},
      {"go1.19-full.trace", ProfileKind::kSyscall, 4, 58476, "runtime.gcBgMarkStartWorkers"},
      {"go1.19-full.trace", ProfileKind::kSched, 224, 29357460, "runtime.chansend1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(fmt::format("{} {}", c.fixture, ProfileKindName(c.kind)));
    const Profiles t = Totals(TestData(std::string("trace/") + c.fixture), c.kind);
    EXPECT_EQ(t.count, c.count);
    EXPECT_EQ(t.ns, c.ns);
    EXPECT_EQ(t.top, c.top);
  }
}

TEST(TraceProfiles, EncodeAsPprofWithGoToolTraceSampleTypes) {
  BlockingProfiler p(ProfileKind::kNet);
  const std::string bytes = ReadFile(TestData("trace/go1.26-full.trace"));
  ASSERT_TRUE(ReadTraceBytes(bytes, "t", p).ok());
  pprof::Profile prof = p.Profile();
  ASSERT_EQ(prof.sample_types.size(), 2u);
  EXPECT_EQ(prof.Str(prof.sample_types[0].type), "contentions");
  EXPECT_EQ(prof.Str(prof.sample_types[1].unit), "nanoseconds");
  int64_t ns = 0;
  for (size_t i = 0; i < prof.num_samples(); ++i) ns += prof.Values(i)[1];
  EXPECT_EQ(ns, Totals(TestData("trace/go1.26-full.trace"), ProfileKind::kNet).ns);
  EXPECT_GT(ns, 0);
}

TEST(TraceGoroutines, GroupsEqualGoToolTraceGoroutinePages) {
  GoroutineAnalyzer a;
  const std::string trace_bytes = ReadFile(TestData("trace/go1.26-full.trace"));
  ASSERT_TRUE(ReadTraceBytes(trace_bytes, "t", a).ok());
  GoroutineAnalysis r = a.Finish();
  std::map<std::string, std::pair<uint64_t, int64_t>> groups;
  for (const auto& g : r.groups) groups[g.name] = {g.count, g.exec_ns};
  // /goroutines: start function, count, execution time.
  const std::map<std::string, std::pair<uint64_t, int64_t>> want = {
      {"main.work.func2", {4, 26625532}},
      {"runtime.gcBgMarkWorker", {4, 1796159}},
      {"main.main", {1, 725825}},
      {"main.work.func1.1", {4, 437822}},
      {"runtime/pprof.profileWriter", {1, 219712}},
      {"runtime.bgsweep", {1, 158528}},
      {"runtime.bgscavenge", {1, 960}},
      {"runtime.forcegchelper", {1, 0}},
  };
  for (const auto& [name, v] : want) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(groups.contains(name));
    EXPECT_EQ(groups[name], v);
  }
  EXPECT_EQ(r.groups.size(), 15u);
  // /goroutine?name=...: one goroutine's columns.
  const GoroutineSummary& g = a.goroutines().at(14);
  EXPECT_EQ(g.name, "main.work.func2");
  EXPECT_EQ(g.total_ns, 43648320);
  EXPECT_EQ(g.exec_ns, 4884160);
  EXPECT_EQ(g.sched_wait_ns, 7826624);
  EXPECT_EQ(g.syscall_ns, 1208512);
  EXPECT_EQ(g.block_ns.at("chan receive"), 24113792);
  EXPECT_EQ(g.block_ns.at("network"), 5612224);
  EXPECT_EQ(g.block_ns.at("sync"), 3008);
}

// The old format's goroutine analysis uses the same transitions: every goroutine's parts add
// up to no more than its life, and the workers of tracegen block on the network and channels.
TEST(TraceGoroutines, OldFormatPartsFitInTheGoroutinesLife) {
  GoroutineAnalyzer a;
  const std::string trace_bytes = ReadFile(TestData("trace/go1.19-full.trace"));
  ASSERT_TRUE(ReadTraceBytes(trace_bytes, "t", a).ok());
  GoroutineAnalysis r = a.Finish();
  ASSERT_FALSE(r.groups.empty());
  for (const auto& [id, g] : a.goroutines()) {
    int64_t parts = g.exec_ns + g.sched_wait_ns + g.syscall_ns + g.syscall_block_ns;
    for (const auto& [reason, ns] : g.block_ns) parts += ns;
    EXPECT_LE(parts, g.total_ns) << id;
  }
  bool net = false, sync = false;
  for (const auto& g : r.groups) {
    net |= g.network_block_ns > 0;
    sync |= g.sync_block_ns > 0;
  }
  EXPECT_TRUE(net);
  EXPECT_TRUE(sync);
}

// Every runnable → running wait measured, p50 ≤ p99 ≤ max, and the max exact.
TEST(TraceSchedLatency, WaitsAreEveryObservedRunnableToRunning) {
  for (const char* f : {"trace/go1.26-full.trace", "trace/go1.19-full.trace"}) {
    SCOPED_TRACE(f);
    struct Count : EventSink {
      void OnEvent(const Event& e) override {
        const Transition& t = e.transition;
        if (!t.is_go()) return;
        if (t.go_from == GoState::kRunnable && since.contains(t.id)) {
          if (t.go_to == GoState::kRunning) {
            ++waits;
            max = std::max(max, e.time_ns - since[t.id]);
          }
          since.erase(t.id);
        }
        if (t.go_to == GoState::kRunnable && t.go_from != GoState::kRunnable &&
            t.go_from != GoState::kUndetermined) {
          since[t.id] = e.time_ns;
        }
      }
      std::map<uint64_t, int64_t> since;
      uint64_t waits = 0;
      int64_t max = 0;
    } count;
    SchedLatencyAnalyzer s;
    struct Both : EventSink {
      EventSink *a, *b;
      void OnGeneration(const Generation& g) override { a->OnGeneration(g); b->OnGeneration(g); }
      void OnEvent(const Event& e) override { a->OnEvent(e); b->OnEvent(e); }
    } both;
    both.a = &count;
    both.b = &s;
    const std::string trace_bytes = ReadFile(TestData(f));
    ASSERT_TRUE(ReadTraceBytes(trace_bytes, "t", both).ok());
    SchedLatency l = s.Finish();
    EXPECT_GT(l.waits, 100u);
    EXPECT_EQ(l.waits, count.waits);
    EXPECT_EQ(l.max_ns, count.max);
    EXPECT_LE(l.p50_ns, l.p99_ns);
    EXPECT_LE(l.p99_ns, l.max_ns);
  }
}

const Finding* FindingOf(const Report& r, const std::string& id) {
  for (const auto& f : r.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// tracegen -mode latency: one P, three CPU-bound goroutines and a ticker. Every release's trace
// earns the scheduler-latency finding, with every P busy as the cause and the numbers of the
// JSON summary.
TEST(TraceSchedLatency, PlantedLatencyEarnsItsFinding) {
  for (const char* rel : {"1.19", "1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    auto input = Input::Open(TestData(std::string("trace/go") + rel + "-latency.trace"));
    ASSERT_TRUE(input.ok());
    auto r = AnalyzeInput(*input);
    ASSERT_TRUE(r.ok()) << r.status().message();
    const Finding* f = FindingOf(*r, "trace-sched-latency");
    ASSERT_NE(f, nullptr);
    const Json& s = r->summary["sched_latency"];
    const int64_t p99 = s["p99_ns"].get<int64_t>();
    EXPECT_GE(p99, 10'000'000);  // 10 ms time slices: at least one wait behind a burner
    EXPECT_GE(f->severity, Severity::kWarning);
    // A few dozen waits earn a warning, never a critical: their p99 is nearly their maximum.
    if (s["waits"].get<uint64_t>() < 1000) {
      EXPECT_NE(f->severity, Severity::kCritical);
    }
    EXPECT_EQ(f->title.find("p99 scheduler latency " + FormatDuration(p99 / 1e9) +
                            ": more runnable goroutines than 1 P"), 0u) << f->title;
    EXPECT_NE(f->evidence[1].find("with GOMAXPROCS 1"), std::string::npos) << f->evidence[1];
  }
  // The ordinary workload (GOMAXPROCS 4, mostly blocked) earns none.
  auto input = Input::Open(TestData("trace/go1.26-full.trace"));
  ASSERT_TRUE(input.ok());
  auto r = AnalyzeInput(*input);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FindingOf(*r, "trace-sched-latency"), nullptr);
}

// A Go 1.26 trace without its final end-of-generation marker was cut (its writer died): the
// goroutines running at its end are named with what they did last. In tracegen that is main.main,
// the goroutine that called trace.Stop.
TEST(TraceGoroutines, CutTraceNamesWhatRanLast) {
  const std::string bytes = ReadFile(TestData("trace/go1.26-full.trace"));
  auto input = Input::FromBytes("cut.trace", bytes.substr(0, bytes.size() - 1));
  ASSERT_TRUE(input.ok());
  auto r = AnalyzeInput(*input);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Finding* f = FindingOf(*r, "trace-ended-while-running");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("1 goroutine still running"), std::string::npos) << f->title;
  ASSERT_GE(f->evidence.size(), 2u);
  EXPECT_EQ(f->evidence[0].find("goroutine 1 (main.main) was running"), 0u) << f->evidence[0];
  EXPECT_NE(f->evidence.back().find("cut: "), std::string::npos);
  // The whole trace ends cleanly: no such finding.
  auto whole = Input::FromBytes("whole.trace", bytes);
  ASSERT_TRUE(whole.ok());
  auto w = AnalyzeInput(*whole);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(FindingOf(*w, "trace-ended-while-running"), nullptr);
}

// Thresholds of the syscall finding, on views built by hand: 40% of 4 Ps' time held by syscalls,
// 30% of it in one function, is critical and names that function; 5% is no finding.
TEST(TraceGoroutines, SyscallsHoldingPsEarnTheirSeverity) {
  GoroutineAnalysis a;
  a.goroutines = 1;
  a.groups.push_back(GoroutineGroup{});
  a.syscalls = {{"os.(*File).Read", 900, 1'200'000'000}, {"net.(*conn).Write", 100,
                                                          400'000'000}};
  SchedLatency s;
  s.ps = 4;
  s.span_ns = 1'000'000'000;
  Report r;
  AddGoroutineView(r, a, s, TraceInfo{}, 0);
  const Finding* f = FindingOf(r, "trace-syscalls-hold-ps");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_EQ(f->title, "syscalls in os.(*File).Read blocked Ps for 30.0% of the time");
  EXPECT_NE(f->evidence[0].find("40.0%"), std::string::npos) << f->evidence[0];

  a.syscalls = {{"os.(*File).Read", 10, 200'000'000}};
  Report quiet;
  AddGoroutineView(quiet, a, s, TraceInfo{}, 0);
  EXPECT_EQ(FindingOf(quiet, "trace-syscalls-hold-ps"), nullptr);
}

// The old format's sequence-number merge: a GoStart whose sequence number no goroutine state can
// reach leaves no consistent order; the error names an offset and what the waiting event expects.
TEST(TraceOrdering, OldFormatBrokenSequenceHasNoConsistentOrder) {
  std::string bytes = ReadFile(TestData("trace/go1.19-full.trace"));
  struct First : EventSink {
    void OnEvent(const Event& e) override {
      if (offset == 0 && e.wire_type == 14 && e.args[1] >= 1 && e.args[1] < 100) {
        offset = e.offset;
        seq = e.args[1];
      }
    }
    uint64_t offset = 0, seq = 0;
  } first;
  ASSERT_TRUE(ReadTraceBytes(bytes, "t.trace", first).ok());
  ASSERT_NE(first.offset, 0u);
  // GoStart (1.19): type byte with inline args: ts delta, g, seq (one byte, < 100).
  size_t p = first.offset + 1;
  for (int skip = 0; skip < 2; ++skip) {
    while (static_cast<uint8_t>(bytes[p]) & 0x80) ++p;
    ++p;
  }
  ASSERT_EQ(static_cast<uint64_t>(bytes[p]), first.seq);
  bytes[p] = static_cast<char>(first.seq + 7);
  struct Null : EventSink {
    void OnEvent(const Event&) override {}
  } null;
  auto info = ReadTraceBytes(bytes, "t.trace", null);
  ASSERT_FALSE(info.ok());
  const std::string& m = info.status().message();
  EXPECT_EQ(m.find("t.trace: offset "), 0u) << m;
  EXPECT_NE(m.find("no consistent ordering of events possible"), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace godx::trace
