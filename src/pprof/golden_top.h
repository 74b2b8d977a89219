// Reading `go tool pprof -top -nodefraction=0 -unit=ns` output (the golden files that
// scripts/gen-pprof-golden records under testdata/pprof/golden/), shared by the golden and the
// release-matrix tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "pprof/graph.h"
#include "pprof/model.h"

namespace godx::pprof::testutil {

struct GoldenTop {
  int64_t total = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> rows;  // name -> flat, cum
  size_t row_count = 0;
};

// "205170000000ns", "62450502B", "6", "-120ns": raw numbers with pprof's unit suffix.
inline int64_t ParseGoldenValue(std::string_view s) {
  std::string num;
  for (char c : s) {
    if ((c >= '0' && c <= '9') || c == '-' || c == '.') num += c;
  }
  return num.empty() ? 0 : std::llround(std::stod(num));
}

inline GoldenTop ParseGoldenTop(const std::string& text) {
  GoldenTop g;
  std::istringstream in(text);
  std::string line;
  bool rows = false;
  while (std::getline(in, line)) {
    if (line.starts_with("Showing nodes accounting for")) {
      size_t of = line.rfind(" of ");
      size_t tot = line.rfind(" total");
      g.total = ParseGoldenValue(line.substr(of + 4, tot - of - 4));
      continue;
    }
    if (line.find("flat  flat%") != std::string::npos) {
      rows = true;
      continue;
    }
    if (!rows || line.empty()) continue;
    // flat flat% sum% cum cum%  name [(inline)]
    std::istringstream ls(line);
    std::string flat, flatp, sump, cum, cump;
    ls >> flat >> flatp >> sump >> cum >> cump;
    std::string name;
    std::getline(ls, name);
    size_t start = name.find_first_not_of(' ');
    name = start == std::string::npos ? "" : name.substr(start);
    for (std::string_view suffix : {" (inline)", " (partial-inline)"}) {
      if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
    }
    g.rows[name] = {ParseGoldenValue(flat), ParseGoldenValue(cum)};
    ++g.row_count;
  }
  return g;
}

// pprof -unit=ns prints time in nanoseconds and memory in bytes: the factor from a sample
// type's unit to what the golden file shows.
inline double GoldenUnitFactor(std::string_view unit) {
  if (unit == "microseconds") return 1e3;
  if (unit == "milliseconds") return 1e6;
  if (unit == "seconds") return 1e9;
  if (unit == "kilobytes") return 1024;
  if (unit == "megabytes") return 1 << 20;
  return 1;
}

// Compares godx's top of sample type `idx` with pprof's: the total and every row's flat and cum
// (converted to pprof's -unit=ns units). Text profiles must have their symbol lines set aside
// first, as pprof does (see golden_test.cc). Returns one line per difference, empty when equal.
inline std::vector<std::string> CompareTopWithGolden(const Profile& p, size_t idx,
                                                     const GoldenTop& g) {
  std::vector<std::string> diffs;
  TopResult top = ComputeTop(p, idx, false);
  double f = p.sample_types.empty() ? 1 : GoldenUnitFactor(p.Str(p.sample_types[idx].unit));
  auto conv = [&](int64_t v) { return std::llround(static_cast<double>(v) * f); };
  if (conv(top.total) != g.total) {
    diffs.push_back(fmt::format("total: godx {}, pprof {}", conv(top.total), g.total));
  }
  if (top.rows.size() != g.row_count)
    diffs.push_back(fmt::format("rows: godx {}, pprof {}", top.rows.size(), g.row_count));
  for (const TopRow& row : top.rows) {
    auto it = g.rows.find(std::string(row.name));
    if (it == g.rows.end()) {
      diffs.push_back(fmt::format("godx has a row pprof lacks: {}", row.name));
    } else if (conv(row.flat) != it->second.first || conv(row.cum) != it->second.second) {
      diffs.push_back(fmt::format("{}: godx flat {} cum {}, pprof flat {} cum {}", row.name,
                                  row.flat, row.cum, it->second.first, it->second.second));
    }
  }
  return diffs;
}

}  // namespace godx::pprof::testutil
