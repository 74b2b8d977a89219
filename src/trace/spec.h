// Event tables of both wire formats, written from upstream's specs (Go's internal/trace/tracev2
// for the new format, the Go ≤1.21 parser's EventDescriptions for the old one): per wire type its
// name, argument count and which arguments are strings or stacks, the release that introduced it,
// and what it means to godx (Kind, EventClass).
#pragma once

#include <cstdint>
#include <string_view>

#include "trace/model.h"

namespace godx::trace {

// New format (headers go 1.22 .. go 1.26).
namespace v2 {
// Wire types of the structure (batch framing and per-generation tables).
enum : uint8_t {
  kEvEventBatch = 1, kEvStacks = 2, kEvStack = 3, kEvStrings = 4, kEvString = 5,
  kEvCpuSamples = 6, kEvCpuSample = 7, kEvFrequency = 8, kEvExperimentalBatch = 49, kEvSync = 50,
  kEvClockSnapshot = 51, kEvEndOfGeneration = 52,
};
inline constexpr uint64_t kMaxBatchSize = 64 << 10;
inline constexpr uint64_t kMaxStringSize = 1 << 10;
inline constexpr uint64_t kMaxFramesPerStack = 128;
inline constexpr uint64_t kNoM = ~uint64_t{0};  // the M of structural batches

struct Spec {
  std::string_view name;
  uint8_t nargs = 0;        // arguments after the timestamp delta
  int8_t str = -1, str2 = -1, stack = -1;  // argument indexes; -1 none
  uint8_t min_minor = 22;   // the header version that introduced it
  Kind kind = Kind::kOther;
  EventClass cls = EventClass::kOther;
};
// The timed event of wire type `type` that batches may hold under header version `minor`;
// nullptr when there is none.
const Spec* TimedSpec(uint8_t type, int minor);
}  // namespace v2

// Old format (headers go 1.5 .. go 1.21).
namespace v1 {
enum : uint8_t {
  kEvNone = 0, kEvBatch = 1, kEvFrequency = 2, kEvStack = 3, kEvGcStart = 7, kEvGoSysExit = 29,
  kEvTimerGoroutine = 35, kEvString = 37, kEvGoSysExitLocal = 40, kEvUserRegion = 47,
  kEvUserLog = 48, kEvCpuSample = 49, kEvCount = 50,
};
struct Spec {
  std::string_view name;
  uint16_t min_version = 1005;  // 1005 = go 1.5
  uint8_t nargs = 0;            // non-stack arguments after the timestamp, in the newest layout
  bool stack = false;           // a stack ID follows as the last argument
  int8_t str = -1;              // argument index of a string ID; -1 none
  Kind kind = Kind::kOther;
  EventClass cls = EventClass::kOther;
};
// nullptr for an unknown type or one newer than `version` (1005, 1007 .. 1021).
const Spec* SpecFor(uint8_t type, int version);
// The number of arguments (timestamp, and sequence before 1.7, included) an event of `type`
// carries under `version`, as the Go ≤1.21 parser counts them; EvStack is variable (-1).
int ArgCount(uint8_t type, int version);
}  // namespace v1

}  // namespace godx::trace
