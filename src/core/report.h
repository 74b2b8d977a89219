// Report: the one shape every signal's analysis produces, and every renderer consumes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace godx {

using Json = nlohmann::ordered_json;

enum class Severity { kInfo = 0, kWarning = 1, kCritical = 2 };
std::string_view SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view name);

// One diagnosis: what is wrong, the evidence from the input, and what to do about it.
struct Finding {
  std::string id;  // stable, kebab-case, e.g. "gc-assist-heavy"
  Severity severity = Severity::kInfo;
  std::string title;                  // one line
  std::vector<std::string> evidence;  // lines quoting numbers and places from the input
  std::string advice;
};

// A labelled value in the human summary ("Pauses (STW)": "p50 0.42 ms ...").
struct Fact {
  std::string label;
  std::string value;
};

// A table for people. Columns whose `right` flag is set are right-aligned (numbers).
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<bool> right;
  std::vector<std::vector<std::string>> rows;
  // Rows left out of `rows` to keep the table short (said under the table).
  size_t omitted_rows = 0;
};

// What the caller will do with a Report: analyses skip work whose output nobody reads (the
// per-cycle JSON series of a multi-gigabyte log costs more than parsing it).
struct AnalyzeOptions {
  bool json = false;
  // CPUs the program could use (GOMAXPROCS), when the caller knows it (godx doctor from its
  // capture); 0 = unknown. CPU shares are judged against wall time × this many cores.
  int cores = 0;
};

struct Report {
  std::string kind;    // "gc", "sched", ...
  std::string source;  // the input's name
  std::string title;   // e.g. "GC trace: 1,204 cycles over 3m12s (Go 1.6-1.17 format)"
  std::vector<Fact> facts;
  std::vector<Finding> findings;
  std::vector<Table> tables;
  std::vector<std::string> warnings;  // skipped records, cut input, ...
  Json summary = Json::object();      // machine-readable summary (docs/json-schema.md)
  Json extra = Json::object();        // further top-level keys of the JSON envelope
  // Orders findings most severe first, keeping the analysis' order within a severity.
  void SortFindings();
  Severity MaxSeverity() const;
};

}  // namespace godx
