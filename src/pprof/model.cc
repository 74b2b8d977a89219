#include "pprof/model.h"

#include <charconv>

namespace godx::pprof {

std::string_view SourceFormatName(SourceFormat f) {
  switch (f) {
    case SourceFormat::kProto:
      return "profile.proto";
    case SourceFormat::kGoHeapText:
      return "Go heap profile text (debug=1)";
    case SourceFormat::kGoContentionText:
      return "Go contention profile text (debug=1)";
    case SourceFormat::kGoCountText:
      return "Go count profile text (debug=1)";
    case SourceFormat::kLegacyCpu:
      return "legacy binary CPU profile";
    case SourceFormat::kJavaText:
      return "Java profile text";
    case SourceFormat::kLegacyThreadText:
      return "legacy thread dump (threadz)";
  }
  return "profile";
}

size_t Profile::DefaultSampleIndex() const {
  if (sample_types.empty()) return 0;
  if (default_sample_type != 0) {
    for (size_t i = 0; i < sample_types.size(); ++i) {
      if (sample_types[i].type == default_sample_type) return i;
    }
  }
  return sample_types.size() - 1;
}

int Profile::FindSampleIndex(std::string_view name) const {
  for (size_t i = 0; i < sample_types.size(); ++i) {
    if (Str(sample_types[i].type) == name) return static_cast<int>(i);
  }
  int n = -1;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (ec == std::errc() && p == name.data() + name.size() && n >= 0 &&
      static_cast<size_t>(n) < sample_types.size()) {
    return n;
  }
  return -1;
}

uint32_t AddressLocations::For(uint64_t address) {
  auto [it, fresh] = index_.emplace(address, static_cast<uint32_t>(p_->locations.size()));
  if (fresh) {
    Location l;
    l.id = p_->locations.size() + 1;
    l.address = address;
    p_->locations.push_back(l);
  }
  return it->second;
}

}  // namespace godx::pprof
