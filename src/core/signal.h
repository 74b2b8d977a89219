// Signal: what each reader registers so that `godx analyze` can route an input by its content.
// The table of signals lives in the CLI (src/cli/signals.cc), like ninja's tool table: adding a
// signal is one row there.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/input.h"
#include "core/report.h"
#include "core/status.h"

namespace godx {

struct Signal {
  std::string_view name;  // the command name: "gc", "sched", ...
  std::string_view description;
  // How confident this signal is that the input holds its data, judged on the first bytes of the
  // decompressed input: 0 = not at all, 100 = certain. Text logs can hold several signals at once
  // (gctrace and schedtrace interleaved), so `analyze` runs every signal that scores at least
  // kPresent.
  int (*sniff)(std::string_view head);
  Result<Report> (*analyze)(const Input& input, const AnalyzeOptions& options);
  // Signals whose input is a whole directory (a capture bundle, a -json=0,DIR tree): whether `dir`
  // is one, and its analysis. Null for signals that live in single files.
  bool (*claims_dir)(const std::string& dir) = nullptr;
  Result<Report> (*analyze_dir)(const std::string& dir, const AnalyzeOptions& options) = nullptr;
};

inline constexpr int kPresent = 50;

// The signals that claim `head`, best first.
std::vector<const Signal*> SignalsFor(std::span<const Signal> table, std::string_view head);

}  // namespace godx
