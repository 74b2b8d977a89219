// A log prefix that every line of a block carries, learned from one line and stripped from the
// next ones. Log collectors and test runners put one before each line a program wrote:
//
//   2024-08-09T01:45:13.123456789Z goroutine 7 [chan receive]:   kubectl logs --timestamps
//   [pod/api-7d9f8/app] main.worker(...)                         kubectl logs --prefix
//   api-1  | 	/src/app/main.go:42 +0x2a                         docker compose logs
//       goroutine 1 [running]:                                   re-indented by a test runner
//
// A runtime record that spans many lines (a goroutine dump, a scheduler detail block) is found by
// its first line (FindMarker, core/text.h); the prefix before it is then learned here and taken
// off every following line that carries it, so that the record's other lines read as the runtime
// printed them.
#pragma once

#include <string>
#include <string_view>

namespace godx {

class LinePrefix {
 public:
  // Learns `prefix` (the text before a record's first line). Digit runs match any digit run, so a
  // timestamp matches the next line's timestamp ("…13.1234Z" and "…14.98Z" too: RFC 3339 with
  // nanoseconds drops trailing zeros); everything else must be equal.
  void Learn(std::string_view prefix) { prefix_.assign(prefix); }
  void Clear() { prefix_.clear(); }
  bool empty() const { return prefix_.empty(); }
  const std::string& text() const { return prefix_; }

  // When `line` carries the prefix, sets `*rest` to what follows it and returns true. A line that
  // is blank, or is the prefix alone without its trailing blanks (collectors trim them), is a
  // blank line of the block (*rest empty). False when the prefix is empty or the line does not
  // carry it.
  bool Strip(std::string_view line, std::string_view* rest) const;

 private:
  std::string prefix_;
};

}  // namespace godx
