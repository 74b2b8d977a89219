// libFuzzer target: the goroutine dump reader, analysis and diff on arbitrary bytes must never
// crash, hang or allocate without bound. The input is fed both whole and line by line with a cut
// last line, the two ways godx reads dumps.
#include <cstddef>
#include <cstdint>
#include <string>

#include "stacks/analyze.h"
#include "stacks/diff.h"
#include "stacks/filter.h"
#include "stacks/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto input = godx::Input::FromBytes("fuzz", bytes);
  if (!input.ok()) return 0;
  godx::AnalyzeOptions json;
  json.json = true;
  auto dump = godx::stacks::ReadDump(*input);
  if (dump.ok()) {
    (void)godx::stacks::AnalyzeDump(*dump, json);
    auto again = godx::stacks::ReadDump(*input);
    if (again.ok()) {
      auto diff = godx::stacks::DiffDumps(*dump, *again);
      (void)godx::stacks::AnalyzeDiff(*dump, *again, diff, json);
    }
  }
  godx::stacks::ReadOptions exact;
  exact.similarity = godx::stacks::Similarity::kExact;
  exact.max_buckets = 64;
  exact.max_frames = 16;
  auto capped = godx::stacks::ReadDump(*input, exact);
  if (capped.ok()) {
    (void)godx::stacks::FilterDump(&*capped, {"main|chan", "runtime\\."});
    (void)godx::stacks::AnalyzeDump(*capped);
  }
  (void)godx::stacks::ReadDebug1(bytes, "fuzz");
  return 0;
}
