// libFuzzer target: the -m / -m=2 text reader, its analyses (summary, --explain, diff) must never
// crash, hang or allocate without bound on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/analyze.h"
#include "compiler/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input =
      godx::Input::FromBytes("fuzz", std::string(reinterpret_cast<const char*>(data), size));
  if (!input.ok()) return 0;
  auto build = godx::compiler::ReadEscapeText(*input);
  if (!build.ok()) return 0;
  godx::AnalyzeOptions json;
  json.json = true;
  (void)godx::compiler::AnalyzeEscapes(*build, "fuzz", {}, json);
  (void)godx::compiler::DiffBuilds(*build, *build, "a", "b");
  if (!build->diagnostics.empty()) {
    const auto& d = build->diagnostics.front();
    std::string at = std::string(build->pool.Get(d.file)) + ":" + std::to_string(d.line);
    (void)godx::compiler::ExplainAt(*build, "fuzz", at);
  }
  return 0;
}
