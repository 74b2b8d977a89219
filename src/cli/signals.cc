#include "cli/signals.h"

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

namespace godx::cli {

std::span<const Signal> Signals() {
  static const Signal kSignals[] = {
      {"gc", "GODEBUG=gctrace=1 garbage collector trace", gclog::SniffGcTrace,
       [](const Input& in, const AnalyzeOptions& o) { return gclog::AnalyzeInput(in, o); }},
      {"pprof", "pprof profile (profile.proto, or Go debug=1 heap/block/mutex/count text)",
       pprof::SniffProfile,
       [](const Input& in, const AnalyzeOptions& o) { return pprof::AnalyzeInput(in, o); }},
      {"sched", "GODEBUG=schedtrace=N scheduler trace", schedlog::SniffSchedTrace,
       [](const Input& in, const AnalyzeOptions& o) { return schedlog::AnalyzeInput(in, o); }},
      // A bundle's manifest.json stands for its whole directory: every file in it is analysed.
      {"doctor", "manifest.json of a godx capture bundle (godx doctor, watch --on-leak, run)",
       live::SniffBundleManifest,
       [](const Input& in, const AnalyzeOptions& o) {
         return live::AnalyzeBundle(live::BundleDirOf(in.name()), Signals(), o);
       }},
      {"stacks", "goroutine dumps, panics, fatal errors, SIGQUIT dumps, race reports",
       stacks::SniffStacks,
       [](const Input& in, const AnalyzeOptions& o) { return stacks::AnalyzeInput(in, o); }},
      {"escape", "go build -gcflags=-m / -m=2 escape analysis and inlining diagnostics",
       compiler::SniffEscapeText,
       [](const Input& in, const AnalyzeOptions& o) { return compiler::AnalyzeInput(in, o); }},
      {"asm", "-gcflags=-S listings, go tool objdump, check_bce lines: panic sites",
       compiler::SniffListing,
       [](const Input& in, const AnalyzeOptions& o) { return compiler::AnalyzeListingInput(in, o); }},
  };
  return kSignals;
}

}  // namespace godx::cli
