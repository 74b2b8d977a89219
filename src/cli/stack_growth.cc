// The goroutine dump reader's diff, installed into `godx watch` (src/live/ cannot depend on
// src/stacks/: both are signals, and the CLI is where signals meet).
#include "cli/stack_growth.h"

#include "live/goroutine_profile.h"
#include "stacks/analyze.h"
#include "stacks/diff.h"
#include "stacks/reader.h"

namespace godx::cli {

namespace {

// "main.leakyWorker at main.go:24 (created by main.startLeak at main.go:29)".
std::string Describe(const stacks::Dump& d, const stacks::Bucket& b) {
  std::string s = stacks::BucketName(d, b);
  if (b.created_by.function != 0) s += " (created by " + stacks::FrameSite(d, b.created_by) + ")";
  return s;
}

std::vector<live::StackGrowth> Grown(std::string_view before, std::string_view after) {
  auto a = stacks::ReadDebug1(before, "before");
  auto b = stacks::ReadDebug1(after, "after");
  if (!a.ok() || !b.ok()) return {};
  stacks::DumpDiff diff = stacks::DiffDumps(*a, *b);
  std::vector<live::StackGrowth> out;
  for (const auto& e : diff.entries) {
    if (e.delta() <= 0 || e.after_index < 0) continue;
    out.push_back({Describe(*b, b->buckets[size_t(e.after_index)]), int64_t(e.before),
                   int64_t(e.after)});
  }
  return out;
}

}  // namespace

void InstallStackGrowth() { live::SetStackDiff(Grown); }

}  // namespace godx::cli
