// Reads the Go compiler's optimisation diagnostics: `go build -gcflags=-m` / `-m -m` / `-m=2`
// text (every release since 1.13, older forms where cheap) and the `-gcflags=-json=0,DIR`
// directory form. docs/formats/compiler-diagnostics.md describes both.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/model.h"
#include "core/input.h"
#include "core/status.h"

namespace godx::compiler {

// A "FILE:LINE[:COL][[orig]]: MSG" line split into its parts. Views point into the line.
struct PositionedLine {
  std::string_view file;
  uint32_t line = 0;
  uint32_t col = 0;
  std::string_view msg;
};
// False when the line does not start with a compiler position.
bool SplitPosition(std::string_view line, PositionedLine* out);

// Reads -m / -m=2 text. The build's views point into `input`, which must outlive it. Fails,
// naming the input, when it is empty, binary, or holds no compiler diagnostic.
Result<EscapeBuild> ReadEscapeText(const Input& input);

// Where to find the sources a -json directory names when it was made elsewhere (another machine,
// a deleted temporary directory): each {from, to} replaces a leading `from` with `to`. -json does
// not name functions; godx reads their names from the sources when it can.
using SourceMap = std::vector<std::pair<std::string, std::string>>;

// Reads one -json=0 file (a header line, then one diagnostic per line). `package` is the import
// path (the file's directory in the -json tree). Appends to `build`; call FinishBuild after the
// last file.
Status ReadEscapeJsonFile(const Input& input, std::string_view package, EscapeBuild* build,
                          const SourceMap& sources = {});
// Reads every *.json file under `dir` (the DIR of -json=0,DIR).
Result<EscapeBuild> ReadEscapeJsonDir(const std::string& dir, const InputOptions& options = {},
                                      const SourceMap& sources = {});

// Sorts and deduplicates the diagnostics, attaches explanations and enclosing functions.
// ReadEscapeText and ReadEscapeJsonDir call it; only callers of ReadEscapeJsonFile need it.
void FinishBuild(EscapeBuild* build);

// Parses the flow lines of an explanation.
std::vector<FlowStep> ParseExplanation(const EscapeBuild& build, const Explanation& e);

// Sniffer for `godx analyze`: how sure we are that `head` holds -m text (0..100).
int SniffEscapeText(std::string_view head);

}  // namespace godx::compiler
