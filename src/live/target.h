// What the user points godx at: a service URL, a PID, or a bundle directory; and capturing a URL
// or PID target into a new bundle (what `godx doctor` and `watch --on-leak` do).
#pragma once

#include <string>

#include "core/status.h"
#include "live/capture.h"

namespace godx::live {

// All digits (and short enough to be a PID).
bool IsPidTarget(const std::string& target);

// Captures `target` into a new bundle at `dir` and returns `dir`.
// URL: the pprof endpoints, plus /proc data when the service listens on this machine's loopback.
// PID: /proc data, plus the endpoints when one of the process's listening sockets serves pprof.
// Fails (one line) when the target is malformed, the PID is gone, or `dir` cannot be created;
// capture failures after that are recorded in the bundle.
Result<std::string> CaptureTarget(const std::string& target, const CaptureOptions& options,
                                  const std::string& dir);

}  // namespace godx::live
