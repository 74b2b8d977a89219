// /debug/vars (the expvar package): the "memstats" object (runtime.MemStats) and "cmdline".
// Sizes are bytes; -1 means absent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace godx::live {

struct ExpvarMemStats {
  int64_t heap_alloc = -1, heap_sys = -1, heap_idle = -1, heap_inuse = -1, heap_released = -1,
          heap_objects = -1, stack_inuse = -1, stack_sys = -1, mspan_sys = -1, mcache_sys = -1,
          buck_hash_sys = -1, gc_sys = -1, other_sys = -1, sys = -1, next_gc = -1, num_gc = -1,
          num_forced_gc = -1, pause_total_ns = -1, total_alloc = -1, mallocs = -1;
  double gc_cpu_fraction = -1;
  bool present = false;  // the "memstats" key was there
};

struct Expvars {
  ExpvarMemStats memstats;
  std::vector<std::string> cmdline;
};

// Fails (naming `name`) when the text is not a JSON object.
Result<Expvars> ParseExpvars(std::string_view text, const std::string& name);

// Memory the Go runtime has mapped and not returned to the OS: an upper bound of its resident
// share (Sys − HeapReleased). -1 when unknown.
int64_t GoResidentBound(const ExpvarMemStats& m);

}  // namespace godx::live
