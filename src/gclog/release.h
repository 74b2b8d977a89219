// Which Go release printed a GC trace, as far as the log tells. The gctrace line itself has not
// changed since Go 1.18 (docs/formats/gctrace.md), so the range narrows only through what else
// the runtime printed beside it: the scavenger's lines, gctrace=2's scan lines, and Go 1.26's
// goroutine-leak marker. Every bound is one the Go sources (or the format reference) support.
#pragma once

#include "core/go_release.h"
#include "gclog/model.h"

namespace godx::gclog {

GoRelease GcTraceRelease(const GcTrace& trace);

}  // namespace godx::gclog
