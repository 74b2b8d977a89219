// Durations on the command line: "500ms", "10s", "2m", "1h", "1m30s", or a bare number of seconds.
#pragma once

#include <string_view>

#include "core/status.h"

namespace godx::live {

Result<double> ParseDurationSeconds(std::string_view text);

}  // namespace godx::live
