// Throughput of reading and analysing GODEBUG gctrace/schedtrace logs. The log is built in memory
// by repeating a real fixture (with its program output) until it reaches GODX_BENCH_MB megabytes
// (default 1024), so nothing large is committed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gclog/analyze.h"
#include "gclog/reader.h"
#include "schedlog/analyze.h"
#include "schedlog/reader.h"

namespace {

std::string Repeat(const std::string& fixture) {
  size_t mb = 1024;
  if (const char* env = std::getenv("GODX_BENCH_MB")) mb = std::strtoull(env, nullptr, 10);
  std::ifstream f(std::string(GODX_SOURCE_DIR) + "/testdata/" + fixture);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string one = ss.str();
  if (one.empty()) return one;
  std::string out;
  out.reserve(mb << 20);
  while (out.size() < (mb << 20)) out += one;
  return out;
}

void BM_GcTrace(benchmark::State& state) {
  static const std::string log = Repeat("gclog/go1.19-gcleak.log");
  auto input = godx::Input::FromBytes("bench", log);
  for (auto _ : state) {
    auto trace = godx::gclog::ReadGcTrace(*input);
    auto report = godx::gclog::AnalyzeGcTrace(*trace, "bench");
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(log.size()));
}
BENCHMARK(BM_GcTrace)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SchedTrace(benchmark::State& state) {
  static const std::string log = Repeat("schedlog/go1.19-schedload-detail.log");
  auto input = godx::Input::FromBytes("bench", log);
  for (auto _ : state) {
    auto trace = godx::schedlog::ReadSchedTrace(*input);
    auto report = godx::schedlog::AnalyzeSchedTrace(*trace, "bench");
    benchmark::DoNotOptimize(report);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(log.size()));
}
BENCHMARK(BM_SchedTrace)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
