// The profile model: profile.proto's messages as flat, index-linked vectors. Readers of every
// form (profile.proto, Go's debug=1 text) produce it; views, merge, diff and the writer consume
// it. Other folders (execution-trace analyses) build one with ProfileBuilder (pprof/builder.h)
// and encode it with pprof/writer.h.
//
// Ids from the input (location/function/mapping ids) are kept for re-encoding, but every link is
// a dense index: Sample stacks hold location indices, Line holds a function index, Location holds
// a mapping index. kNoIndex marks an absent link. All strings are interned in `strings`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/string_pool.h"

namespace godx::pprof {

inline constexpr uint32_t kNoIndex = UINT32_MAX;

struct ValueType {
  StringId type = 0;
  StringId unit = 0;
};

struct Label {
  StringId key = 0;
  StringId str = 0;  // 0 ("") for a numeric label
  int64_t num = 0;
  StringId num_unit = 0;
};

struct Line {
  uint32_t function = kNoIndex;
  int64_t line = 0;
  int64_t column = 0;
};

struct Location {
  uint64_t id = 0;
  uint32_t mapping = kNoIndex;
  uint64_t address = 0;
  // lines[line_begin, line_begin + line_count): callee first; the last is the physical caller.
  uint32_t line_begin = 0;
  uint32_t line_count = 0;
  bool is_folded = false;
};

struct Function {
  uint64_t id = 0;
  StringId name = 0;
  StringId system_name = 0;
  StringId filename = 0;
  int64_t start_line = 0;
};

struct Mapping {
  uint64_t id = 0;
  uint64_t memory_start = 0;
  uint64_t memory_limit = 0;
  uint64_t file_offset = 0;
  StringId filename = 0;
  StringId build_id = 0;
  bool has_functions = false;
  bool has_filenames = false;
  bool has_line_numbers = false;
  bool has_inline_frames = false;
};

// Which reader produced a profile (shown to users, and some views depend on it).
enum class SourceFormat {
  kProto,
  kGoHeapText,
  kGoContentionText,
  kGoCountText,
  kLegacyCpu,
  kJavaText,        // Java heapz/contentionz ("format = java"), names from its symbol table
  kLegacyThreadText // gperftools threadz dumps (addresses and a memory map)
};
std::string_view SourceFormatName(SourceFormat f);

struct Profile {
  StringPool strings;
  std::vector<ValueType> sample_types;

  // Samples, flattened: sample i has stack[stack_begin[i] .. stack_begin[i+1]) (location indices,
  // leaf first), values[i * sample_types.size() ..] and labels[label_begin[i] .. label_begin[i+1]).
  std::vector<uint32_t> stack_begin{0};
  std::vector<uint32_t> stack;
  std::vector<int64_t> values;
  std::vector<uint32_t> label_begin{0};
  std::vector<Label> labels;

  std::vector<Location> locations;
  std::vector<Line> lines;
  std::vector<Function> functions;
  std::vector<Mapping> mappings;

  StringId drop_frames = 0;
  StringId keep_frames = 0;
  int64_t time_nanos = 0;
  int64_t duration_nanos = 0;
  ValueType period_type;
  int64_t period = 0;
  std::vector<StringId> comments;
  StringId default_sample_type = 0;
  StringId doc_url = 0;

  SourceFormat format = SourceFormat::kProto;
  // What the reader had to skip or found cut (shown as Report warnings).
  std::vector<std::string> notes;

  size_t num_samples() const { return stack_begin.size() - 1; }
  size_t num_values() const { return sample_types.size(); }
  std::span<const uint32_t> Stack(size_t i) const {
    return {stack.data() + stack_begin[i], stack.data() + stack_begin[i + 1]};
  }
  std::span<const int64_t> Values(size_t i) const {
    return {values.data() + i * num_values(), num_values()};
  }
  std::span<int64_t> MutableValues(size_t i) {
    return {values.data() + i * num_values(), num_values()};
  }
  std::span<const Label> Labels(size_t i) const {
    return {labels.data() + label_begin[i], labels.data() + label_begin[i + 1]};
  }
  std::span<const Line> LinesOf(const Location& l) const {
    return {lines.data() + l.line_begin, l.line_count};
  }
  std::string_view Str(StringId id) const { return strings.Get(id); }

  // Appends one sample; `values` must have num_values() entries.
  void AddSample(std::span<const uint32_t> locs, std::span<const int64_t> vals,
                 std::span<const Label> lbls = {}) {
    stack.insert(stack.end(), locs.begin(), locs.end());
    stack_begin.push_back(static_cast<uint32_t>(stack.size()));
    values.insert(values.end(), vals.begin(), vals.end());
    labels.insert(labels.end(), lbls.begin(), lbls.end());
    label_begin.push_back(static_cast<uint32_t>(labels.size()));
  }

  // The sample index pprof shows by default: default_sample_type when set and present,
  // otherwise the last sample type.
  size_t DefaultSampleIndex() const;
  // Index of the sample type named `name` (or a decimal index); -1 when absent.
  int FindSampleIndex(std::string_view name) const;
};

// Address-only locations, one per distinct address: the legacy and text formats give raw program
// counters, which godx does not symbolise.
class AddressLocations {
 public:
  explicit AddressLocations(Profile* p) : p_(p) {}
  // The index of the location for `address`, added to the profile the first time.
  uint32_t For(uint64_t address);

 private:
  Profile* p_;
  std::unordered_map<uint64_t, uint32_t> index_;
};

}  // namespace godx::pprof
