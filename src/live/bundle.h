// A capture bundle: a directory holding every file godx captured from a live service or process,
// plus manifest.json saying what each file is, when and where it came from, and what failed.
// The manifest is rewritten after every capture, so a bundle cut short (network down, godx
// killed) still describes everything it holds. `godx doctor DIR` re-analyses a bundle.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/report.h"
#include "core/status.h"

namespace godx::live {

inline constexpr std::string_view kManifestName = "manifest.json";
inline constexpr std::string_view kManifestFormat = "godx-bundle/1";

// One capture attempt. `file` is empty when nothing was written.
struct BundleEntry {
  std::string file;     // name inside the bundle, e.g. "goroutine.debug2.txt"
  std::string what;     // "goroutine dump (debug=2)"
  std::string source;   // URL or /proc path it came from
  std::string started;  // UTC, RFC 3339
  double seconds = 0;   // how long the capture took
  uint64_t bytes = 0;
  bool truncated = false;  // the size cap was hit
  std::string error;       // empty when the capture succeeded
};

struct Manifest {
  std::string format = std::string(kManifestFormat);
  std::string godx_version;
  std::string target;       // as the user gave it
  std::string target_kind;  // "url", "pid", "run"
  std::string created;      // UTC, RFC 3339
  std::string url;          // the pprof base URL used, if any
  int64_t pid = -1;
  bool complete = false;  // false until every planned capture was attempted
  std::vector<BundleEntry> entries;
  Json facts = Json::object();  // small facts learnt while capturing (go version, ...)

  const BundleEntry* Find(std::string_view file) const;
};

Json ManifestToJson(const Manifest& m);
// `name` names the manifest in error messages.
Result<Manifest> ParseManifest(std::string_view text, const std::string& name);

// UTC now as RFC 3339 ("2026-11-27T01:30:00Z") and as a directory-name stamp ("20261127T013000Z").
std::string UtcNow();
std::string UtcStamp();

class Bundle {
 public:
  // Creates `dir` (and its parents); fails when it exists and is not empty.
  static Result<Bundle> Create(const std::string& dir, Manifest manifest);

  const std::string& dir() const { return dir_; }
  Manifest& manifest() { return manifest_; }

  // Writes `bytes` as `entry.file` (when non-empty), records the entry and rewrites the manifest.
  Status Add(BundleEntry entry, std::string_view bytes);
  Status WriteManifest();

 private:
  std::string dir_;
  Manifest manifest_;
};

// Reads DIR/manifest.json.
Result<Manifest> ReadManifest(const std::string& dir);

}  // namespace godx::live
