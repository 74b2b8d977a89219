// `godx trace --perfetto OUT`: the timeline as a Perfetto trace (a stream of protobuf
// TracePackets, ui.perfetto.dev opens it): a track per P, per goroutine and per goroutine's user
// regions under one parent track each, a GC track, a stop-the-world track, a track per user task,
// and heap counters. Track descriptors are written before a track's first event; packets are
// written as the reading goes (the trace processor sorts them by time).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_set>

#include "trace/export_timeline.h"

namespace godx::trace {

// Field numbers of Perfetto's protos (perfetto/trace/trace_packet.proto, track_event/*.proto).
namespace perfetto {
inline constexpr int kTracePacket = 1;  // Trace.packet
inline constexpr int kTimestamp = 8, kTrackEvent = 11, kSequenceId = 10,
                     kTrackDescriptor = 60;  // TracePacket
inline constexpr int kUuid = 1, kName = 2, kParentUuid = 5, kCounter = 8;  // TrackDescriptor
inline constexpr int kType = 9, kTrackUuid = 11, kEventName = 23,
                     kCounterValue = 30;  // TrackEvent
inline constexpr int kSliceBegin = 1, kSliceEnd = 2, kCounterType = 4;  // TrackEvent.Type
}  // namespace perfetto

class PerfettoWriter : public TimelineWriter {
 public:
  explicit PerfettoWriter(std::FILE* out);
  ~PerfettoWriter() override;
  void Slice(TrackKind kind, uint64_t id, std::string_view name, int64_t start_ns,
             int64_t end_ns) override;
  void Begin(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) override;
  void End(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) override;
  void Counter(std::string_view name, int64_t t_ns, int64_t value) override;
  bool Close();  // flushes; false when a write failed

 private:
  uint64_t Track(TrackKind kind, uint64_t id, std::string_view task_name = {});
  void Descriptor(uint64_t uuid, uint64_t parent, std::string_view name, bool counter);
  void Event(uint64_t track, int type, std::string_view name, int64_t t_ns, int64_t value = 0,
             bool has_value = false);
  void Packet(const std::string& body);
  void Flush();

  std::FILE* out_;
  std::string buf_, scratch_, inner_;
  bool closed_ = false, failed_ = false;
  std::unordered_set<uint64_t> described_;
};

}  // namespace godx::trace
