// pprof's text views other than top: traces, tags, peek and list. Each returns the text to print.
#pragma once

#include <string>

#include "core/status.h"
#include "pprof/model.h"

namespace godx::pprof {

// Every sample's stack (leaf first) with its value and labels, heaviest first.
std::string TracesView(const Profile& p, size_t index, std::string_view unit_override);
// Label keys and values with their weights.
std::string TagsView(const Profile& p, size_t index, std::string_view unit_override);
// Callers and callees of the functions matching `pattern` (RE2).
Result<std::string> PeekView(const Profile& p, size_t index, const std::string& pattern,
                             std::string_view unit_override);
// Per-line flat/cum of the functions matching `pattern`, with source lines when the file is
// readable (pprof's list).
Result<std::string> ListView(const Profile& p, size_t index, const std::string& pattern,
                             std::string_view unit_override);

}  // namespace godx::pprof
