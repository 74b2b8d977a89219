#include "pprof/reader.h"

#include <fmt/format.h>

#include "core/text.h"

namespace godx::pprof {

Result<Profile> ReadProfile(std::string_view name, std::string_view data,
                            const ReadOptions& options) {
  if (data.empty()) return Status::Error(fmt::format("{}: empty input, expected a profile", name));
  std::string_view head = data.substr(0, 4096);
  // Text whose first line runs past 1 MiB is no profile: every text form has short lines, and
  // profile.proto has binary bytes (its first field tag is a line feed). Refused before any
  // reader tries it, so a 50 MB line costs a scan of 1 MiB, not a parse.
  constexpr size_t kMaxFirstLine = size_t{1} << 20;
  if (data.size() > kMaxFirstLine && !LooksBinary(head) &&
      data.substr(0, kMaxFirstLine).find('\n') == std::string_view::npos) {
    return Status::Error(fmt::format(
        "{}: byte {}: line 1 is longer than 1 MiB without a line break; expected a profile "
        "(profile.proto or pprof's text forms)", name, kMaxFirstLine));
  }
  if (!LooksBinary(head) && LooksLikeLegacyText(head)) return ReadLegacyText(name, data);
  if (!LooksBinary(head) && LooksLikeGoText(head)) return ReadGoText(name, data, options);
  if (LooksLikeLegacyCpu(head)) return ReadLegacyCpu(name, data);
  if (LooksLikeProto(data.substr(0, 1 << 16))) return ReadProto(name, data, options);
  if (!LooksBinary(head)) {
    return Status::Error(fmt::format(
        "{}: line 1: expected a profile (profile.proto, or Go debug=1 text starting 'heap "
        "profile:', '--- contention:', '--- mutex:' or '<type> profile: total N'), got '{}'",
        name, FirstLine(head)));
  }
  // Binary data that does not start like profile.proto: decode anyway for the precise offset.
  return ReadProto(name, data, options);
}

Result<Profile> ReadProfile(const Input& input, const ReadOptions& options) {
  auto r = ReadProfile(input.name(), input.data(), options);
  if (!r.ok() && !input.cut_note().empty()) {
    return Status::Error(fmt::format("{}; the input is cut: {}", r.status().message(), input.cut_note()));
  }
  return r;
}

int SniffProfile(std::string_view head) {
  if (head.empty()) return 0;
  if (!LooksBinary(head.substr(0, 4096))) return LooksLikeGoText(head) || LooksLikeLegacyText(head) ? 90 : 0;
  if (LooksLikeLegacyCpu(head)) return 80;
  return LooksLikeProto(head) ? 80 : 0;
}

}  // namespace godx::pprof
