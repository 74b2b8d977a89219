// pprof's interactive shell, the way many users work: `godx pprof PROFILE` without an output
// flag, then `top`, `list REGEX`, `peek REGEX`, `focus=REGEX`, `sample_index=alloc_space`,
// `nodecount=20`, `help`, `quit`. Commands and option settings follow `go tool pprof`'s
// interactive mode (its driver/interactive.go): `top10 -cum main >out.txt`, `:` to clear filters,
// sample type names as shortcuts. On a terminal lines are read with editline (history in
// ~/.godx_pprof_history); from a pipe they are read plainly, with the same commands.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "pprof/model.h"

namespace godx::pprof {

struct ShellIo {
  FILE* in = stdin;
  FILE* out = stdout;
  FILE* err = stderr;
  bool terminal = false;  // line editing and history (stdin is a tty)
};

// Runs the shell over `p` (the loaded, merged sources). `flag_args` are the pprof flags given on
// the command line before the sources (`-focus=x`, `-sample_index alloc_space`): the settings the
// shell starts from. Returns the process exit code (0 at `quit` or end of input).
int RunShell(const Profile& p, const std::vector<std::string>& flag_args, const ShellIo& io);

}  // namespace godx::pprof
