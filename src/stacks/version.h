// Which Go release printed a dump: the bounds its format features set (VersionHints, filled by
// the reader) and the release its text names ($GOROOT paths, `go version` lines), turned into
// one verdict that says no more than the evidence does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stacks/model.h"

namespace godx::stacks {

// The release a path names: ".../toolchain@v0.0.1-go1.27.3.linux-amd64" (GOTOOLCHAIN
// downloads), "~/sdk/go1.21.0" (golang.org/dl), "/usr/local/go1.22.1", "/usr/lib/go-1.19"
// (Debian; no patch), ".../hostedtoolcache/go/1.22.1/x64" and "Cellar/go/1.21.5/" (GitHub
// Actions, Homebrew). `patch` is -1 when the path names only 1.N. False when it names none
// (e.g. "/usr/local/go").
bool ReleaseInPath(std::string_view path, int* minor, int* patch);

// "go version go1.27.3 linux/amd64" (the first line of a `go version` or `go env` capture).
bool ReleaseInGoVersionLine(std::string_view line, int* minor, int* patch);

struct ReleaseVerdict {
  int min_minor = 0;   // 0: no lower bound
  int max_minor = 99;  // 99: no upper bound
  int patch = -1;      // >= 0 only when the text names the exact release
  bool conflict = false;  // the named release lies outside the format's bounds
  std::string text;       // "Go 1.27.3 (...)", "Go 1.26 or later (...)", "unknown (...)"
  std::vector<std::string> evidence;
};

ReleaseVerdict RecogniseRelease(const VersionHints& hints);

}  // namespace godx::stacks
