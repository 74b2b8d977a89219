// Pieces the two format readers share; not part of the folder's API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/status.h"
#include "core/varint.h"
#include "trace/model.h"
#include "trace/reader.h"

namespace godx::trace::internal {

// "trace.out: offset 1234 (0x4d2): <what>".
inline Status ErrorAt(const std::string& name, uint64_t offset, std::string_view what) {
  return Status::Error(fmt::format("{}: offset {} (0x{:x}): {}", name, offset, offset, what));
}

// Ticks to nanoseconds at `frequency` ticks per second (0: unknown, times stay 0).
inline int64_t TicksToNs(uint64_t ticks, uint64_t frequency) {
  if (frequency == 0) return 0;
  return static_cast<int64_t>(static_cast<long double>(ticks) * 1e9L /
                              static_cast<long double>(frequency));
}

Result<TraceInfo> ReadOldFormat(std::string_view data, const std::string& name, int minor,
                                EventSink& sink, const ReadOptions& options);
Result<TraceInfo> ReadNewFormat(std::string_view data, const std::string& name, int minor,
                                EventSink& sink, const ReadOptions& options);

}  // namespace godx::trace::internal
