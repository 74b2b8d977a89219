// Reading, aggregating, encoding and merging pprof profiles. The input is google/pprof's own
// benchmark profile, large.cpu, from ../shared/corpus when present (else godx's CPU fixture);
// nothing large is committed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pprof/export.h"
#include "pprof/graph.h"
#include "pprof/graph_outputs.h"
#include "pprof/text_report.h"
#include "pprof/merge.h"
#include "pprof/reader.h"
#include "pprof/writer.h"

namespace {

std::string ProfileBytes() {
  std::string shared = std::string(GODX_SOURCE_DIR) +
                       "/../shared/corpus/pprof/google-pprof/internal/proftest/testdata/large.cpu";
  std::string path = std::filesystem::exists(shared)
                         ? shared
                         : std::string(GODX_SOURCE_DIR) + "/testdata/pprof/go1.19.8-cpu.pb.gz";
  auto input = godx::Input::Open(path);
  if (!input.ok()) return "";
  return std::string(input->data());  // decompressed profile.proto
}

const std::string& Raw() {
  static const std::string raw = ProfileBytes();
  return raw;
}

void BM_ReadProto(benchmark::State& state) {
  for (auto _ : state) {
    auto p = godx::pprof::ReadProto("bench", Raw(), {});
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(Raw().size()));
}
BENCHMARK(BM_ReadProto)->Unit(benchmark::kMillisecond);

void BM_Top(benchmark::State& state) {
  auto p = godx::pprof::ReadProto("bench", Raw(), {});
  for (auto _ : state) {
    auto top = godx::pprof::ComputeTop(*p, p->DefaultSampleIndex(), false);
    benchmark::DoNotOptimize(top);
  }
}
BENCHMARK(BM_Top)->Unit(benchmark::kMillisecond);

void BM_Folded(benchmark::State& state) {
  auto p = godx::pprof::ReadProto("bench", Raw(), {});
  for (auto _ : state) {
    auto folded = godx::pprof::ExportFolded(*p, p->DefaultSampleIndex());
    benchmark::DoNotOptimize(folded);
  }
}
BENCHMARK(BM_Folded)->Unit(benchmark::kMillisecond);

void BM_EncodeGzip(benchmark::State& state) {
  auto p = godx::pprof::ReadProto("bench", Raw(), {});
  for (auto _ : state) {
    auto bytes = godx::pprof::EncodeProfileFile(*p);
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_EncodeGzip)->Unit(benchmark::kMillisecond);

// Merging N copies: the worst case for the sample table (every key is found again).
void BM_Merge(benchmark::State& state) {
  auto p = godx::pprof::ReadProto("bench", Raw(), {});
  for (auto _ : state) {
    godx::pprof::Merger m;
    for (int i = 0; i < state.range(0); ++i) (void)m.Add(*p, "bench");
    auto merged = m.Finish();
    benchmark::DoNotOptimize(merged);
  }
}
BENCHMARK(BM_Merge)->Arg(10)->Unit(benchmark::kMillisecond);

// pprof's graph outputs, from the decoded profile to the output bytes (what `godx pprof -dot`,
// `-callgrind` and `-topproto` do after reading): the report preparation (drop_frames,
// aggregation) is included because each output needs a fresh copy.
void GraphOutput(benchmark::State& state, godx::pprof::OutputFormat format) {
  for (auto _ : state) {
    auto p = godx::pprof::ReadProto("bench", Raw(), {});
    godx::pprof::PprofOptions o;
    o.format = format;
    auto ctx = godx::pprof::PreparePprofReport(o, &*p);
    auto out = godx::pprof::GenerateGraphOutput(*p, *ctx);
    benchmark::DoNotOptimize(out);
  }
}
void BM_Dot(benchmark::State& state) { GraphOutput(state, godx::pprof::OutputFormat::kDot); }
void BM_Callgrind(benchmark::State& state) { GraphOutput(state, godx::pprof::OutputFormat::kCallgrind); }
void BM_TopProto(benchmark::State& state) { GraphOutput(state, godx::pprof::OutputFormat::kTopproto); }
BENCHMARK(BM_Dot)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Callgrind)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TopProto)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
