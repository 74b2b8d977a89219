// Crash cross-link between the goroutine dump reader and the listing reader: which runtime check
// the crashing frame hit, from an objdump or -S listing of the same binary.
#pragma once

#include <string>

#include "core/report.h"
#include "core/status.h"

namespace godx::cli {

// For a `godx stacks` report with a crash whose culprit frame is in the dump at `dump_path`:
// resolves that frame's +0x offset (a return address) against the listing at `listing_path` and
// adds the check it names to the report (a fact, the culprit finding's evidence, and
// crash.check in JSON). Reports without a crash are left alone.
Status AddCrashCheck(const std::string& dump_path, const std::string& listing_path,
                     Report* report);

}  // namespace godx::cli
