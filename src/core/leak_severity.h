// One severity rule for a goroutine leak, whichever signal saw it (a dump's buckets, the
// runtime's goroutineleak profile as proto, debug=1 text or debug=2 dump): the same fact must have
// the same severity in every view.
#pragma once

#include <cstdint>

#include "core/report.h"

namespace godx {

// Goroutines at one cause from which a leak is an incident rather than a bug to fix: each holds
// at least a 2 KiB stack and everything it references, and 10,000 of them are tens of MiB and
// a scheduler walking them on every GC.
inline constexpr uint64_t kLeakCriticalGoroutines = 10000;

// The severity of `n` goroutines the runtime proved leaked (nothing reachable can wake them):
// proof, so never below a warning; critical from kLeakCriticalGoroutines.
inline Severity ProvenLeakSeverity(uint64_t n) {
  return n >= kLeakCriticalGoroutines ? Severity::kCritical : Severity::kWarning;
}

}  // namespace godx
