// Which kind of memory a process holds resident, from /proc/PID/smaps: the Go heap arenas, other
// anonymous mappings (syscall.Mmap, large C allocations, runtime metadata), the C malloc arenas,
// file-backed mappings and thread stacks. /proc/PID/status only splits RSS into anonymous and
// file; this says which of those grows when RSS grows outside the Go heap.
//
// The kernel names only [heap] and [stack]; the rest is recognised by shape (see smaps.cc), which
// is what pmap and the Go runtime's own tests do too. Sizes are resident bytes (Rss).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace godx::live {

struct MemoryKinds {
  int64_t go_heap = 0;      // anonymous mappings in the Go heap's address range (arenas, runtime data)
  int64_t anon_other = 0;   // other anonymous mappings: syscall.Mmap, large C mallocs, ...
  int64_t malloc = 0;       // [heap] (brk) and glibc malloc arenas
  int64_t file = 0;         // mappings of files (the binary and libraries too)
  int64_t stacks = 0;       // [stack] and thread stacks (anonymous regions behind a guard page)
  int64_t stack_count = 0;  // how many thread stacks
  int64_t malloc_arenas = 0;
  int64_t mappings = 0;
  // Resident bytes per mapped file, for naming the file that grows (at most kMaxFiles paths; the
  // rest are summed under "(other files)").
  std::map<std::string, int64_t> files;
  bool cut = false;  // the text was cut at the read cap: the sums are lower bounds
};

inline constexpr size_t kMaxSmapsFiles = 256;
// Read cap for /proc/PID/smaps (about 1 KiB per mapping; a Go service has a few hundred).
inline constexpr size_t kMaxSmapsBytes = size_t{16} << 20;

MemoryKinds ParseSmaps(std::string_view text, bool cut = false);

// Reads /proc/PID/smaps once, bounded by kMaxSmapsBytes. `text` (if given) receives the bytes.
Result<MemoryKinds> ReadMemoryKinds(int64_t pid, const std::string& proc_root = "/proc",
                                    std::string* text = nullptr);

// One kind of mapping, as findings name it.
struct MemoryKind {
  const char* id;     // "file", "anon", "malloc", "stacks", "go_heap"
  const char* name;   // "file-backed mmap regions"
  int64_t MemoryKinds::*bytes;
};
// The kinds outside the Go heap first, in the order findings list them, then the Go heap.
std::span<const MemoryKind> MemoryKindTable();

}  // namespace godx::live
