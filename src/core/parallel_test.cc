#include "core/parallel.h"

#include <atomic>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(Parallel, PiecesEndAtLineBoundariesAndCoverEverything) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "line " + std::to_string(i) + "\n";
  data += "last without newline";
  for (size_t n : {1u, 2u, 3u, 7u}) {
    auto pieces = SplitAtLines(data, n);
    std::string joined;
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i + 1 < pieces.size()) {
        ASSERT_FALSE(pieces[i].empty());
        EXPECT_EQ(pieces[i].back(), '\n');
      }
      joined += pieces[i];
    }
    EXPECT_EQ(joined, data) << n;
    EXPECT_LE(pieces.size(), n);
  }
}

TEST(Parallel, OneLongLineIsOnePiece) {
  std::string data(10000, 'x');
  auto pieces = SplitAtLines(data, 4);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].size(), data.size());
}

TEST(Parallel, SmallInputsStayOnOneThread) {
  EXPECT_EQ(PiecesFor(1 << 20), 1u);
  EXPECT_GE(PiecesFor(size_t{1} << 32), 1u);
}

TEST(Parallel, RunsEveryIndexOnce) {
  std::vector<std::atomic<int>> hits(5);
  RunParallel(5, [&](size_t i) { hits[i]++; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(Parallel, RunsEveryTaskOnceOnAnyNumberOfThreads) {
  for (const char* threads : {"1", "2", "7"}) {
    setenv("GODX_THREADS", threads, 1);
    std::vector<std::atomic<int>> hits(20);
    std::vector<std::function<void()>> tasks;
    for (size_t i = 0; i < hits.size(); ++i) tasks.push_back([&hits, i] { hits[i]++; });
    RunTasks(tasks);
    unsetenv("GODX_THREADS");
    for (auto& h : hits) EXPECT_EQ(h.load(), 1) << threads;
  }
  RunTasks({});  // nothing to do: returns
}

}  // namespace
}  // namespace godx
