#include "pprof/format.h"

#include <fmt/format.h>

#include <cmath>

#include "core/units.h"

namespace godx::pprof {

namespace {

struct UnitDef {
  std::string_view name;
  double factor;  // in the base unit (ns or bytes)
  bool time;
};
constexpr UnitDef kUnits[] = {
    {"ns", 1, true},        {"us", 1e3, true},          {"ms", 1e6, true},
    {"s", 1e9, true},       {"B", 1, false},            {"KB", 1024, false},
    {"kB", 1024, false},    {"MB", 1048576, false},     {"GB", 1073741824.0, false},
    {"TB", 1099511627776.0, false},
};

double TimeFactor(std::string_view unit) {
  if (unit == "nanoseconds" || unit == "ns") return 1;
  if (unit == "microseconds" || unit == "us") return 1e3;
  if (unit == "milliseconds" || unit == "ms") return 1e6;
  if (unit == "seconds" || unit == "s") return 1e9;
  return 0;
}

double ByteFactor(std::string_view unit) {
  if (unit == "bytes" || unit == "B" || unit == "byte") return 1;
  if (unit == "kilobytes" || unit == "KB" || unit == "kB") return 1024;
  if (unit == "megabytes" || unit == "MB") return 1048576;
  return 0;
}

std::string Trimmed(double v, std::string_view suffix) {
  std::string s = fmt::format("{:.2f}", v);
  if (s.ends_with(".00")) s.resize(s.size() - 3);
  if (s == "0" || s == "-0") return "0";
  return s + std::string(suffix);
}

}  // namespace

bool ValidUnit(std::string_view forced) {
  if (forced.empty() || forced == "auto" || forced == "minimum") return true;
  for (const auto& u : kUnits) {
    if (u.name == forced) return true;
  }
  return false;
}

std::string FormatValue(int64_t v, std::string_view unit, std::string_view forced) {
  auto d = static_cast<double>(v);
  double tf = TimeFactor(unit), bf = ByteFactor(unit);
  if (!forced.empty() && forced != "auto" && forced != "minimum") {
    for (const auto& u : kUnits) {
      if (u.name != forced) continue;
      if (u.time && tf > 0) return Trimmed(d * tf / u.factor, u.name);
      if (!u.time && bf > 0) return Trimmed(d * bf / u.factor, u.name);
    }
  }
  if (tf > 0) return FormatDuration(d * tf / 1e9);
  if (bf > 0) return FormatBytes(d * bf);
  std::string s = FormatCount(static_cast<uint64_t>(v < 0 ? -v : v));
  if (v < 0) s.insert(s.begin(), '-');
  return s;
}

std::string Percent(int64_t v, int64_t total) {
  if (total == 0) return "n/a";
  double r = 100.0 * static_cast<double>(v) / static_cast<double>(total);
  if (std::abs(r) >= 99.95 && std::abs(r) <= 100.05) return "100%";
  if (std::abs(r) >= 1.0) return fmt::format("{:.2f}%", r);
  if (r == 0) return "0%";
  return fmt::format("{:.2g}%", r);
}

}  // namespace godx::pprof
