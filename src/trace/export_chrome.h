// `godx trace --chrome OUT`: the timeline as Chrome JSON trace events (chrome://tracing,
// ui.perfetto.dev), written as the reading goes, so memory does not grow with the trace.
// Processes: Ps (a thread per P), goroutines (running and syscall slices), user regions (a thread
// per goroutine), GC (cycles, stop-the-world pauses, heap counters), user tasks (async events).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_set>

#include "trace/export_timeline.h"

namespace godx::trace {

class ChromeWriter : public TimelineWriter {
 public:
  explicit ChromeWriter(std::FILE* out);
  ~ChromeWriter() override;
  void Slice(TrackKind kind, uint64_t id, std::string_view name, int64_t start_ns,
             int64_t end_ns) override;
  void Begin(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) override;
  void End(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) override;
  void Counter(std::string_view name, int64_t t_ns, int64_t value) override;
  // Ends the JSON document and flushes; false when a write failed.
  bool Close();

 private:
  void Track(TrackKind kind, uint64_t id);
  void Emit(std::string_view json);
  void Flush();

  std::FILE* out_;
  std::string buf_;
  bool first_ = true, closed_ = false, failed_ = false;
  std::unordered_set<uint64_t> named_;  // tracks given a name
};

// JSON string contents for `s` (quotes not included).
std::string JsonEscape(std::string_view s);

}  // namespace godx::trace
