// Throughput of reading and analysing GODEBUG gctrace/schedtrace logs. The log is built in memory
// by repeating a real fixture (with its program output) until it reaches GODX_BENCH_MB megabytes
// (default 1024), so nothing large is committed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gclog/analyze.h"
#include "gclog/common_line.h"
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

// One GC line at a time: the general parser (every read checked) and the fast path for the common
// line of Go 1.6+ (gclog/common_line.h), over the fixture's GC lines.
std::vector<std::string> GcLines() {
  std::ifstream f(std::string(GODX_SOURCE_DIR) + "/testdata/gclog/go1.19-gcleak.log");
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("gc ", 0) == 0) lines.push_back(line + "\n" + std::string(16, ' '));
  }
  return lines;
}

void BM_GcLineGeneral(benchmark::State& state) {
  static const std::vector<std::string> lines = GcLines();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& l = lines[i++ % lines.size()];
    auto c = godx::gclog::ParseGcLine(std::string_view(l).substr(0, l.size() - 17));
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_GcLineGeneral);

void BM_GcLineCommon(benchmark::State& state) {
  static const std::vector<std::string> lines = GcLines();
  size_t i = 0;
  godx::gclog::GcCycle c;
  for (auto _ : state) {
    const char* stop = godx::gclog::ParseCommonGcLine(lines[i++ % lines.size()].data(), &c);
    benchmark::DoNotOptimize(stop);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_GcLineCommon);

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
