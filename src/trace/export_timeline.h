// The timeline both exporters draw, without a format: a goroutine's runs on a P, its syscalls, its
// user regions, GC cycles, stop-the-world pauses, heap counters and user tasks. Runs and syscalls
// are paired where both ends are written (the M in the new format, the P or goroutine in the old),
// so a slice is handed out, whole, when it ends: nothing is held but what is open. Regions, tasks
// and GC cycles are handed out as begin and end marks as they come; the viewers sort by time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "trace/model.h"

namespace godx::trace {

enum class TrackKind : uint8_t { kProc, kGoroutine, kRegions, kGc, kStw, kTasks };

class TimelineWriter {
 public:
  virtual ~TimelineWriter() = default;
  // A whole slice on the track (kind, id).
  virtual void Slice(TrackKind kind, uint64_t id, std::string_view name, int64_t start_ns,
                     int64_t end_ns) = 0;
  // Begin/end marks, nested per track (regions) or keyed by id (tasks, async).
  virtual void Begin(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) = 0;
  virtual void End(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) = 0;
  virtual void Counter(std::string_view name, int64_t t_ns, int64_t value) = 0;
};

// Turns a reading into timeline pieces for `out`.
class TimelineBuilder : public EventSink {
 public:
  TimelineBuilder(bool new_format, TimelineWriter& out) : new_format_(new_format), out_(out) {}
  void OnEvent(const Event& e) override;
  // Closes what is still open at the last event's time.
  void Finish();

 private:
  struct Open {
    uint64_t g, p;
    int64_t start;
  };
  void CloseRun(uint64_t ctx, int64_t t);
  void CloseSyscall(uint64_t key, int64_t t);

  bool new_format_;
  TimelineWriter& out_;
  std::unordered_map<uint64_t, Open> runs_;      // by M (new) or P (old)
  std::unordered_map<uint64_t, Open> syscalls_;  // by M (new) or goroutine (old)
  std::unordered_map<uint64_t, int64_t> stw_;    // by M (new) or P (old)
  std::unordered_map<uint64_t, std::string> stw_kind_;
  int64_t last_ns_ = 0;
  std::string name_;  // scratch
};

}  // namespace godx::trace
