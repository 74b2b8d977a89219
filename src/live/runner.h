// `godx run`: runs a Go program with GODEBUG gctrace/schedtrace on, passes its output through,
// reads the runtime's lines as they arrive, and keeps what a crash leaves (the traceback).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace godx::live {

inline constexpr std::string_view kDefaultGodebug = "gctrace=1,schedtrace=1000";

// The child's GODEBUG: the user's own settings with godx's added; on a key both set, godx's
// value wins (its lines are what `run` reads). "" user → just `ours`.
std::string MergeGodebug(std::string_view user, std::string_view ours);

// True for the lines the runtime prints for gctrace, scavtrace and schedtrace/scheddetail.
bool IsRuntimeLine(std::string_view line);
// True for the first line of a panic, fatal error, fatal signal or race report.
bool StartsTraceback(std::string_view line);

struct RunOptions {
  std::vector<std::string> argv;  // program and its arguments
  std::string godebug = std::string(kDefaultGodebug);
  bool quiet_runtime = false;                    // keep runtime lines off the terminal
  uint64_t max_log_bytes = uint64_t{256} << 20;  // runtime lines kept for the summary
  uint64_t max_traceback_bytes = uint64_t{64} << 20;
};

struct RunOutcome {
  int exit_code = 0;    // the program's, or 128+signal
  int term_signal = 0;  // the signal that ended it, 0 when it exited
  double seconds = 0;
  std::string go_version;   // from the program's build info; "" when not a Go 1.18+ binary
  std::string runtime_log;  // the gctrace/schedtrace lines, in order
  std::string traceback;    // from the first panic/fatal line on
  std::string stderr_tail;  // the last lines of other stderr output (for context)
  uint64_t runtime_lines = 0, gc_cycles = 0, sched_samples = 0;
  int64_t last_heap_mb = -1;  // from the last gctrace line seen live
  // From the last SCHED line seen live (-1: none yet).
  int32_t last_gomaxprocs = -1, last_threads = -1, last_runqueue = -1, max_threads = -1;
  bool log_cut = false, traceback_cut = false;
  // Exited non-zero after printing a traceback, or killed by a fault signal (SIGSEGV, SIGABRT,
  // SIGQUIT, ...). Being stopped (SIGINT, SIGTERM, SIGHUP) or killed (SIGKILL) is not a crash.
  bool Crashed() const;
};

// Runs the program to its end. Fails only when it cannot be started.
Result<RunOutcome> RunProgram(const RunOptions& options);

}  // namespace godx::live
