// Goroutines locked to their OS thread (runtime.LockOSThread) in a goroutine dump: each one holds
// a thread of its own for as long as it lives, so locked goroutines that block and never end are a
// thread leak. Read from the goroutine dump reader's buckets (the "buckets" array of its JSON
// envelope, docs/json-schema.md), not from the dump's text again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/report.h"

namespace godx::live {

struct LockedSite {
  std::string site;        // "main.session at main.go:33" (the rule of CountBucket::site)
  std::string state;       // the most common state of its goroutines: "chan receive"
  std::string created_by;  // "main.startSessions at main.go:40", or ""
  uint64_t locked = 0;     // goroutines at this site marked "locked to thread"
  uint64_t running = 0;    // of them, running or runnable (not blocked) when the dump was taken
};

// The sites of locked goroutines, most locked first.
std::vector<LockedSite> LockedSites(const Json& buckets);

}  // namespace godx::live
