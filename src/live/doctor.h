// `godx doctor`'s analysis of a capture bundle: every captured file goes through the signal
// table (the same routing as `godx analyze`), and the findings of every reader are merged with
// godx's own cross-signal checks (memory: RSS against Go-managed memory; threads against
// goroutines; goroutine growth during the capture; GC pressure from expvar) into one report.
#pragma once

#include <span>
#include <string>

#include "core/report.h"
#include "core/signal.h"
#include "core/status.h"

namespace godx::live {

// Fails only when DIR holds no readable manifest; anything missing or unreadable inside is a
// warning of the report.
Result<Report> AnalyzeBundle(const std::string& dir, std::span<const Signal> table,
                             const AnalyzeOptions& options);

// Sniffer for `godx analyze`: a bundle's manifest.json (100) or not (0).
int SniffBundleManifest(std::string_view head);
// Whether `dir` is a capture bundle (holds a godx manifest.json), for `godx analyze DIR`.
bool IsBundleDir(const std::string& dir);
// The directory of a manifest path ("b/manifest.json" → "b", "manifest.json" → ".").
std::string BundleDirOf(const std::string& manifest_path);

// Files godx itself writes into a bundle and reads here (not routed through the signal table).
bool IsBundleOwnFile(std::string_view file);

}  // namespace godx::live
