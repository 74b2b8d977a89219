#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

namespace godx {

size_t Threads() {
  if (const char* env = std::getenv("GODX_THREADS")) {
    return std::clamp<size_t>(std::strtoull(env, nullptr, 10), 1, 256);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

size_t PiecesFor(size_t bytes) {
  constexpr size_t kMinPiece = size_t{16} << 20;
  return std::clamp<size_t>(bytes / kMinPiece, 1, Threads());
}

std::vector<std::string_view> SplitAtLines(std::string_view data, size_t pieces) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  for (size_t i = 1; i <= pieces && begin < data.size(); ++i) {
    size_t end = i == pieces ? data.size() : data.size() / pieces * i;
    if (end < begin) end = begin;
    size_t nl = data.find('\n', end);
    end = nl == std::string_view::npos ? data.size() : nl + 1;
    out.push_back(data.substr(begin, end - begin));
    begin = end;
  }
  if (out.empty()) out.push_back(data);
  return out;
}

void RunParallel(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<std::thread> threads;
  threads.reserve(n > 0 ? n - 1 : 0);
  for (size_t i = 1; i < n; ++i) threads.emplace_back(fn, i);
  if (n > 0) fn(0);
  for (auto& t : threads) t.join();
}

void RunTasks(std::span<const std::function<void()>> tasks) {
  std::atomic<size_t> next{0};
  RunParallel(std::min(Threads(), tasks.size()), [&](size_t) {
    for (size_t i; (i = next.fetch_add(1)) < tasks.size();) tasks[i]();
  });
}

}  // namespace godx
