#include "stacks/version.h"

#include <fmt/format.h>

#include <algorithm>

namespace godx::stacks {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "1.N" or "1.N.P" at s[i], ending where no further ".digit" follows.
bool ReadRelease(std::string_view s, size_t i, int* minor, int* patch) {
  if (i + 3 > s.size() || s[i] != '1' || s[i + 1] != '.' || !IsDigit(s[i + 2])) return false;
  size_t p = i + 2;
  int m = 0;
  while (p < s.size() && IsDigit(s[p]) && m < 1000) m = m * 10 + (s[p++] - '0');
  int pt = -1;
  if (p + 1 < s.size() && s[p] == '.' && IsDigit(s[p + 1])) {
    pt = 0;
    ++p;
    while (p < s.size() && IsDigit(s[p]) && pt < 1000) pt = pt * 10 + (s[p++] - '0');
  }
  // "go1.27.3.linux-amd64" goes on after a '.', "1.2.3.4" is no release.
  if (p < s.size() && (IsDigit(s[p]) || (s[p] == '.' && p + 1 < s.size() && IsDigit(s[p + 1]))))
    return false;
  if (m < 1 || m >= 99) return false;
  *minor = m;
  *patch = pt;
  return true;
}

}  // namespace

bool ReleaseInPath(std::string_view path, int* minor, int* patch) {
  // "go1.N" right after '/', '-' or '@': toolchain@v0.0.1-go1.27.3, sdk/go1.21.0, /usr/local/go1.22.
  for (size_t at = path.find("go1."); at != std::string_view::npos;
       at = path.find("go1.", at + 1)) {
    if (at > 0 && path[at - 1] != '/' && path[at - 1] != '-' && path[at - 1] != '@') continue;
    if (ReadRelease(path, at + 2, minor, patch)) return true;
  }
  // Debian and Ubuntu: /usr/lib/go-1.19 (the package names the minor release only).
  for (size_t at = path.find("/go-1."); at != std::string_view::npos;
       at = path.find("/go-1.", at + 1)) {
    if (ReadRelease(path, at + 4, minor, patch)) return true;
  }
  // Version directories: .../go/1.22.1/x64 (GitHub Actions), Cellar/go/1.21.5/libexec.
  for (size_t at = path.find("/go/1."); at != std::string_view::npos;
       at = path.find("/go/1.", at + 1)) {
    if (ReadRelease(path, at + 4, minor, patch) && *patch >= 0) return true;
  }
  return false;
}

bool ReleaseInGoVersionLine(std::string_view line, int* minor, int* patch) {
  constexpr std::string_view kPrefix = "go version go";
  if (line.substr(0, kPrefix.size()) != kPrefix) return false;
  return ReadRelease(line, kPrefix.size(), minor, patch);
}

ReleaseVerdict RecogniseRelease(const VersionHints& h) {
  ReleaseVerdict v;
  v.min_minor = h.min_minor;
  v.max_minor = h.max_minor;
  if (h.min_minor > 0) v.evidence.push_back(h.min_reason);
  if (h.max_minor < 99) v.evidence.push_back(h.max_reason);
  if (h.named_minor > 0) {
    v.evidence.insert(v.evidence.begin(), h.named_reason);
    if (h.named_minor < h.min_minor || h.named_minor > h.max_minor) {
      // The text and the format disagree (two programs' output in one log, or an unusual
      // build): say both rather than pick one.
      v.conflict = true;
      v.text = fmt::format(
          "Go 1.{}{} named by {}, but the format says {}", h.named_minor,
          h.named_patch >= 0 ? fmt::format(".{}", h.named_patch) : "", h.named_reason,
          h.named_minor < h.min_minor ? h.min_reason : h.max_reason);
      return v;
    }
    v.min_minor = v.max_minor = h.named_minor;
    v.patch = h.named_patch;
    std::string release = v.patch >= 0 ? fmt::format("Go 1.{}.{}", h.named_minor, v.patch)
                                       : fmt::format("Go 1.{}", h.named_minor);
    std::string agrees;
    if (h.min_minor > 0 && h.max_minor < 99)
      agrees = fmt::format("; the format agrees: 1.{}–1.{}", h.min_minor, h.max_minor);
    else if (h.min_minor > 0)
      agrees = fmt::format("; the format agrees: 1.{}+", h.min_minor);
    else if (h.max_minor < 99)
      agrees = fmt::format("; the format agrees: up to 1.{}", h.max_minor);
    v.text = fmt::format("{} (named by {}{})", release, h.named_reason, agrees);
    return v;
  }
  if (h.min_minor > h.max_minor) {
    // Features of different releases in one input (two programs' dumps in one log).
    v.conflict = true;
    v.text = fmt::format("conflicting: {} says 1.{}+, {} says up to 1.{}", h.min_reason,
                         h.min_minor, h.max_reason, h.max_minor);
    return v;
  }
  std::string reasons;
  for (const auto& e : v.evidence) reasons += (reasons.empty() ? "" : "; ") + e;
  if (h.min_minor > 0 && h.max_minor < 99) {
    v.text = h.min_minor == h.max_minor
                 ? fmt::format("Go 1.{} ({})", h.min_minor, reasons)
                 : fmt::format("Go 1.{}–1.{} ({})", h.min_minor, h.max_minor, reasons);
  } else if (h.min_minor > 0) {
    v.text = fmt::format("Go 1.{} or later ({})", h.min_minor, reasons);
  } else if (h.max_minor < 99) {
    v.text = fmt::format("Go 1.{} or earlier ({})", h.max_minor, reasons);
  } else {
    v.text = "unknown (nothing in the input is specific to a Go release)";
  }
  return v;
}

}  // namespace godx::stacks
