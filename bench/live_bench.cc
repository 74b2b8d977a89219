// Costs on godx's live paths: classifying and parsing a program's stderr as `godx run` does
// (a real crasher stderr repeated to GODX_BENCH_MB, default 256), reading /proc text, parsing
// expvar JSON, and analysing a whole committed bundle. Nothing large is committed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/line_cursor.h"
#include "core/signal.h"
#include "gclog/reader.h"
#include "live/doctor.h"
#include "live/expvar.h"
#include "live/proc.h"
#include "live/runner.h"

namespace {

std::string Fixture(const std::string& rel) {
  std::ifstream f(std::string(GODX_SOURCE_DIR) + "/testdata/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Repeat(const std::string& one, size_t default_mb) {
  size_t mb = default_mb;
  if (const char* env = std::getenv("GODX_BENCH_MB")) mb = std::strtoull(env, nullptr, 10);
  std::string out;
  if (one.empty()) return out;
  out.reserve(mb << 20);
  while (out.size() < (mb << 20)) out += one;
  return out;
}

// What godx run does per stderr line: classify, keep, parse gctrace lines.
void BM_RunLineSplit(benchmark::State& state) {
  static const std::string log = Repeat(Fixture("live/go1.19/run/crasher.stderr.txt"), 256);
  for (auto _ : state) {
    godx::LineCursor lines(log);
    std::string_view line;
    uint64_t runtime = 0, cycles = 0;
    while (lines.Next(&line)) {
      if (godx::live::IsRuntimeLine(line)) {
        ++runtime;
        if (line.substr(0, 3) == "gc " && godx::gclog::ParseGcLine(line)) ++cycles;
      } else {
        benchmark::DoNotOptimize(godx::live::StartsTraceback(line));
      }
    }
    benchmark::DoNotOptimize(runtime + cycles);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(log.size()));
}
BENCHMARK(BM_RunLineSplit)->Unit(benchmark::kMillisecond);

void BM_ProcStatus(benchmark::State& state) {
  const std::string text = Fixture("live/go1.19/proc/leakyserver.status.txt");
  for (auto _ : state) benchmark::DoNotOptimize(godx::live::ParseProcStatus(text, "s"));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_ProcStatus);

// A host with 100k sockets: /proc/PID/net/tcp is then ~15 MB.
void BM_NetTcp(benchmark::State& state) {
  std::string one = Fixture("live/go1.19/proc/leakyserver.net_tcp.txt");
  std::string body = one.substr(one.find('\n') + 1);
  std::string text = one.substr(0, one.find('\n') + 1);
  while (text.size() < (size_t{15} << 20)) text += body;
  for (auto _ : state) benchmark::DoNotOptimize(godx::live::ParseNetTcp(text, false));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_NetTcp)->Unit(benchmark::kMillisecond);

void BM_Expvar(benchmark::State& state) {
  const std::string text = Fixture("live/go1.19/expvar/goodserver.json");
  for (auto _ : state) benchmark::DoNotOptimize(godx::live::ParseExpvars(text, "v"));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_Expvar);

void BM_AnalyzeBundle(benchmark::State& state) {
  std::string dir = std::string(GODX_SOURCE_DIR) + "/testdata/live/go1.19/leaky-bundle";
  for (auto _ : state) {
    auto r = godx::live::AnalyzeBundle(dir, {}, godx::AnalyzeOptions{});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_AnalyzeBundle)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
