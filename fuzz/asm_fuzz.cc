// libFuzzer target: -S listings, objdump output and check_bce lines must never crash the reader,
// the panic-site analysis or traceback resolution.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/asm_analyze.h"
#include "compiler/asm_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input =
      godx::Input::FromBytes("fuzz", std::string(reinterpret_cast<const char*>(data), size));
  if (!input.ok()) return 0;
  auto frames = godx::compiler::ParseTracebackFrames(input->data());
  auto listing = godx::compiler::ReadListing(*input);
  if (!listing.ok()) return 0;
  if (!frames.empty()) (void)godx::compiler::TracebackReport(*listing, frames, "fuzz", "fuzz");
  godx::AnalyzeOptions json;
  json.json = true;
  (void)godx::compiler::AnalyzeListing(*listing, "fuzz", {}, json);
  for (const auto& f : listing->functions) {
    std::string name(listing->pool.Get(f.name));
    (void)godx::compiler::ResolveReturnAddress(*listing, name + "+0x1");
    (void)godx::compiler::ResolveReturnAddress(*listing, name + "+0x33");
  }
  return 0;
}
