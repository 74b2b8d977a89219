// pprof's measurement rules (units, scaling, labels, percentages), exactly as `go tool pprof`
// prints them, so godx's pprof-compatible outputs match its text byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace godx::pprof::measurement {

struct Scaled {
  double value = 0;
  std::string unit;
};

// Converts `value` in `from_unit` to `to_unit` ("minimum"/"auto" pick the largest unit the value
// reaches). Units pprof does not know are kept as they are.
Scaled Scale(int64_t value, std::string_view from_unit, std::string_view to_unit);
// "%.2f" of the scaled value without a ".00" tail, then the unit: "10ms", "1.50MB", "0".
std::string ScaledLabel(int64_t value, std::string_view from_unit, std::string_view to_unit);
inline std::string Label(int64_t value, std::string_view unit) { return ScaledLabel(value, unit, "auto"); }
// pprof's percentage: "  100%", "12.34%", " 0.5%" (Go's %5.2g below 1%).
std::string Percentage(int64_t value, int64_t total);
// True when `unit` belongs to one of pprof's unit families (bytes, time, GCU).
bool KnownUnit(std::string_view unit);

}  // namespace godx::pprof::measurement
