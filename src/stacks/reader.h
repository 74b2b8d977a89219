// Reads goroutine dumps in every form the Go runtime prints them, Go 1.5 to today, alone or
// inside noisy logs: panic and fatal-error tracebacks, SIGQUIT and other fatal-signal dumps,
// runtime.Stack(buf, true) and /debug/pprof/goroutine?debug=2, the ?debug=1 aggregated profile,
// race detector reports, and net/http's "http: panic serving" log lines.
//
// The reader is line-driven (DumpParser) so that a file, a pipe read a block at a time, and a
// buffer in memory all go the same way, and goroutines are folded into buckets as they are read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/input.h"
#include "core/status.h"
#include "stacks/model.h"

namespace godx::stacks {

struct ReadOptions {
  Similarity similarity = Similarity::kArgs;
  // Caps on what input can make us hold. Beyond them goroutines are still counted, and a warning
  // says what was dropped.
  size_t max_buckets = 1 << 20;
  size_t max_frames = 4096;         // per stack (Go prints at most 100, ancestors aside)
  size_t max_message_bytes = 4096;  // panic values and other quoted text
};

// ---- Line grammar (exposed for tests and for other readers that meet tracebacks) ----

// "goroutine 7 gp=0xc000007a40 m=3 mp=0xc000100008 [chan receive, 2 minutes, locked to thread]:"
// Go 1.26 may print "[STATE (leaked) (scan) (durable), ..., synctest bubble 3 labels:{...}]:",
// Go 1.27 "[STATE, ...] {k: v, ...}:" (labels after the bracket).
struct GoroutineHeader {
  // Where the header's label set was printed: the release tells them apart.
  enum class LabelForm {
    kNone,
    kInBrackets,     // Go 1.26 (GODEBUG=tracebacklabels=1): "[... labels:{"k": "v"}]:"
    kAfterBrackets,  // Go 1.27+: "[...] {k: v}:"
  };
  uint64_t id = 0;
  // The wait reason or status without its " (leaked)", " (scan)" and " (durable)" qualifiers
  // (the flags below). "(durable)" is part of some wait reasons' names and appended by the runtime
  // to others; a reader that shows the state adds it back.
  std::string_view state;
  uint32_t minutes = 0;
  bool locked = false;
  bool gp = false;       // the Go 1.22+ "gp=... m=..." part was present
  bool scan = false;     // " (scan)": the GC was scanning its stack
  bool leaked = false;   // " (leaked)": Go 1.26+ GC leak detection proved it can never wake
  bool durable = false;  // " (durable)": durably blocked inside a synctest bubble (Go 1.25+)
  std::string_view labels;  // "{k: v}" as printed (braces included); empty when none
  LabelForm label_form = LabelForm::kNone;
  // "(scan)", "synctest bubble 3", "synctest group 5" (Go 1.24), unknown ones.
  std::vector<std::string_view> attributes;
};
bool ParseGoroutineHeader(std::string_view line, GoroutineHeader* out);

// "main.(*T).Run(0xc000010000, {0x4a0f40?, 0x1})" → function and "(...)" argument text.
struct CallLine {
  std::string_view function;
  std::string_view args;  // including the parentheses
  bool inlined = false;   // "(...)"
};
bool ParseCallLine(std::string_view line, CallLine* out);

// "\t/src/app/main.go:42 +0x1d fp=0xc000... sp=... pc=..." → file and line.
struct FileLine {
  std::string_view file;
  uint32_t line = 0;
};
bool ParseFileLine(std::string_view line, FileLine* out);
// The same without the leading tab: "/src/app/main.go:42 +0x1d" (race reports indent with
// spaces, ?debug=1 profiles put it after a tab-separated function). Leading blanks are skipped.
bool ParseLocation(std::string_view text, FileLine* out);

// Go's linker escapes import paths inside symbol names (cmd/internal/objabi.PathToPrefix): a '.'
// in the last path element as %2e, control bytes, space, '%', '"' and non-ASCII bytes as %XX.
// Returns the name decoded (in `*scratch` when it held an escape), else `fn` itself.
std::string_view UnescapeFunctionName(std::string_view fn, std::string* scratch);

// True when `function` belongs to the Go runtime or standard library (not the program): used to
// pick a crash's culprit frame. `file` helps with module paths that have no dot ("myapp/x").
// `goroot` (Dump::goroot), when known, decides for files that have a path.
bool IsStdlibFunction(std::string_view function, std::string_view file,
                      std::string_view goroot = {});

// ---- Streaming parser ----

// Feed lines (without the "\n"); views need not outlive the call. Lines outside any dump go to
// the text sink as soon as they are known not to belong to one; when a dump ends (a line outside
// it arrives, or Finish), the section sink runs. The streaming command takes the section's Dump
// there; ReadDump lets the sections accumulate into one Dump.
class DumpParser {
 public:
  explicit DumpParser(std::string source, const ReadOptions& options = {});
  ~DumpParser();
  DumpParser(const DumpParser&) = delete;
  DumpParser& operator=(const DumpParser&) = delete;

  void set_text_sink(std::function<void(std::string_view)> sink);
  void set_section_sink(std::function<void()> sink);

  void Line(std::string_view line);
  // The input's last line when it has no "\n": inside a dump it was cut short, so the dump is
  // marked truncated (a complete call line still counts as a frame); outside, it is text. A
  // whole frame file line ("\tFILE:LINE +0xOFF", debug=1 "#\t0x...\tFILE:LINE") is read as
  // complete. Returns true when the line counts as complete (pass that to Finish).
  bool CutLine(std::string_view line);
  // Ends the input. `ended_with_newline` false when the last line was cut (a truncated dump).
  void Finish(bool ended_with_newline, uint64_t total_bytes);
  // The dump read so far (buckets not yet sorted); Take() finalises it and starts a new one.
  const Dump& dump() const;
  Dump Take();
  bool in_dump() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sorts buckets largest first and their states most common first. Readers call it; a caller
// that builds a Dump by hand calls it too.
void FinishDump(Dump* dump);

// Reads every dump in the input (also inside noisy logs). Fails, naming the input, when it is
// empty, binary, or holds no goroutine dump, crash, race report or goroutine profile at all.
Result<Dump> ReadDump(const Input& input, const ReadOptions& options = {});

// The /debug/pprof/goroutine?debug=1 form on its own ("goroutine profile: total N").
Result<Dump> ReadDebug1(std::string_view text, const std::string& name,
                        const ReadOptions& options = {});

// Reads a file or "-" a block at a time, so memory stays bounded by the distinct stacks and not
// the file's size. Compressed files go through Input (decompressed in memory, up to max_bytes).
// `on_text` and `on_section`, when set, are the parser's sinks (streaming mode).
struct StreamSinks {
  std::function<void(std::string_view)> on_text;
  std::function<void(DumpParser&)> on_section;
  bool flush_each_block = false;
  std::function<void()> on_block;  // after each block read from a pipe (to flush output)
};
Result<Dump> ReadDumpStream(const std::string& path, const ReadOptions& options, uint64_t max_bytes,
                            const StreamSinks& sinks = {});

// Sniffer for `godx analyze`: how sure we are that `head` holds a goroutine dump (0..100).
int SniffStacks(std::string_view head);

}  // namespace godx::stacks
