#include "cli/signals.h"

#include "gclog/analyze.h"
#include "gclog/reader.h"
#include "schedlog/analyze.h"
#include "schedlog/reader.h"

namespace godx::cli {

std::span<const Signal> Signals() {
  static const Signal kSignals[] = {
      {"gc", "GODEBUG=gctrace=1 garbage collector trace", gclog::SniffGcTrace,
       gclog::AnalyzeInput},
      {"sched", "GODEBUG=schedtrace=N scheduler trace", schedlog::SniffSchedTrace,
       schedlog::AnalyzeInput},
  };
  return kSignals;
}

}  // namespace godx::cli
