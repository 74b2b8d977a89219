// What every command shares: the output options (--json, --html, --no-color, --fail-on,
// --max-input),
// opening inputs, rendering reports and choosing the exit status.
//
// Exit status: 0 ok; 1 a finding at or above --fail-on; 2 usage or input error.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/input.h"
#include "core/report.h"
#include "core/status.h"

namespace godx::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

struct OutputOptions {
  bool json = false;
  std::string html;  // --html FILE: also write the reports as one self-contained HTML page
  bool no_color = false;
  std::string fail_on;  // "", info, warning, critical
  uint64_t max_input_mib = 16 * 1024;
};

// Set by the command that ran, read by main.
struct CommandContext {
  int exit_code = kExitOk;
};

// Adds --json, --html, --no-color, --fail-on and --max-input to `app`.
void AddOutputOptions(CLI::App* app, OutputOptions* out);
InputOptions ToInputOptions(const OutputOptions& out);
// What the analyses must produce for these outputs: the HTML page draws its charts from the
// series the JSON carries, so --html asks for them as --json does.
AnalyzeOptions ToAnalyzeOptions(const OutputOptions& out);

// Writes the reports as one HTML page to `path` (--html); a one-line error when it cannot.
Status WriteHtmlReport(const std::vector<Report>& reports, const std::string& path);

// Prints the reports as text (colour when stdout is a terminal) or JSON, writes them to the
// --html file when one was given, and returns the exit code --fail-on asks for (kExitOk or
// kExitFindings), or kExitError when the HTML file could not be written.
int EmitReports(std::vector<Report> reports, const OutputOptions& out);

// Prints "godx: <message>" on stderr (one line).
void PrintError(const std::string& message);
// The same for a note that is not an error (the exit status does not change).
void PrintNote(const std::string& message);
// A usage error of `command` ("watch", "escape diff"; "" for godx itself), in the one form every
// usage error takes, CLI11's and godx's own: "godx CMD: message" and "Run 'godx CMD --help' for
// usage." on stderr. Returns kExitError.
int PrintUsageError(std::string_view command, std::string_view message);

// Opens each input, runs `analyze`, emits the reports. Inputs that fail print one line each on
// stderr; the exit code is then kExitError (after the other inputs were still reported).
int RunPerInput(const std::vector<std::string>& inputs, const OutputOptions& out,
                const std::function<Result<Report>(const Input&, const AnalyzeOptions&)>& analyze);

// Registration of each command (one file each, listed in commands.cc).
using AddCommandFn = void (*)(CLI::App& root, CommandContext& ctx);

}  // namespace godx::cli
