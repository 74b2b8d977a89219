// Capturing a live Go service into a bundle: its net/http/pprof endpoints (one request at a time,
// never two CPU profiles at once, each with a deadline and a size cap) and, for a PID, what
// /proc says about the process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "live/bundle.h"
#include "core/http_client.h"
#include "live/proc.h"

namespace godx::live {

struct CaptureOptions {
  double cpu_s = 10;                         // CPU profile length; 0 skips it
  double trace_s = 2;                        // execution trace length; 0 skips it
  double timeout_s = 30;                     // per request, on top of the profile length
  uint64_t max_bytes = uint64_t{256} << 20;  // per file
  bool progress = true;                      // draw progress on stderr when it is a terminal
};

// The pprof index URL for what the user gave: "http://h:p" → "/debug/pprof/",
// "http://h:p/x/debug/pprof/heap" → "/x/debug/pprof/".
Url PprofBase(const Url& url);

// Captures every endpoint into `bundle`, in a fixed order (cheap snapshots first, then the timed
// CPU profile and trace, then a second goroutine count to measure growth). Failures are recorded
// in the manifest; after the service stops answering the remaining captures are skipped.
void CaptureUrl(const Url& base, const CaptureOptions& options, Bundle* bundle);

// Writes what /proc said (status, smaps_rollup, a process.json summary) into `bundle`.
void CaptureProcess(const ProcessInfo& process, Bundle* bundle);
// Reads /proc/PID/smaps again after the timed captures (smaps.end.txt): with smaps.txt, which
// kind of memory grew while godx looked.
void CaptureProcessEnd(int64_t pid, Bundle* bundle);

// Probes the process's own listening sockets for a net/http/pprof index; the first that answers
// is returned. `tried` (if given) receives one line per probe.
std::optional<Url> ProbePprof(const ProcessInfo& process, double timeout_s,
                              std::vector<std::string>* tried = nullptr);

}  // namespace godx::live
