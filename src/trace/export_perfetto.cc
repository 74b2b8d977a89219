#include "trace/export_perfetto.h"

#include <fmt/format.h>

namespace godx::trace {

namespace {

using namespace perfetto;  // NOLINT: field numbers

void Varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void Key(std::string& out, int field, int wire) {
  Varint(out, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire));
}
void U64(std::string& out, int field, uint64_t v) {
  Key(out, field, 0);
  Varint(out, v);
}
void Bytes(std::string& out, int field, std::string_view s) {
  Key(out, field, 2);
  Varint(out, s.size());
  out.append(s);
}

// Track uuids: the kind in the top byte, its ID below; parents have ID 2^56 - 1.
constexpr uint64_t kParentId = (uint64_t{1} << 56) - 1;
uint64_t Uuid(TrackKind kind, uint64_t id) {
  return (static_cast<uint64_t>(kind) + 1) << 56 | (id & kParentId);
}
constexpr uint64_t kCounterUuid = uint64_t{0x7f} << 56;

}  // namespace

PerfettoWriter::PerfettoWriter(std::FILE* out) : out_(out) {}
PerfettoWriter::~PerfettoWriter() { Close(); }

void PerfettoWriter::Packet(const std::string& body) {
  Bytes(buf_, kTracePacket, body);
  if (buf_.size() >= (1 << 20)) Flush();
}

void PerfettoWriter::Flush() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
    failed_ = true;
  }
  buf_.clear();
}

void PerfettoWriter::Descriptor(uint64_t uuid, uint64_t parent, std::string_view name,
                                bool counter) {
  inner_.clear();
  U64(inner_, kUuid, uuid);
  Bytes(inner_, kName, name);
  if (parent != 0) U64(inner_, kParentUuid, parent);
  if (counter) Bytes(inner_, kCounter, "");
  scratch_.clear();
  U64(scratch_, kSequenceId, 1);
  Bytes(scratch_, kTrackDescriptor, inner_);
  Packet(scratch_);
}

uint64_t PerfettoWriter::Track(TrackKind kind, uint64_t id, std::string_view task_name) {
  const uint64_t uuid = Uuid(kind, id);
  if (described_.contains(uuid)) return uuid;
  const uint64_t parent = Uuid(kind, kParentId);
  static constexpr std::string_view kNames[] = {"Ps", "Goroutines", "User regions", "GC",
                                                "Stop-the-world", "User tasks"};
  const std::string_view group = kNames[static_cast<int>(kind)];
  if (described_.insert(parent).second) Descriptor(parent, 0, group, false);
  if (kind == TrackKind::kGc || kind == TrackKind::kStw) return parent;
  described_.insert(uuid);
  std::string name;
  switch (kind) {
    case TrackKind::kProc: name = fmt::format("P{}", id); break;
    case TrackKind::kGoroutine: name = fmt::format("G{}", id); break;
    case TrackKind::kRegions: name = fmt::format("G{} regions", id); break;
    default: name = fmt::format("task {} ({})", id, task_name); break;
  }
  Descriptor(uuid, parent, name, false);
  return uuid;
}

void PerfettoWriter::Event(uint64_t track, int type, std::string_view name, int64_t t_ns,
                           int64_t value, bool has_value) {
  inner_.clear();
  U64(inner_, kType, static_cast<uint64_t>(type));
  U64(inner_, kTrackUuid, track);
  if (!name.empty()) Bytes(inner_, kEventName, name);
  if (has_value) U64(inner_, kCounterValue, static_cast<uint64_t>(value));
  scratch_.clear();
  U64(scratch_, kTimestamp, static_cast<uint64_t>(std::max<int64_t>(0, t_ns)));
  U64(scratch_, kSequenceId, 1);
  Bytes(scratch_, kTrackEvent, inner_);
  Packet(scratch_);
}

void PerfettoWriter::Slice(TrackKind kind, uint64_t id, std::string_view name, int64_t start_ns,
                           int64_t end_ns) {
  const uint64_t track = Track(kind, id);
  Event(track, kSliceBegin, name, start_ns);
  Event(track, kSliceEnd, {}, end_ns);
}

void PerfettoWriter::Begin(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) {
  Event(Track(kind, id, name), kSliceBegin, name, t_ns);
}

void PerfettoWriter::End(TrackKind kind, uint64_t id, std::string_view, int64_t t_ns) {
  Event(Track(kind, id), kSliceEnd, {}, t_ns);
}

void PerfettoWriter::Counter(std::string_view name, int64_t t_ns, int64_t value) {
  const uint64_t uuid = kCounterUuid | (name == "Heap goal" ? 2 : 1);
  if (described_.insert(uuid).second) Descriptor(uuid, 0, name, true);
  Event(uuid, kCounterType, {}, t_ns, value, true);
}

bool PerfettoWriter::Close() {
  if (!closed_) {
    closed_ = true;
    Flush();
    if (std::fflush(out_) != 0) failed_ = true;
  }
  return !failed_;
}

}  // namespace godx::trace
