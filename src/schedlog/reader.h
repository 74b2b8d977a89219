// Reads GODEBUG=schedtrace=N[,scheddetail=1] output of every Go release, interleaved with gctrace
// lines and program output.
#pragma once

#include <string_view>

#include "core/input.h"
#include "core/status.h"
#include "schedlog/model.h"

namespace godx::schedlog {

Result<SchedTrace> ReadSchedTrace(const Input& input);
int SniffSchedTrace(std::string_view head);

}  // namespace godx::schedlog
