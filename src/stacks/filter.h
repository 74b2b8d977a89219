// --focus / --ignore: keep or drop buckets by a user-given RE2 pattern, matched against each
// frame's function, the creation site's function and the bucket's state (goleak's
// IgnoreTopFunction / IgnoreAnyFunction, pp's -m / -f).
#pragma once

#include <string>

#include "core/status.h"
#include "stacks/model.h"

namespace godx::stacks {

struct FilterOptions {
  std::string focus;   // keep only buckets matching (empty: all)
  std::string ignore;  // then drop buckets matching (empty: none)
};

// Filters `dump` in place; goroutine counts follow the kept buckets and a warning records what
// was left out. Fails on a pattern RE2 rejects, naming the flag.
Status FilterDump(Dump* dump, const FilterOptions& options);

}  // namespace godx::stacks
