#include "core/signal.h"

#include <algorithm>
#include <utility>

namespace godx {

std::vector<const Signal*> SignalsFor(std::span<const Signal> table, std::string_view head) {
  std::vector<std::pair<int, const Signal*>> scored;
  for (const Signal& s : table) {
    int score = s.sniff(head);
    if (score >= kPresent) scored.emplace_back(score, &s);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const Signal*> out;
  for (auto& [score, s] : scored) out.push_back(s);
  return out;
}

}  // namespace godx
