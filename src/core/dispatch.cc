#include "core/dispatch.h"

#include <fmt/format.h>

#include "core/text.h"

namespace godx {

SignalResults AnalyzeBySignals(std::span<const Signal> table, const Input& input,
                               const AnalyzeOptions& options) {
  SignalResults out;
  if (input.data().empty()) {
    out.errors.push_back(fmt::format("{}: empty input, nothing to analyse", input.name()));
    return out;
  }
  std::string_view head = input.data().substr(0, 1 << 20);
  auto matched = SignalsFor(table, head);
  if (matched.empty()) {
    bool binary = LooksBinary(head);
    out.errors.push_back(fmt::format(
        "{}: not a signal godx reads ({} data starting '{}'); see 'godx help analyze'",
        input.name(), binary ? "binary" : "text", binary ? "" : std::string(FirstLine(head))));
    return out;
  }
  for (const Signal* s : matched) {
    auto report = s->analyze(input, options);
    if (!report.ok()) {
      out.errors.push_back(report.status().message());
      continue;
    }
    if (!input.cut_note().empty()) report->warnings.push_back(input.cut_note());
    out.reports.push_back(std::move(report).value());
  }
  return out;
}

}  // namespace godx
