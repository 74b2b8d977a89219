// pprof's sample filters: --focus/--ignore (keep/drop samples with a matching frame),
// --hide/--show (drop/keep matching frames) and --tagfocus/--tagignore (by label value, or
// numeric label ranges such as 'bytes=1kb:64kb').
// Patterns are RE2 (partial match), as pprof's are Go regexps.
#pragma once

#include <string>

#include "core/status.h"
#include "pprof/model.h"

namespace godx::pprof {

struct FilterOptions {
  std::string focus, ignore, hide, show, tagfocus, tagignore;
  bool empty() const {
    return focus.empty() && ignore.empty() && hide.empty() && show.empty() && tagfocus.empty() &&
           tagignore.empty();
  }
};

// Rewrites `p` in place. A bad pattern is an error naming the flag.
Status ApplyFilters(const FilterOptions& options, Profile* p);

}  // namespace godx::pprof
