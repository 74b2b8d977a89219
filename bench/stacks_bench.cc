// Throughput of reading, bucketing and analysing goroutine dumps. The dumps are built in memory
// by repeating real fixtures (testdata/stacks/) until they reach GODX_BENCH_MB megabytes
// (default 64, the size at which /debug/pprof/goroutine?debug=2 stops), so nothing large is
// committed. bench/compare-stacks.sh times the whole command against panicparse's pp.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "stacks/analyze.h"
#include "stacks/diff.h"
#include "stacks/reader.h"

namespace {

std::string Repeat(const std::string& fixture) {
  size_t mb = 64;
  if (const char* env = std::getenv("GODX_BENCH_MB")) mb = std::strtoull(env, nullptr, 10);
  std::ifstream f(std::string(GODX_SOURCE_DIR) + "/testdata/stacks/" + fixture);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string one = ss.str();
  if (one.empty()) return one;
  if (one.back() != '\n') one += '\n';
  std::string out;
  out.reserve((mb << 20) + one.size());
  while (out.size() < (mb << 20)) {
    out += one;
    out += '\n';
  }
  return out;
}

void ReadBench(benchmark::State& state, const std::string& log, godx::stacks::Similarity sim) {
  auto input = godx::Input::FromBytes("bench", log);
  godx::stacks::ReadOptions o;
  o.similarity = sim;
  for (auto _ : state) {
    auto d = godx::stacks::ReadDump(*input, o);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(log.size()));
}

void BM_ReadDebug2(benchmark::State& state) {
  static const std::string log = Repeat("go1.19-leak-2.debug2.txt");
  ReadBench(state, log, godx::stacks::Similarity::kArgs);
}
BENCHMARK(BM_ReadDebug2)->Unit(benchmark::kMillisecond);

void BM_ReadDebug2Exact(benchmark::State& state) {
  static const std::string log = Repeat("go1.19-leak-2.debug2.txt");
  ReadBench(state, log, godx::stacks::Similarity::kExact);
}
BENCHMARK(BM_ReadDebug2Exact)->Unit(benchmark::kMillisecond);

void BM_ReadSigquitSystem(benchmark::State& state) {
  // GOTRACEBACK=system frames carry fp= sp= pc= on every file line.
  static const std::string log = Repeat("go1.19-sigquit.txt");
  ReadBench(state, log, godx::stacks::Similarity::kArgs);
}
BENCHMARK(BM_ReadSigquitSystem)->Unit(benchmark::kMillisecond);

void BM_ReadNoisyTestLog(benchmark::State& state) {
  static const std::string log = Repeat("go1.19-gotest.txt");
  ReadBench(state, log, godx::stacks::Similarity::kArgs);
}
BENCHMARK(BM_ReadNoisyTestLog)->Unit(benchmark::kMillisecond);

void BM_ReadDebug1(benchmark::State& state) {
  static const std::string log = Repeat("go1.19-leak-2.debug1.txt");
  ReadBench(state, log, godx::stacks::Similarity::kArgs);
}
BENCHMARK(BM_ReadDebug1)->Unit(benchmark::kMillisecond);

void BM_AnalyzeAndDiff(benchmark::State& state) {
  static const std::string log = Repeat("go1.19-leak-2.debug2.txt");
  auto input = godx::Input::FromBytes("bench", log);
  auto d = godx::stacks::ReadDump(*input);
  godx::AnalyzeOptions json;
  json.json = true;
  for (auto _ : state) {
    auto r = godx::stacks::AnalyzeDump(*d, json);
    auto diff = godx::stacks::DiffDumps(*d, *d);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(diff);
  }
}
BENCHMARK(BM_AnalyzeAndDiff)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
