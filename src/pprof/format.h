// Values in a sample type's unit, for people: pprof's units (ns, bytes, count) shown with
// godx's human formatting, or in a unit the user forced with --unit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace godx::pprof {

// `unit` is the sample type's unit ("nanoseconds", "bytes", "count", ...); `forced` is --unit
// ("", "auto", "minimum", "ns", "us", "ms", "s", "B", "KB", "MB", "GB", ...).
std::string FormatValue(int64_t v, std::string_view unit, std::string_view forced = "");
// pprof's percentage style: " 100%", "12.34%", " 0.5%"; "n/a" for a zero total.
std::string Percent(int64_t v, int64_t total);
// True when --unit names something FormatValue knows.
bool ValidUnit(std::string_view forced);

}  // namespace godx::pprof
