// The cheap goroutine count of /debug/pprof/goroutine?debug=1, whose first line is
// "goroutine profile: total N". Only that line is read here: the stacks below it are read by the
// goroutine dump reader, through the StackDiff hook.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace godx::live {

// N from "goroutine profile: total N" on the first line; nullopt otherwise.
std::optional<uint64_t> GoroutineTotal(std::string_view debug1);

// One bucket of a debug=1 count profile (runtime/pprof's printCountProfile): goroutines with the
// same stack. `pcs` is the "@ 0x… 0x…" list as written: within one process the goroutine and
// goroutineleak profiles write the same list for the same stack, so it matches buckets across
// the two exactly (names could collide: two call sites in one function).
struct CountBucket {
  uint64_t count = 0;
  std::string pcs;   // "0x48c60a 0x419c8e …"
  std::string site;  // the first frame outside the runtime: "main.leakyWorker at main.go:24"
};

// A debug=1 count profile: "<name> profile: total N", then the buckets. Buckets with the same
// stack but different labels are merged (labels do not change where a goroutine waits).
struct CountProfile {
  std::string name;  // "goroutine", "goroutineleak"
  uint64_t total = 0;
  std::vector<CountBucket> buckets;
  size_t skipped = 0;  // buckets beyond the cap, or without a parsable count line
};

// Reads a count profile; fails (naming `source`) when the first line is not
// "<name> profile: total N". At most 100,000 buckets are kept.
Result<CountProfile> ReadCountProfile(std::string_view text, const std::string& source);

// The rule that names a bucket's site: its first frame outside the runtime ("runtime." and
// "internal/" functions are the runtime's). One rule for every view of a goroutine profile, so
// that sites match across them.
bool IsRuntimeFrame(std::string_view function);

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
