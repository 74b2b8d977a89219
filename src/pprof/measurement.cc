#include "pprof/measurement.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <iterator>
#include <span>

namespace godx::pprof::measurement {

namespace {

struct Unit {
  const char* canonical;
  std::string_view aliases[3];
  double factor;
};

struct UnitType {
  Unit default_unit;
  const Unit* units;
  size_t count;
  std::span<const Unit> Units() const { return {units, count}; }
};

constexpr Unit kBytes[] = {{"B", {"b", "byte"}, 1},
                           {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
                           {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
                           {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
                           {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
                           {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0}};
constexpr Unit kTime[] = {{"ns", {"ns", "nanosecond"}, 1},
                          {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
                          {"ms", {"ms", "millisecond"}, 1e6},
                          {"s", {"s", "sec", "second"}, 1e9},
                          {"hrs", {"hour", "hr"}, 3600e9}};
constexpr Unit kGcu[] = {{"n*GCU", {"nanogcu"}, 1e-9}, {"u*GCU", {"microgcu"}, 1e-6},
                         {"m*GCU", {"milligcu"}, 1e-3}, {"GCU", {"gcu"}, 1},
                         {"k*GCU", {"kilogcu"}, 1e3},  {"M*GCU", {"megagcu"}, 1e6},
                         {"G*GCU", {"gigagcu"}, 1e9},  {"T*GCU", {"teragcu"}, 1e12},
                         {"P*GCU", {"petagcu"}, 1e15}};
constexpr UnitType kUnitTypes[] = {
    {{"B", {"b", "byte"}, 1}, kBytes, std::size(kBytes)},
    {{"s", {}, 1e9}, kTime, std::size(kTime)},
    {{"GCU", {}, 1}, kGcu, std::size(kGcu)},
};

std::span<const UnitType> UnitTypes() { return kUnitTypes; }

// Go's strings.ToLower for the ASCII unit names pprof knows (μ is passed through unchanged).
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const Unit* Sniff(const UnitType& ut, std::string_view unit) {
  std::string u = Lower(unit);
  if (u.size() > 2 && u.back() == 's') u.pop_back();
  for (const Unit& x : ut.Units()) {
    for (std::string_view a : x.aliases) {
      if (!a.empty() && a == u) return &x;
    }
  }
  return nullptr;
}

bool AutoScale(const UnitType& ut, double value, Scaled* out) {
  double f = 0;
  const char* unit = "";
  for (const Unit& u : ut.Units()) {
    if (u.factor >= f && value / u.factor >= 1.0) {
      f = u.factor;
      unit = u.canonical;
    }
  }
  if (f == 0) return false;
  *out = {value / f, unit};
  return true;
}

bool Convert(const UnitType& ut, int64_t value, std::string_view from, std::string_view to, Scaled* out) {
  const Unit* fu = Sniff(ut, from);
  if (fu == nullptr) return false;
  double v = static_cast<double>(value) * fu->factor;
  if (to == "minimum" || to == "auto") {
    if (AutoScale(ut, v, out)) return true;
    *out = {v / ut.default_unit.factor, ut.default_unit.canonical};
    return true;
  }
  const Unit* tu = Sniff(ut, to);
  if (tu == nullptr) {
    *out = {v / ut.default_unit.factor, ut.default_unit.canonical};
    return true;
  }
  *out = {v / tu->factor, tu->canonical};
  return true;
}

}  // namespace

Scaled Scale(int64_t value, std::string_view from, std::string_view to) {
  if (value < 0 && value != INT64_MIN) {
    Scaled s = Scale(-value, from, to);
    s.value = -s.value;
    return s;
  }
  Scaled out;
  for (const UnitType& ut : UnitTypes()) {
    if (Convert(ut, value, from, to, &out)) return out;
  }
  if (to == "count" || to == "sample" || to == "unit" || to == "minimum" || to == "auto") {
    return {static_cast<double>(value), ""};
  }
  return {static_cast<double>(value), std::string(to)};
}

std::string ScaledLabel(int64_t value, std::string_view from, std::string_view to) {
  Scaled s = Scale(value, from, to);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", s.value);
  std::string sv = buf;
  if (sv.size() >= 3 && sv.compare(sv.size() - 3, 3, ".00") == 0) sv.resize(sv.size() - 3);
  if (sv == "0" || sv == "-0") return "0";
  return sv + s.unit;
}

std::string Percentage(int64_t value, int64_t total) {
  double ratio = 0;
  if (total != 0) ratio = std::fabs(static_cast<double>(value) / static_cast<double>(total)) * 100;
  char buf[64];
  if (ratio >= 99.95 && ratio <= 100.05) return "  100%";
  if (ratio >= 1.0) {
    std::snprintf(buf, sizeof buf, "%5.2f%%", ratio);
  } else {
    std::snprintf(buf, sizeof buf, "%5.2g%%", ratio);
  }
  return buf;
}

bool KnownUnit(std::string_view unit) {
  for (const UnitType& ut : UnitTypes()) {
    if (Sniff(ut, unit) != nullptr) return true;
  }
  return false;
}

}  // namespace godx::pprof::measurement
