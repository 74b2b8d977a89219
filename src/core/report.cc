#include "core/report.h"

#include <algorithm>

namespace godx {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  if (name == "info") return Severity::kInfo;
  if (name == "warning") return Severity::kWarning;
  if (name == "critical") return Severity::kCritical;
  return std::nullopt;
}

void Report::SortFindings() {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

Severity Report::MaxSeverity() const {
  Severity m = Severity::kInfo;
  for (const auto& f : findings) m = std::max(m, f.severity);
  return m;
}

}  // namespace godx
