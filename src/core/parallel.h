// Splitting large text inputs for parallel readers. A reader parses each piece on its own thread
// into its own records and merges them in order; pieces end at line boundaries.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace godx {

// How many threads godx uses: one per hardware thread, or GODX_THREADS=N from the environment.
size_t Threads();

// How many pieces to cut `bytes` of input into: one per hardware thread, each at least 16 MiB
// (smaller inputs are not worth a thread). GODX_THREADS=N in the environment overrides it.
size_t PiecesFor(size_t bytes);

// Cuts `data` into `pieces` views of about equal size, each ending just after a '\n' (the last
// ends at the end of the data).
std::vector<std::string_view> SplitAtLines(std::string_view data, size_t pieces);

// Calls fn(i) for every i < n, on n threads (the calling thread runs fn(0)); returns when all are
// done.
void RunParallel(size_t n, const std::function<void(size_t)>& fn);

// Runs every task once, on up to Threads() threads that each take the next task not yet started
// (give the longest tasks first); returns when all are done. Tasks must not share what they write.
void RunTasks(std::span<const std::function<void()>> tasks);

}  // namespace godx
