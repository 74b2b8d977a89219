// libFuzzer target: the schedtrace reader and analysis on arbitrary bytes must never crash, hang or
// allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "schedlog/analyze.h"
#include "schedlog/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = godx::Input::FromBytes("fuzz", std::string(reinterpret_cast<const char*>(data), size));
  if (!input.ok()) return 0;
  auto trace = godx::schedlog::ReadSchedTrace(*input);
  if (trace.ok()) (void)godx::schedlog::AnalyzeSchedTrace(*trace, "fuzz");
  return 0;
}
