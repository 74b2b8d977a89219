// Throughput of reading execution traces: the biggest corpus traces of each format
// (../shared/corpus/trace/, or $GODX_SHARED_DIR) and godx's own Go 1.26 fixture, read into a
// counting sink (the reader alone) and into the summary `godx trace` prints. Benchmarks whose
// file is absent are skipped with a message.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "trace/annotations.h"
#include "trace/gc_analysis.h"
#include "trace/mmu.h"
#include "trace/reader.h"
#include "trace/summary.h"
#include "trace/utilisation.h"

namespace {

std::string SharedDir() {
  if (const char* env = std::getenv("GODX_SHARED_DIR")) return env;
  return std::string(GODX_SOURCE_DIR) + "/../shared";
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class CountingSink : public godx::trace::EventSink {
 public:
  void OnEvent(const godx::trace::Event& e) override { sum_ += e.wire_type; }
  uint64_t sum_ = 0;
};

template <typename Sink>
void ReadBench(benchmark::State& state, const std::string& path) {
  const std::string bytes = Slurp(path);
  if (bytes.empty()) {
    state.SkipWithError(("absent: " + path).c_str());
    return;
  }
  for (auto _ : state) {
    Sink sink;
    auto info = godx::trace::ReadTraceBytes(bytes, "bench", sink);
    if (!info.ok()) state.SkipWithError(info.status().message().c_str());
    benchmark::DoNotOptimize(info);
    benchmark::DoNotOptimize(sink);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
}

const std::string kOld = "/corpus/trace/v1-binary/felixge-traceutils/go1.19-staticcheck.trace";
const std::string kNew = "/corpus/trace/v2-binary/felixge-traceutils/"
                         "go1.25-test-encoding-json.trace";

void BM_ReadOldFormat(benchmark::State& state) {
  ReadBench<CountingSink>(state, SharedDir() + kOld);
}
BENCHMARK(BM_ReadOldFormat)->Unit(benchmark::kMillisecond);

void BM_SummarizeOldFormat(benchmark::State& state) {
  ReadBench<godx::trace::SummaryBuilder>(state, SharedDir() + kOld);
}
BENCHMARK(BM_SummarizeOldFormat)->Unit(benchmark::kMillisecond);

void BM_ReadNewFormat(benchmark::State& state) {
  ReadBench<CountingSink>(state, SharedDir() + kNew);
}
BENCHMARK(BM_ReadNewFormat)->Unit(benchmark::kMillisecond);

void BM_SummarizeNewFormat(benchmark::State& state) {
  ReadBench<godx::trace::SummaryBuilder>(state, SharedDir() + kNew);
}
BENCHMARK(BM_SummarizeNewFormat)->Unit(benchmark::kMillisecond);

void BM_ReadGo126Fixture(benchmark::State& state) {
  ReadBench<CountingSink>(state, std::string(GODX_SOURCE_DIR) + "/testdata/trace/go1.26-full.trace");
}
BENCHMARK(BM_ReadGo126Fixture)->Unit(benchmark::kMillisecond);

// The GC/MMU, annotation and utilisation views, each alone over a reading (the reader's cost
// included: compare with BM_Read*).
struct GcSink : godx::trace::GcAnalyzer {
  GcSink() : GcAnalyzer(26) {}
  ~GcSink() override { benchmark::DoNotOptimize(Finish()); }
};
struct GcSinkOld : godx::trace::GcAnalyzer {
  GcSinkOld() : GcAnalyzer(19) {}
  ~GcSinkOld() override { benchmark::DoNotOptimize(Finish()); }
};
struct UtilSink : godx::trace::UtilisationAnalyzer {
  UtilSink() : UtilisationAnalyzer(true) {}
  ~UtilSink() override { benchmark::DoNotOptimize(Finish()); }
};
struct NotesSink : godx::trace::AnnotationAnalyzer {
  ~NotesSink() override { benchmark::DoNotOptimize(Finish()); }
};
const std::string kFixture126 = std::string(GODX_SOURCE_DIR) + "/testdata/trace/go1.26-full.trace";

void BM_GcViewNewFormat(benchmark::State& state) { ReadBench<GcSink>(state, kFixture126); }
BENCHMARK(BM_GcViewNewFormat)->Unit(benchmark::kMillisecond);
void BM_GcViewOldFormat(benchmark::State& state) {
  ReadBench<GcSinkOld>(state, SharedDir() + kOld);
}
BENCHMARK(BM_GcViewOldFormat)->Unit(benchmark::kMillisecond);
void BM_UtilisationNewFormat(benchmark::State& state) { ReadBench<UtilSink>(state, kFixture126); }
BENCHMARK(BM_UtilisationNewFormat)->Unit(benchmark::kMillisecond);
void BM_AnnotationsNewFormat(benchmark::State& state) { ReadBench<NotesSink>(state, kFixture126); }
BENCHMARK(BM_AnnotationsNewFormat)->Unit(benchmark::kMillisecond);

// MMU at the windows `godx trace --mmu` reports, on the staticcheck trace's utilisation function.
void BM_MmuCurve(benchmark::State& state) {
  const std::string bytes = Slurp(SharedDir() + kOld);
  if (bytes.empty()) {
    state.SkipWithError("absent: the old-format corpus trace");
    return;
  }
  godx::trace::GcAnalyzer gc(19);
  if (!godx::trace::ReadTraceBytes(bytes, "bench", gc).ok()) state.SkipWithError("unreadable");
  const auto r = gc.Finish();
  if (r.util.size() < 2) {
    state.SkipWithError("no utilisation function");
    return;
  }
  const auto windows = godx::trace::MmuWindows(r.util.back().time_ns - r.util.front().time_ns);
  for (auto _ : state) {
    for (int64_t w : windows) benchmark::DoNotOptimize(godx::trace::Mmu(r.util, w));
  }
  state.counters["points"] = static_cast<double>(r.util.size());
  state.counters["windows"] = static_cast<double>(windows.size());
}
BENCHMARK(BM_MmuCurve)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
