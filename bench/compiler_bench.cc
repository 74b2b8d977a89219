// Throughput of the compiler-diagnostic readers. The -m=2 input is $GODX_BENCH_INPUT when set
// (bench/compare-compiler.sh writes the whole net/http -m=2 output there), else a committed
// fixture repeated to GODX_BENCH_MB megabytes (default 256). Nothing large is committed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "compiler/analyze.h"
#include "compiler/asm_analyze.h"
#include "compiler/asm_reader.h"
#include "compiler/reader.h"

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Load(const char* env, const std::string& fixture) {
  if (const char* p = std::getenv(env); p != nullptr && *p != '\0') return ReadAll(p);
  size_t mb = 256;
  if (const char* m = std::getenv("GODX_BENCH_MB")) mb = std::strtoull(m, nullptr, 10);
  std::string one = ReadAll(std::string(GODX_SOURCE_DIR) + "/testdata/" + fixture);
  if (one.empty()) return one;
  std::string out;
  out.reserve(mb << 20);
  while (out.size() < (mb << 20)) out += one;
  return out;
}

const std::string& M2() {
  static const std::string text = Load("GODX_BENCH_INPUT", "compiler/go1.19-net-url-m2.txt");
  return text;
}

void BM_EscapeTextRead(benchmark::State& state) {
  auto input = godx::Input::FromBytes("bench", M2());
  for (auto _ : state) {
    auto b = godx::compiler::ReadEscapeText(*input);
    benchmark::DoNotOptimize(b);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(M2().size()));
}
BENCHMARK(BM_EscapeTextRead)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EscapeTextReadAndAnalyze(benchmark::State& state) {
  auto input = godx::Input::FromBytes("bench", M2());
  for (auto _ : state) {
    auto b = godx::compiler::ReadEscapeText(*input);
    auto r = godx::compiler::AnalyzeEscapes(*b, "bench");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(M2().size()));
}
BENCHMARK(BM_EscapeTextReadAndAnalyze)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ListingRead(benchmark::State& state) {
  static const std::string text = Load("GODX_BENCH_LISTING", "compiler/go1.19-escapes-S.txt");
  auto input = godx::Input::FromBytes("bench", text);
  for (auto _ : state) {
    auto l = godx::compiler::ReadListing(*input);
    auto r = godx::compiler::AnalyzeListing(*l, "bench");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_ListingRead)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
