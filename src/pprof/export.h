// Exports for other tools: Brendan Gregg's folded stacks, speedscope JSON, and a self-contained
// HTML flame graph (search, zoom, icicle toggle, differential colouring for diffs).
#pragma once

#include <string>

#include "core/status.h"
#include "pprof/model.h"

namespace godx::pprof {

// "root;caller;leaf VALUE" per distinct stack, sorted. Frames are function names (inlined frames
// expanded); ';' inside a name becomes ':' so it cannot split a frame. For a diff (samples
// labelled pprof::base=true) each line is "stack BASE NEW", difffolded.pl's form.
std::string ExportFolded(const Profile& p, size_t sample_index);

// speedscope's file format (https://www.speedscope.app/file-format-schema.json), one "sampled"
// profile. Fails on negative values (speedscope weights must be >= 0, so a diff cannot be shown).
Result<std::string> ExportSpeedscope(const Profile& p, size_t sample_index, std::string_view name);

// A standalone HTML page with an SVG flame graph.
std::string ExportFlameHtml(const Profile& p, size_t sample_index, std::string_view title);
// The flame graph's data as JSON, {"names", "unit", "diff", "tree"}: tree nodes are
// [name index, value, base value, children...] (godx's HTML report draws the same data).
std::string FlameData(const Profile& p, size_t sample_index);

}  // namespace godx::pprof
