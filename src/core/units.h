// Human units for durations, sizes, counts and rates. Sizes are binary (KiB, MiB, GiB).
#pragma once

#include <cstdint>
#include <string>

namespace godx {

// 850 ns, 12 µs, 3.4 ms, 1.25 s, 4m03s, 2h05m, 3d04h.
std::string FormatDuration(double seconds);
// Like FormatDuration, from milliseconds (the unit Go's runtime logs use).
inline std::string FormatMs(double ms) { return FormatDuration(ms / 1000.0); }
// 512 B, 1.5 KiB, 12.0 MiB, 3.25 GiB.
std::string FormatBytes(double bytes);
// 3,000 / 1,234,567.
std::string FormatCount(uint64_t n);
// 45.2%; `fraction` is 0..1.
std::string FormatPercent(double fraction);
// Rounds to `decimals` places, for JSON: values kept as float print as the input had them
// (0.037, not 0.03700000047683716).
double RoundDecimals(double v, int decimals);

// "2.5/s", "40/min" style rate of events per second, choosing the clearest unit.
std::string FormatRate(double per_second, const std::string& unit = "");

}  // namespace godx
