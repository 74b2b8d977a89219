// libFuzzer target: the profile readers (profile.proto, Go debug=1 text, legacy binary CPU) and
// everything downstream of them (top, exports, re-encoding) must never crash, hang or allocate
// without bound, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pprof/analyze.h"
#include "pprof/export.h"
#include "pprof/graph.h"
#include "pprof/reader.h"
#include "pprof/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto input = godx::Input::FromBytes("fuzz", bytes, godx::InputOptions{uint64_t{64} << 20});
  if (!input.ok()) return 0;
  godx::pprof::ReadOptions options;
  options.max_samples = 1 << 20;
  auto p = godx::pprof::ReadProfile(*input, options);
  if (!p.ok() || p->sample_types.empty()) return 0;
  size_t idx = p->DefaultSampleIndex();
  (void)godx::pprof::ComputeTop(*p, idx, false);
  (void)godx::pprof::ExportFolded(*p, idx);
  (void)godx::pprof::AnalyzeProfile(*p, "fuzz", idx, godx::pprof::ViewOptions{}, godx::AnalyzeOptions{});
  auto again = godx::pprof::ReadProto("fuzz2", godx::pprof::EncodeProto(*p), options);
  if (!again.ok()) __builtin_trap();  // whatever godx reads, it must write readably
  return 0;
}
