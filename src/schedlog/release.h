// Which Go release printed a scheduler trace, as far as the log tells: the SCHED line gained
// needspinning= after Go 1.19, its run-queue list gained inner spaces and a schedticks= list by
// Go 1.25, scheddetail began printing absent ids as "nil", and newer wait reasons name newer
// runtimes (docs/formats/schedtrace.md, "Telling releases apart").
#pragma once

#include "core/go_release.h"
#include "schedlog/model.h"

namespace godx::schedlog {

GoRelease SchedTraceRelease(const SchedTrace& trace);

}  // namespace godx::schedlog
