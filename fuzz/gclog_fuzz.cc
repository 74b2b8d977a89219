// libFuzzer target: the gctrace reader and analysis on arbitrary bytes must never crash, hang or
// allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gclog/analyze.h"
#include "gclog/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = godx::Input::FromBytes("fuzz", std::string(reinterpret_cast<const char*>(data), size));
  if (!input.ok()) return 0;
  auto trace = godx::gclog::ReadGcTrace(*input);
  if (trace.ok()) (void)godx::gclog::AnalyzeGcTrace(*trace, "fuzz");
  return 0;
}
