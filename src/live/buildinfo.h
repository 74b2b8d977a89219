// The Go version and main module path a Go binary carries in its build info (the
// ".go.buildinfo" section that `go version -m` reads). Go 1.18+ stores the two strings inline
// after the 32-byte header; older binaries store pointers, which godx does not follow (it says so).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace godx::live {

struct GoBuildInfo {
  std::string go_version;   // "go1.19.8"
  std::string module_path;  // "godx.test/gen/leakyserver"; empty when built without modules
};

// Parses the bytes of the build info blob (from its 14-byte magic on). Errors say what was
// expected at which offset.
Result<GoBuildInfo> ParseGoBuildInfo(std::string_view blob);

// Finds the build info in an ELF file: the .go.buildinfo section, else the magic in the first
// 64 MiB. Errors: not readable, not ELF, not a Go binary, pre-1.18 pointer format.
Result<GoBuildInfo> ReadGoBuildInfo(const std::string& path);

}  // namespace godx::live
