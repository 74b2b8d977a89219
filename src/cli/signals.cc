#include "cli/signals.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "gclog/analyze.h"
#include "gclog/reader.h"
#include "live/doctor.h"
#include "pprof/analyze.h"
#include "pprof/reader.h"
#include "schedlog/analyze.h"
#include "schedlog/reader.h"
#include "stacks/analyze.h"
#include "stacks/reader.h"
#include "compiler/analyze.h"
#include "compiler/asm_analyze.h"
#include "compiler/asm_reader.h"
#include "compiler/reader.h"
#include "trace/analyze.h"
#include "trace/reader.h"

namespace godx::cli {

namespace {

// A -gcflags=-json=0,DIR tree: .json files (one per source file, under the package's path) whose
// first line is the compiler's header {"version":0,"package":...}. Looks at a bounded number of
// entries: a large tree of other JSON is not walked to the end.
bool IsEscapeJsonDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  int looked_at = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (++looked_at > 256) return false;
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    std::FILE* f = std::fopen(it->path().c_str(), "rb");
    if (f == nullptr) continue;
    char head[64];
    size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    return std::string_view(head, n).starts_with("{\"version\":");
  }
  return false;
}

// `godx escape DIR` with its defaults.
Result<Report> AnalyzeEscapeJsonDir(const std::string& dir, const AnalyzeOptions& o) {
  std::unique_ptr<Input> keep;
  GODX_ASSIGN_OR_RETURN(compiler::EscapeBuild b, compiler::ReadEscapeAny(dir, InputOptions{}, &keep));
  return compiler::AnalyzeEscapes(b, dir, compiler::EscapeOptions{}, o);
}

// The goroutine profile's debug=1 text is the stacks signal's (the same reading `godx stacks`
// gives, with its findings and numbers); a count-profile reading beside it would report the same
// goroutines twice in other words. The goroutineleak profile's text stays pprof's.
int SniffProfileButGoroutineText(std::string_view head) {
  if (head.starts_with("goroutine profile: total ")) return 0;
  return pprof::SniffProfile(head);
}

}  // namespace

std::span<const Signal> Signals() {
  static const Signal kSignals[] = {
      {"gc", "GODEBUG=gctrace=1 garbage collector trace", gclog::SniffGcTrace,
       [](const Input& in, const AnalyzeOptions& o) { return gclog::AnalyzeInput(in, o); }},
      {"pprof", "pprof profile (profile.proto, or Go debug=1 heap/block/mutex/count text)",
       SniffProfileButGoroutineText,
       [](const Input& in, const AnalyzeOptions& o) { return pprof::AnalyzeInput(in, o); }},
      {"sched", "GODEBUG=schedtrace=N scheduler trace", schedlog::SniffSchedTrace,
       [](const Input& in, const AnalyzeOptions& o) { return schedlog::AnalyzeInput(in, o); }},
      // A bundle's manifest.json stands for its whole directory: every file in it is analysed.
      {"doctor", "godx capture bundle: its directory or manifest.json (doctor, watch, run)",
       live::SniffBundleManifest,
       [](const Input& in, const AnalyzeOptions& o) {
         return live::AnalyzeBundle(live::BundleDirOf(in.name()), Signals(), o);
       },
       live::IsBundleDir,
       [](const std::string& dir, const AnalyzeOptions& o) {
         return live::AnalyzeBundle(dir, Signals(), o);
       }},
      {"stacks", "goroutine dumps, panics, fatal errors, SIGQUIT dumps, race reports",
       stacks::SniffStacks,
       [](const Input& in, const AnalyzeOptions& o) { return stacks::AnalyzeInput(in, o); }},
      {"escape", "go build -gcflags=-m / -m=2 output, or a -gcflags=-json=0,DIR directory",
       compiler::SniffEscapeText,
       [](const Input& in, const AnalyzeOptions& o) { return compiler::AnalyzeInput(in, o); },
       IsEscapeJsonDir, AnalyzeEscapeJsonDir},
      {"asm", "-gcflags=-S listings, go tool objdump, check_bce lines: panic sites",
       compiler::SniffListing,
       [](const Input& in, const AnalyzeOptions& o) { return compiler::AnalyzeListingInput(in, o); }},
      {"trace", "Go execution trace (runtime/trace, go test -trace), Go 1.5 to today",
       trace::SniffTrace,
       [](const Input& in, const AnalyzeOptions& o) { return trace::AnalyzeInput(in, o); }},
  };
  return kSignals;
}

}  // namespace godx::cli
