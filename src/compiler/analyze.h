// Turns an EscapeBuild into Reports: the summary with findings (`godx escape`), the explanation
// of one source line (`--explain FILE:LINE`) and the comparison of two builds (`escape diff`).
// Thresholds are documented in docs/formats/compiler-diagnostics.md ("Findings").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/model.h"
#include "compiler/reader.h"
#include "core/input.h"
#include "core/report.h"

namespace godx::compiler {

struct EscapeOptions {
  int near_budget = 10;  // "near the budget": inlinable with cost >= budget - near_budget
  size_t top = 15;       // rows per table
};

// Why a value escapes, from its -m=2 explanation.
enum class EscapeCause : uint8_t {
  kUnexplained,          // -m without =2: no flow lines
  kInterfaceCall,        // converted to an interface for a call (fmt.Sprintf(..., x))
  kClosure,              // captured by reference by a closure that escapes
  kReturned,             // its address is returned
  kNonConstantSize,      // make with a size the compiler cannot see
  kTooLarge,             // too large for the stack
  kStored,               // stored where the heap can reach it (field, global, slice, map, channel)
  kCallParameter,        // passed to a function whose parameter leaks
  kInterfaceConversion,  // boxed into an interface that is returned or stored (error values)
};
const char* EscapeCauseName(EscapeCause c);
// What to do about a value that escapes for this reason (one paragraph).
const char* CauseAdvice(EscapeCause c);

struct EscapeWhy {
  EscapeCause cause = EscapeCause::kUnexplained;
  std::string callee;  // for kInterfaceCall / kCallParameter: the function called
  std::string chain;   // "x → {storage for ... argument} → fmt.a → {heap}"
};
EscapeWhy ExplainDiagnostic(const EscapeBuild& b, const Diagnostic& d);

// "./main.go:12:3" style position of a diagnostic.
std::string PositionText(const EscapeBuild& b, const Diagnostic& d);

Report AnalyzeEscapes(const EscapeBuild& b, const std::string& source,
                      const EscapeOptions& options = {}, const AnalyzeOptions& analyze = {});

// Why the values at `file_line` ("main.go:33", a path suffix and a line) escape. Fails when the
// argument is malformed or the build has no diagnostic on that line.
Result<Report> ExplainAt(const EscapeBuild& b, const std::string& source,
                         std::string_view file_line);

struct DiffOptions {
  int cost_growth = 1;   // report inlining cost growth of at least this much
  int near_budget = 10;  // cost growth that ends within this of the budget is a warning
};
// New heap escapes, lost inlining and cost growth from `base` to `next`. Positions drift between
// builds, so values are matched by file name, function and expression, not by line.
Report DiffBuilds(const EscapeBuild& base, const EscapeBuild& next, const std::string& base_name,
                  const std::string& next_name, const DiffOptions& options = {});

// Reads any escape input: a -json=0 directory, a single -json file, or -m text. `keep` receives
// the Input the build's views point into.
Result<EscapeBuild> ReadEscapeAny(const std::string& path, const InputOptions& options,
                                  std::unique_ptr<Input>* keep, const SourceMap& sources = {});

// ReadEscapeText + AnalyzeEscapes: the row `godx analyze` uses.
Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options = {});

}  // namespace godx::compiler
