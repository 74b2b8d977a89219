#pragma once

namespace godx::cli {
// Parses the command line, runs one command, returns the process exit status.
int Run(int argc, char** argv);
}  // namespace godx::cli
