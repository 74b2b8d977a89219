// The table of signals `godx analyze` can route an input to (one row per reader).
#pragma once

#include <span>

#include "core/signal.h"

namespace godx::cli {
std::span<const Signal> Signals();
}
