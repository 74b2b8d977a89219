// libFuzzer target: one -json=0 file (header line, then LSP diagnostics) must never crash the
// reader or the analyses.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/analyze.h"
#include "compiler/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input =
      godx::Input::FromBytes("fuzz", std::string(reinterpret_cast<const char*>(data), size));
  if (!input.ok()) return 0;
  godx::compiler::EscapeBuild build;
  if (!godx::compiler::ReadEscapeJsonFile(*input, "fuzz", &build).ok()) return 0;
  godx::compiler::FinishBuild(&build);
  godx::AnalyzeOptions json;
  json.json = true;
  (void)godx::compiler::AnalyzeEscapes(build, "fuzz", {}, json);
  (void)godx::compiler::DiffBuilds(build, build, "a", "b");
  return 0;
}
