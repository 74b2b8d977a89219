// The model of goroutine dumps: goroutines grouped into buckets of identical stacks, the crash
// (panic, fatal error, fatal signal) that printed the dump, and race reports. A Dump holds one
// entry per distinct stack, never one per goroutine, so a dump of a million goroutines costs what
// its distinct stacks cost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/string_pool.h"

namespace godx::stacks {

// One call in a stack. Strings are ids in Dump::strings.
struct Frame {
  StringId function = 0;  // "main.(*Server).handle", "panic" for runtime.gopanic
  StringId file = 0;      // "/src/app/server.go"; 0 when the dump had no file line
  uint32_t line = 0;
  // The printed arguments ("(0xc000010000, 0x1)", "({0x4c1f20?, 0xc0000a2000})"), interned only
  // where they are kept: the crashing goroutine's stack and --similarity=exact. Else 0.
  StringId args = 0;
  bool inlined = false;  // printed "(...)": an inlined call or an ancestor frame
};

// How goroutines are grouped. kArgs is the default: same functions at the same lines, whatever
// the argument values (pointers differ in every goroutine of a worker pool).
enum class Similarity {
  kExact,  // function, file:line and argument text all equal
  kArgs,   // function and file:line equal, arguments ignored
  kLines,  // functions equal, lines and arguments ignored (same code path, any statement)
};

// Goroutines sharing one stack.
struct Bucket {
  std::vector<Frame> frames;  // innermost first
  Frame created_by;           // function 0 when the dump did not say (goroutine 1, runtime)
  uint64_t count = 0;
  // Counts per printed state ("chan receive", "running", "semacquire"), most goroutines first
  // after Dump::Finish.
  std::vector<std::pair<StringId, uint64_t>> states;
  // Wait time in whole minutes as printed ("N minutes"); goroutines without it count as 0.
  uint32_t min_minutes = UINT32_MAX;
  uint32_t max_minutes = 0;
  uint64_t locked = 0;        // "locked to thread"
  bool elided = false;        // frames were elided by the runtime (stack deeper than printed)
  std::vector<uint64_t> ids;  // the first few goroutine ids, for the user to search the input
  // Other header attributes as printed ("(scan)", "synctest group 5", future ones), with counts.
  std::vector<std::pair<StringId, uint64_t>> attributes;
  // The objects waited on, where the stack shows them: the first argument of the innermost
  // sync.(*Mutex).lockSlow/Lock, RWMutex, WaitGroup.Wait, Cond.Wait or runtime.chanrecv/chansend
  // frame ("0xc000018318"), with the goroutines waiting on each. Arguments marked '?' (possibly
  // stale, Go 1.18+) are not trusted.
  std::vector<std::pair<StringId, uint64_t>> wait_objects;
  // Label sets as printed, with the goroutines carrying each: debug=1 "# labels: {...}" lines,
  // Go 1.26 "labels:{...}" and Go 1.27 "{k: v}" in headers (stacks/labels.h parses them). At
  // most 16 sets per bucket; `labeled` counts every goroutine that had one.
  std::vector<std::pair<StringId, uint64_t>> labels;
  uint64_t labeled = 0;
  // Goroutines the runtime marked " (leaked)" (Go 1.26+ GC leak detection: provably unreachable,
  // never to wake), a subset of `count`.
  uint64_t leaked = 0;
  uint64_t first_line = 0;               // input line of the first goroutine's header
  uint32_t next_same_hash = UINT32_MAX;  // collision chain (reader internal)

  StringId state() const { return states.empty() ? 0 : states.front().first; }
};

enum class CrashKind {
  kPanic,      // "panic: ..."
  kFatal,      // "fatal error: ..." (deadlock, concurrent map writes, out of memory, ...)
  kSignal,     // "SIGQUIT: quit", "SIGABRT: abort" with "PC=... m=... sigcode=..."
  kHttpPanic,  // net/http "http: panic serving ADDR: VALUE" (recovered by the server)
};
const char* CrashKindName(CrashKind k);

struct PanicValue {
  std::string value;
  bool recovered = false;
  bool repanicked = false;  // Go 1.25 "[recovered, repanicked]"
};

// For "concurrent map writes" (and "... read and map write", "... iteration and map write"): a
// goroutine that was likely the crash's other side. The runtime names only the goroutine that
// noticed; the other one was running or runnable at that moment (a waiting goroutine is not in
// the middle of a map operation), and where the frames print argument words, it passes the same
// map (or the value that holds it: a receiver, a parameter) as the crashed goroutine's frames.
struct MapPeer {
  uint64_t goroutine = 0;
  std::string state;
  Frame frame;        // its frame that holds the shared word, else its first frame in user code
  Frame crash_frame;  // the crashed goroutine's frame with the same word (function 0: none)
  std::string word;   // "0xc000010030"; empty when only its state and code point at it
  bool stack_unavailable = false;  // "running on other thread": `frame` is its creation site
};

struct Crash {
  CrashKind kind = CrashKind::kPanic;
  std::string message;             // panic value, fatal error text or signal name
  std::vector<PanicValue> chain;   // panics, oldest first (kPanic)
  std::string signal;              // "SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=..."
  std::vector<std::string> notes;  // "runtime: ..." and "unexpected fault address" lines
  int64_t goroutine = -1;          // the goroutine that crashed (first traceback printed)
  std::string goroutine_state;
  std::vector<Frame> stack;  // its frames, with arguments
  int culprit = -1;          // index in `stack` of the first frame in user code
  uint64_t line = 0;         // input line where the crash text starts
  // The log prefix before the crash text, trimmed ("2026/12/02 10:46:32" before net/http's
  // "http: panic serving"); empty when the line had none. Shown as the time of the crash.
  std::string when;
  // "concurrent map ..." fatal errors: the likely other goroutines, word matches first, at most 8;
  // `others_printed` is false when the dump holds no other goroutine (GOTRACEBACK=single).
  std::vector<MapPeer> map_peers;
  bool others_printed = false;
};

// One side of a data race: "Read at 0x00c000014100 by goroutine 8:" and its stack, or
// "Goroutine 8 (running) created at:" and the creation stack.
struct RaceStack {
  std::string what;
  std::vector<Frame> frames;
};

struct Race {
  std::vector<RaceStack> stacks;
  uint64_t line = 0;
};

// What a dump says about the Go release that printed it: bounds from format features, and the
// exact release where the text names it ($GOROOT paths such as .../toolchain@v0.0.1-go1.27.3...
// or /usr/lib/go-1.19, a "go version go1.27.3 linux/amd64" line).
struct VersionHints {
  int min_minor = 0;   // e.g. 21 for "created by F in goroutine N"
  int max_minor = 99;  // e.g. 20 for "created by F" without "in goroutine" everywhere
  std::string min_reason, max_reason;
  int named_minor = 0;   // the release named by the text (0: none)
  int named_patch = -1;  // -1 when only "1.N" is named (e.g. Debian's /usr/lib/go-1.19)
  std::string named_reason;
};

struct Dump {
  std::string source;
  StringPool strings;
  std::vector<Bucket> buckets;  // largest first after Finish
  uint64_t goroutines = 0;      // goroutines read (headers, or debug=1 counts)
  uint64_t leaked = 0;          // of them marked " (leaked)" by the runtime (Go 1.26+)
  uint64_t labeled = 0;         // of them with a label set
  // "goroutine 0 [idle]:" sections: an M (OS thread) printing its own system stack because it
  // runs no goroutine (idle, in C code, or in the runtime). Not goroutines; counted apart.
  uint64_t threads_without_goroutine = 0;
  // "goroutine profile: total N" (debug=1), summed over profiles; 0 when absent.
  uint64_t declared_total = 0;
  std::vector<Crash> crashes;
  std::vector<Race> races;
  uint64_t sections = 0;     // separate dumps found in the input
  uint64_t other_lines = 0;  // lines around the dumps (test output, logs)
  uint64_t lines = 0;
  bool debug1 = false;  // held a ?debug=1 aggregated profile
  bool truncated = false;
  std::string truncated_why;
  // The text starts inside a record whose beginning was not pasted (a goroutine's frames without
  // their header, a race report from its second access, a "[signal ...]" line without its
  // "panic:"): what is missing, said once, at the first such place. Empty when it starts whole.
  std::string missing_start;
  std::vector<std::string> warnings;
  VersionHints version;
  // GOROOT as the dump's runtime frames show it ("/usr/local/go"); empty when unknown (e.g.
  // -trimpath builds). Files under it are the standard library's.
  std::string goroot;
  Similarity similarity = Similarity::kArgs;

  std::string_view Str(StringId id) const { return strings.Get(id); }
};

}  // namespace godx::stacks
