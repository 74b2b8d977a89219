// Compares two dumps of the same process: which stacks grew, shrank, appeared or vanished. The
// fastest way to confirm a leak is two dumps a few minutes apart and the bucket that only grows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/report.h"
#include "stacks/analyze.h"
#include "stacks/model.h"

namespace godx::stacks {

enum class Change { kGrew, kShrank, kAppeared, kVanished, kSame };
const char* ChangeName(Change c);

struct DiffEntry {
  Change change = Change::kSame;
  int64_t before_index = -1;  // index in before.buckets, -1 when the stack is new
  int64_t after_index = -1;   // index in after.buckets, -1 when it vanished
  uint64_t before = 0, after = 0;
  // Matched although a caller's line differs (same functions, same innermost file:line).
  bool callers_moved = false;
  int64_t delta() const { return static_cast<int64_t>(after) - static_cast<int64_t>(before); }
};

struct DumpDiff {
  uint64_t before_total = 0, after_total = 0;
  // Largest change first (by absolute delta, then by the after count).
  std::vector<DiffEntry> entries;
};

// Buckets are matched by their stacks (function, file:line, created-by; argument values never
// count), compared as text since the two dumps have separate string pools.
DumpDiff DiffDumps(const Dump& before, const Dump& after);

Report AnalyzeDiff(const Dump& before, const Dump& after, const DumpDiff& diff,
                   const AnalyzeOptions& options = {}, const ViewOptions& view = {});

}  // namespace godx::stacks
