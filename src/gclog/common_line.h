// The fast path for the gctrace line of Go 1.6 and later, the line of nearly every real log:
//   gc N @Ts U%: A+B+C ms clock, D+E/F/G+H ms cpu, I->J->K MB, L MB goal[, M MB stacks,
//   N MB globals], P P[ (forced)]
// A log of nothing but GC lines spends most of its reading time here, so this reads the line with
// no bounds check per byte (see the contract below) where ParseGcLine checks every read. It gives
// exactly what ParseGcLine gives for the lines it accepts, and declines everything else (Go ≤1.5,
// "gc #N", malformed or unusual lines), which the caller then hands to ParseGcLine. The fuzzer
// (fuzz/gclog_fuzz.cc) and gclog_test check the two against each other.
#pragma once

#include "gclog/model.h"

namespace godx::gclog {

// Reads the record at `p`, the start of a line. Contract: the line ends with '\n' (or another
// byte that is not a digit, '.' or a character of the line's words) and 16 bytes past that end are
// readable; no read goes further. Writes every field of `c` and returns where the record ends
// (text may follow it on the line), or nullptr, leaving `c` unspecified, when the line is not one
// it reads.
const char* ParseCommonGcLine(const char* p, GcCycle* c);

}  // namespace godx::gclog
