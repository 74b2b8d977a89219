// The cheap goroutine count of /debug/pprof/goroutine?debug=1, whose first line is
// "goroutine profile: total N". Only that line is read here: the stacks below it are read by the
// goroutine dump reader, through the StackDiff hook.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace godx::live {

// N from "goroutine profile: total N" on the first line; nullopt otherwise.
std::optional<uint64_t> GoroutineTotal(std::string_view debug1);

// A stack whose goroutine count grew between two debug=1 snapshots.
struct StackGrowth {
  std::string stack;  // the stack as the reader names it (top function, creation site)
  int64_t before = 0, after = 0;
};

// Compares two debug=1 snapshots. Provided by the goroutine dump reader; until it is linked in,
// the default returns nothing and watch says that stack-level growth is unavailable.
using StackDiffFn = std::vector<StackGrowth> (*)(std::string_view before, std::string_view after);
void SetStackDiff(StackDiffFn fn);
StackDiffFn GetStackDiff();
// True once a real StackDiff was installed.
bool HasStackDiff();

}  // namespace godx::live
