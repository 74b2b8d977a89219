// What an input says about the Go release that wrote it. Formats change with releases (gctrace
// fields, traceback headers, profile sample types, compiler wordings), so each reader narrows a
// range of minor versions from what it sees, or pins the exact release when the input names it
// (a `go version` line, a GOROOT path such as .../go1.27.3..., build info). Every report states
// the result the same way: the fact "Go release" and the JSON envelope key "go_release".
#pragma once

#include <string>
#include <string_view>

#include "core/report.h"

namespace godx {

struct GoRelease {
  static constexpr int kNoUpperBound = 99;
  int min_minor = 0;  // 0: nothing seen that only newer releases print
  int max_minor = kNoUpperBound;
  std::string min_reason, max_reason;  // the evidence behind each bound
  std::string exact;                   // "go1.27.3" when the input names its release
  std::string exact_reason;

  // Narrowing: a bound is kept when the new evidence says less than what is already known.
  void AtLeast(int minor, std::string_view why);
  void AtMost(int minor, std::string_view why);
  // Pins the release from a version string ("go1.27.3", "go1.26rc1", "devel go1.28-abc");
  // returns false (and changes nothing) when `go_version` is not one.
  bool Exactly(std::string_view go_version, std::string_view why);
  // Everything `other` knows, added to this.
  void Merge(const GoRelease& other);

  bool Known() const { return !exact.empty() || min_minor > 0 || max_minor < kNoUpperBound; }
  // "Go 1.27.3 (GOROOT path)", "Go 1.22 or later (gp= in goroutine headers)",
  // "Go 1.21 to 1.26 (...; ...)", "Go 1.20 or earlier (...)"; "" when nothing is known.
  std::string Describe() const;
  // {"exact": "go1.27.3"|null, "min": "1.22"|null, "max": "1.26"|null, "evidence": [..]}.
  Json ToJson() const;
};

// The minor version of a Go version string ("go1.27.3" → 27); 0 when it is not one.
int GoMinor(std::string_view go_version);

// The release a binary's build info names ("go1.26.8", "go1.26.8-X:goroutineleakprofile"): the
// exact release, with the full string as evidence when it says more (an experiment).
GoRelease GoReleaseOfBinary(std::string_view go_version);

// States `release` in `report`: the fact "Go release" (text) and the envelope key "go_release"
// (JSON, null when nothing is known).
void SetGoRelease(Report& report, const GoRelease& release);

}  // namespace godx
