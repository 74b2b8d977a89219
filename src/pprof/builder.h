// ProfileBuilder: the easy way for other signals (execution traces, goroutine dumps) to emit a
// pprof profile: name frames by function/file/line, add samples leaf first, then encode the
// result with pprof/writer.h. Functions, locations and identical samples are deduplicated.
#pragma once

#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pprof/model.h"

namespace godx::pprof {

class ProfileBuilder {
 public:
  struct Type {
    std::string_view type, unit;  // e.g. {"delay", "nanoseconds"}
  };
  struct StringLabel {
    std::string_view key, value;
  };

  // `sample_types` in order; `period_type`/`period` as profile.proto has them (may be empty/0).
  ProfileBuilder(std::span<const Type> sample_types, Type period_type = {}, int64_t period = 0);

  // A location for one frame (no inlining), deduplicated by (function, file, line).
  uint32_t Frame(std::string_view function, std::string_view file = {}, int64_t line = 0);
  // Adds a sample: `stack` holds Frame() results, leaf first; `values` one per sample type.
  // Samples with the same stack and labels are summed.
  void Sample(std::span<const uint32_t> stack, std::span<const int64_t> values,
              std::span<const StringLabel> labels = {});

  void SetDuration(int64_t time_nanos, int64_t duration_nanos);
  void SetDefaultSampleType(std::string_view type);

  // The finished profile; the builder is spent afterwards.
  Profile Finish();

 private:
  Profile p_;
  std::unordered_map<std::string, uint32_t> functions_, frames_, samples_;
  std::string key_;
};

}  // namespace godx::pprof
