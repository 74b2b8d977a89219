// libFuzzer target: the execution-trace readers (both formats) and the summary on arbitrary bytes
// must never crash, hang or allocate without bound. Seeds: testdata/trace/ and the corpus's
// fuzz/*.decoded/ raw traces.
#include <cstddef>
#include <cstdint>
#include <string>

#include "trace/analyze.h"
#include "trace/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = godx::Input::FromBytes("fuzz", std::string(reinterpret_cast<const char*>(data), size));
  if (!input.ok()) return 0;
  (void)godx::trace::AnalyzeInput(*input);
  return 0;
}
