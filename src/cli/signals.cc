#include "cli/signals.h"

#include "gclog/analyze.h"
#include "gclog/reader.h"
#include "pprof/analyze.h"
#include "pprof/reader.h"
#include "schedlog/analyze.h"
#include "schedlog/reader.h"

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
  };
  return kSignals;
}

}  // namespace godx::cli
