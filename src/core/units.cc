#include "core/units.h"

#include <cmath>

#include <fmt/format.h>

namespace godx {

namespace {
// Up to three significant digits, without trailing zeros past the point.
std::string Sig3(double v) {
  if (v >= 100) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}
}  // namespace

std::string FormatDuration(double s) {
  if (std::isnan(s)) return "n/a";
  if (s < 0) return "-" + FormatDuration(-s);
  if (s == 0) return "0";
  if (s < 1e-6) return fmt::format("{:.0f} ns", s * 1e9);
  if (s < 1e-3) return Sig3(s * 1e6) + " µs";
  if (s < 1) return Sig3(s * 1e3) + " ms";
  if (s < 60) return Sig3(s) + " s";
  auto total = static_cast<uint64_t>(std::llround(s));
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  if (total < 86400) return fmt::format("{}h{:02}m", total / 3600, total % 3600 / 60);
  return fmt::format("{}d{:02}h", total / 86400, total % 86400 / 3600);
}

std::string FormatBytes(double b) {
  if (std::isnan(b)) return "n/a";
  if (b < 0) return "-" + FormatBytes(-b);
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (b < 1024) return fmt::format("{:.0f} B", b);
  int u = -1;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  return Sig3(b) + " " + kUnits[u];
}

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  int lead = static_cast<int>(digits.size() % 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (static_cast<int>(i) - lead) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatPercent(double f) {
  if (std::isnan(f)) return "n/a";
  double p = f * 100;
  if (p != 0 && std::fabs(p) < 0.1) return fmt::format("{:.2f}%", p);
  return fmt::format("{:.1f}%", p);
}

double RoundDecimals(double v, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::string FormatRate(double per_second, const std::string& unit) {
  std::string u = unit.empty() ? "" : " " + unit;
  double a = std::fabs(per_second);
  if (a == 0) return "0" + u + "/s";
  if (a >= 1) return Sig3(per_second) + u + "/s";
  if (a * 60 >= 1) return Sig3(per_second * 60) + u + "/min";
  return Sig3(per_second * 3600) + u + "/h";
}

}  // namespace godx
