// The new format (Go 1.22+): a header, then batches. Each batch belongs to one generation; a
// generation holds its own string table, stack table, CPU samples and clock (frequency, and from
// Go 1.25 a clock snapshot), so it can be read on its own. This reader keeps one generation at a
// time: the views of its event batches (into the mapped input) and its tables, then decodes the
// batches and hands the events out before it reads the next generation. Memory is bounded by a
// generation, not by the file.
//
// Generation ends: from Go 1.26 (header "go 1.26", also written by Go 1.27) an EndOfGeneration
// byte; before, the first batch of generation N+1 (read, then kept for the next round).
//
// Events are handed out in upstream's order (order.h): one cursor per M over its batches, the
// cursors in a min-heap by the time of their next event; the earliest is advanced if the ordering
// allows, otherwise the others in time order. Times are converted as upstream converts them
// (float64 nanoseconds per tick, truncated per batch base and per delta) and then forced to
// increase strictly, so durations match `go tool trace` to the nanosecond.
#include <algorithm>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "trace/reader_internal.h"
#include "trace/spec.h"
#include "trace/order.h"

namespace godx::trace::internal {

namespace {

using namespace v2;  // NOLINT: the wire type names

struct Batch {
  uint64_t offset = 0;       // of the batch's first byte
  uint64_t data_offset = 0;  // of data[0]
  uint64_t gen = 0, m = 0, time = 0;
  uint8_t experiment = 0;    // 0: none
  std::string_view data;
};

struct StackRef {
  uint64_t frames = 0;
  std::string_view data;  // frames × {pc, func, file, line} uvarints
  uint64_t offset = 0;
};

struct CpuSample {
  uint64_t offset, time, m, p, g, stack;
};

// Resolves the generation's stack IDs (frames name strings of the same generation).
class GenerationStacks : public StackResolver {
 public:
  GenerationStacks(const std::unordered_map<uint64_t, std::string_view>& strings,
                   const std::unordered_map<uint64_t, StackRef>& stacks)
      : strings_(strings), stacks_(stacks) {}
  bool Frames(uint64_t id, std::vector<Frame>* out) const override {
    out->clear();
    auto it = stacks_.find(id);
    if (it == stacks_.end()) return false;
    size_t p = 0;
    for (uint64_t i = 0; i < it->second.frames; ++i) {
      uint64_t pc = 0, fn = 0, file = 0, line = 0;
      if (!(ReadUvarint(it->second.data, &p, &pc) && ReadUvarint(it->second.data, &p, &fn) &&
            ReadUvarint(it->second.data, &p, &file) && ReadUvarint(it->second.data, &p, &line))) {
        break;
      }
      out->push_back(Frame{pc, Lookup(fn), Lookup(file), line});
    }
    return true;
  }

 private:
  std::string_view Lookup(uint64_t id) const {
    auto it = strings_.find(id);
    return it == strings_.end() ? std::string_view() : it->second;
  }
  const std::unordered_map<uint64_t, std::string_view>& strings_;
  const std::unordered_map<uint64_t, StackRef>& stacks_;
};

// One M's events in a generation: its batches in file order, read one event at a time.
struct Cursor {
  uint64_t m = 0;
  std::vector<const Batch*> batches;
  size_t idx = 0, off = 0;
  int64_t last = 0;  // time of the previous event (ns); 0: at a batch start
  internal::RawEvent ev;
};

class NewFormatReader {
 public:
  NewFormatReader(std::string_view data, const std::string& name, int minor, EventSink& sink,
                  const ReadOptions& options)
      : data_(data), name_(name), minor_(minor), sink_(sink), options_(options) {
    info_.header_minor = minor;
    info_.new_format = true;
    info_.bytes = data.size();
    info_.end_markers = minor >= 26;
    info_.clock_snapshots = minor >= 25;
  }

  Result<TraceInfo> Read();

 private:
  // Reads the batch at pos_. Returns false at the end of the input, or when the input ends inside
  // the batch (then info_.cut says so).
  Result<bool> NextBatch(Batch* b, bool* end_of_generation);
  Status AddToGeneration(const Batch& b);
  Status AddStrings(const Batch& b);
  Status AddStacks(const Batch& b);
  Status AddCpuSamples(const Batch& b);
  Status SetSync(const Batch& b);
  Status FinishGeneration(bool cut);
  // Reads the next event of `c` into c->ev; false when its batches are done.
  Result<bool> NextEvent(Cursor* c);
  // `cut`: the generation is incomplete (the trace ends inside it); when its events stop being
  // orderable — what they wait for was cut away — the rest is left out and info_.cut says so.
  Status OrderGeneration(bool cut);
  Status Emit(internal::OrderedEvent& o);
  int64_t ToNs(uint64_t ticks) const { return static_cast<int64_t>(static_cast<double>(ticks) *
                                                                   ns_per_tick_); }
  void StartGeneration(uint64_t number, uint64_t offset);

  Status ErrorAt(uint64_t offset, std::string_view what) const {
    return internal::ErrorAt(name_, offset, what);
  }

  std::string_view data_;
  const std::string& name_;
  int minor_;
  EventSink& sink_;
  const ReadOptions& options_;
  TraceInfo info_;
  size_t pos_ = kHeaderSize;

  // The generation being read.
  Generation gen_;
  bool in_generation_ = false;
  std::vector<Batch> event_batches_;
  std::unordered_map<uint64_t, std::string_view> strings_;
  std::unordered_map<uint64_t, StackRef> stacks_;
  std::vector<CpuSample> cpu_samples_;
  uint64_t sync_offset_ = 0;
  GenerationStacks stack_resolver_{strings_, stacks_};

  double ns_per_tick_ = 0;
  uint64_t min_ticks_ = 0;  // the generation's earliest batch time
  uint64_t cut_generation_ = 0;  // the generation of a batch the input ends inside (0: unknown)

  // Across generations: the scheduler replay and the last time handed out.
  internal::Ordering order_;
  int64_t last_ns_ = 0;
};

Result<bool> NewFormatReader::NextBatch(Batch* b, bool* end_of_generation) {
  *end_of_generation = false;
  if (pos_ >= data_.size()) return false;
  b->offset = pos_;
  auto type = static_cast<uint8_t>(data_[pos_]);
  if (type == kEvEndOfGeneration && minor_ >= 26) {
    ++pos_;
    *end_of_generation = true;
    return true;
  }
  if (type != kEvEventBatch && !(type == kEvExperimentalBatch && minor_ >= 23)) {
    return ErrorAt(pos_, fmt::format("expected a batch (EventBatch{}{}), got byte {}",
                                     minor_ >= 23 ? ", ExperimentalBatch" : "",
                                     minor_ >= 26 ? " or EndOfGeneration" : "", type));
  }
  size_t p = pos_ + 1;
  b->experiment = 0;
  auto cut_header = [&] {
    info_.cut = fmt::format("the trace ends inside the header of the batch at offset {}", b->offset);
    return false;
  };
  if (type == kEvExperimentalBatch) {
    if (p >= data_.size()) return cut_header();
    b->experiment = static_cast<uint8_t>(data_[p++]);
    if (b->experiment == 0) return ErrorAt(p - 1, "experimental batch with experiment ID 0");
  }
  uint64_t size = 0;
  uint64_t* fields[] = {&b->gen, &b->m, &b->time, &size};
  for (uint64_t* f : fields) {
    size_t at = p;
    if (!ReadUvarint(data_, &p, f)) {
      // A varint that runs off the end is a cut; one longer than 10 bytes is corrupt.
      if (data_.size() - at < 10) return cut_header();
      return ErrorAt(at, "expected a uvarint of at most 10 bytes in a batch header");
    }
  }
  if (size > kMaxBatchSize) {
    return ErrorAt(b->offset, fmt::format("batch size {} exceeds the maximum of {}", size,
                                          kMaxBatchSize));
  }
  if (b->gen == 0) return ErrorAt(b->offset, "batch of generation 0 (generations start at 1)");
  if (data_.size() - p < size) {
    cut_generation_ = b->gen;
    info_.cut = fmt::format(
        "the trace ends inside the batch at offset {} (generation {}, {} of its {} bytes present)",
        b->offset, b->gen, data_.size() - p, size);
    return false;
  }
  b->data_offset = p;
  b->data = data_.substr(p, size);
  pos_ = p + size;
  return true;
}

void NewFormatReader::StartGeneration(uint64_t number, uint64_t offset) {
  gen_ = Generation{};
  gen_.number = number;
  gen_.offset = offset;
  in_generation_ = true;
  event_batches_.clear();
  strings_.clear();
  stacks_.clear();
  cpu_samples_.clear();
  sync_offset_ = 0;
  min_ticks_ = 0;
}

Status NewFormatReader::AddToGeneration(const Batch& b) {
  ++gen_.batches;
  ++info_.batches;
  if (min_ticks_ == 0 || b.time < min_ticks_) min_ticks_ = b.time;
  gen_.end_offset = b.data_offset + b.data.size();
  if (b.experiment != 0) {
    // Extra data of an experiment (e.g. allocation/free type tables): not read, only counted.
    ++gen_.experimental_batches;
    gen_.experimental_bytes += b.data.size();
    return Status::Ok();
  }
  if (b.data.empty()) return Status::Ok();
  switch (static_cast<uint8_t>(b.data[0])) {
    case kEvStrings: return AddStrings(b);
    case kEvStacks: return AddStacks(b);
    case kEvCpuSamples: return AddCpuSamples(b);
    case kEvFrequency:
      if (minor_ < 25) return SetSync(b);
      break;
    case kEvSync:
      if (minor_ >= 25) return SetSync(b);
      break;
    default:
      break;
  }
  event_batches_.push_back(b);
  return Status::Ok();
}

Status NewFormatReader::AddStrings(const Batch& b) {
  size_t p = 1;
  while (p < b.data.size()) {
    const uint64_t at = b.data_offset + p;
    if (static_cast<uint8_t>(b.data[p]) != kEvString) {
      return ErrorAt(at, fmt::format("expected a String event in a strings batch, got type {}",
                                     static_cast<uint8_t>(b.data[p])));
    }
    ++p;
    uint64_t id = 0, len = 0;
    if (!ReadUvarint(b.data, &p, &id) || !ReadUvarint(b.data, &p, &len)) {
      return ErrorAt(at, "String event cut short by the end of its batch");
    }
    if (len > kMaxStringSize) {
      return ErrorAt(at, fmt::format("string of {} bytes exceeds the maximum of {}", len,
                                     kMaxStringSize));
    }
    if (b.data.size() - p < len) return ErrorAt(at, "string data runs past the end of its batch");
    if (!strings_.emplace(id, b.data.substr(p, len)).second) {
      return ErrorAt(at, fmt::format("string ID {} defined twice in generation {}", id,
                                     gen_.number));
    }
    p += len;
  }
  return Status::Ok();
}

Status NewFormatReader::AddStacks(const Batch& b) {
  size_t p = 1;
  while (p < b.data.size()) {
    const uint64_t at = b.data_offset + p;
    if (static_cast<uint8_t>(b.data[p]) != kEvStack) {
      return ErrorAt(at, fmt::format("expected a Stack event in a stacks batch, got type {}",
                                     static_cast<uint8_t>(b.data[p])));
    }
    ++p;
    uint64_t id = 0, frames = 0;
    if (!ReadUvarint(b.data, &p, &id) || !ReadUvarint(b.data, &p, &frames)) {
      return ErrorAt(at, "Stack event cut short by the end of its batch");
    }
    if (frames > kMaxFramesPerStack) {
      return ErrorAt(at, fmt::format("stack of {} frames exceeds the maximum of {}", frames,
                                     kMaxFramesPerStack));
    }
    const size_t begin = p;
    for (uint64_t i = 0; i < frames * 4; ++i) {
      uint64_t v;
      if (!ReadUvarint(b.data, &p, &v)) {
        return ErrorAt(at, fmt::format("stack {} cut short at frame {} of {}", id, i / 4 + 1,
                                       frames));
      }
    }
    if (!stacks_.emplace(id, StackRef{frames, b.data.substr(begin, p - begin), at}).second) {
      return ErrorAt(at, fmt::format("stack ID {} defined twice in generation {}", id,
                                     gen_.number));
    }
  }
  return Status::Ok();
}

Status NewFormatReader::AddCpuSamples(const Batch& b) {
  size_t p = 1;
  while (p < b.data.size()) {
    const uint64_t at = b.data_offset + p;
    if (static_cast<uint8_t>(b.data[p]) != kEvCpuSample) {
      return ErrorAt(at, fmt::format("expected a CPUSample event in a CPU samples batch, got "
                                     "type {}", static_cast<uint8_t>(b.data[p])));
    }
    ++p;
    CpuSample s{at, 0, 0, 0, 0, 0};
    for (uint64_t* f : {&s.time, &s.m, &s.p, &s.g, &s.stack}) {
      if (!ReadUvarint(b.data, &p, f)) return ErrorAt(at, "CPUSample cut short by its batch end");
    }
    cpu_samples_.push_back(s);
  }
  gen_.cpu_samples = cpu_samples_.size();
  return Status::Ok();
}

Status NewFormatReader::SetSync(const Batch& b) {
  size_t p = minor_ >= 25 ? 1 : 0;  // the Sync byte
  uint64_t last = b.time;
  while (p < b.data.size()) {
    const uint64_t at = b.data_offset + p;
    auto type = static_cast<uint8_t>(b.data[p++]);
    if (type == kEvFrequency) {
      if (gen_.frequency != 0) {
        return ErrorAt(at, fmt::format("second frequency event in generation {}", gen_.number));
      }
      if (!ReadUvarint(b.data, &p, &gen_.frequency)) return ErrorAt(at, "Frequency cut short");
      if (gen_.frequency == 0) return ErrorAt(at, "frequency of 0 ticks per second");
    } else if (type == kEvClockSnapshot && minor_ >= 25) {
      if (gen_.clock_snapshot) {
        return ErrorAt(at, fmt::format("second clock snapshot in generation {}", gen_.number));
      }
      uint64_t dt, mono, sec, nsec;
      for (uint64_t* f : {&dt, &mono, &sec, &nsec}) {
        if (!ReadUvarint(b.data, &p, f)) return ErrorAt(at, "ClockSnapshot cut short");
      }
      last += dt;
      gen_.clock_snapshot = true;
    } else {
      return ErrorAt(at, fmt::format("expected a Frequency{} event, got type {}",
                                     minor_ >= 25 ? " or ClockSnapshot" : "", type));
    }
  }
  sync_offset_ = b.offset;
  return Status::Ok();
}

Result<bool> NewFormatReader::NextEvent(Cursor* c) {
  while (c->idx < c->batches.size() && c->off == c->batches[c->idx]->data.size()) {
    ++c->idx;
    c->off = 0;
    c->last = 0;
  }
  if (c->idx == c->batches.size()) return false;
  const Batch& b = *c->batches[c->idx];
  if (c->last == 0) c->last = ToNs(b.time);
  size_t p = c->off;
  const uint64_t at = b.data_offset + p;
  auto type = static_cast<uint8_t>(b.data[p++]);
  const Spec* spec = TimedSpec(type, minor_);
  if (spec == nullptr) {
    return ErrorAt(at, fmt::format("expected a timed event in the batch of M {} (generation {}), "
                                   "got type {}", b.m, gen_.number, type));
  }
  internal::RawEvent& ev = c->ev;
  ev = internal::RawEvent{};
  uint64_t dt = 0;
  bool ok = ReadUvarint(b.data, &p, &dt);
  for (int i = 0; ok && i < spec->nargs; ++i) ok = ReadUvarint(b.data, &p, &ev.args[i]);
  if (!ok) {
    return ErrorAt(at, fmt::format("{} event cut short by the end of its batch (or a uvarint "
                                   "over 10 bytes)", spec->name));
  }
  ev.offset = at;
  ev.type = type;
  ev.time = ToNs(dt) + c->last;
  c->last = ev.time;
  c->off = p;
  return true;
}

Status NewFormatReader::Emit(internal::OrderedEvent& o) {
  Event ev;
  const internal::RawEvent& r = o.ev;
  const Spec* spec = TimedSpec(r.type, minor_);
  ev.offset = r.offset;
  ev.time_ns = r.time <= last_ns_ ? last_ns_ + 1 : r.time;
  last_ns_ = ev.time_ns;
  ev.m = o.m;
  ev.p = o.p;
  ev.g = o.g;
  ev.wire_type = r.type;
  ev.nargs = spec->nargs;
  std::copy_n(r.args, 5, ev.args);
  ev.kind = spec->kind;
  ev.cls = spec->cls;
  ev.name = spec->name;
  auto lookup = [&](int8_t idx) -> std::string_view {
    if (idx < 0) return {};
    auto it = strings_.find(ev.args[idx]);
    return it == strings_.end() ? std::string_view() : it->second;
  };
  ev.str = o.recovered.empty() ? lookup(spec->str) : o.recovered;
  ev.str2 = lookup(spec->str2);
  ev.stack = spec->stack >= 0 ? ev.args[spec->stack] : 0;
  ev.transition = o.transition;
  if (r.type == 19 || r.type == 20) ev.transition.reason = ev.str;  // GoStop, GoBlock
  ++info_.events;
  sink_.OnEvent(ev);
  return Status::Ok();
}

// Upstream's reader loop (reader.go ReadEvent) over one generation.
Status NewFormatReader::OrderGeneration(bool cut) {
  // Cursors in the order their Ms first appear, as upstream builds its heap.
  std::vector<Cursor> cursors;
  std::unordered_map<uint64_t, size_t> index;
  for (const Batch& b : event_batches_) {
    auto [it, added] = index.try_emplace(b.m, cursors.size());
    if (added) cursors.push_back(Cursor{b.m, {}, 0, 0, 0, {}});
    cursors[it->second].batches.push_back(&b);
  }
  // The frontier: a binary min-heap by next-event time, with upstream's sift rules so that
  // events of equal time come out as they do upstream.
  std::vector<Cursor*> heap;
  auto time_of = [&](size_t i) { return heap[i]->ev.time; };
  auto sift_up = [&](size_t i) {
    while (i > 0 && time_of((i - 1) / 2) > time_of(i)) {
      std::swap(heap[(i - 1) / 2], heap[i]);
      i = (i - 1) / 2;
    }
    return i;
  };
  auto sift_down = [&](size_t i) {
    for (;;) {
      size_t m = i;
      int64_t t = i < heap.size() ? time_of(i) : INT64_MAX;
      for (size_t c : {2 * i + 1, 2 * i + 2}) {
        if (c < heap.size() && time_of(c) < t) {
          t = time_of(c);
          m = c;
        }
      }
      if (m == i) break;
      std::swap(heap[i], heap[m]);
      i = m;
    }
  };
  auto remove = [&](size_t i) {
    for (; i > 0; i = (i - 1) / 2) std::swap(heap[(i - 1) / 2], heap[i]);
    std::swap(heap[0], heap.back());
    heap.pop_back();
    sift_down(0);
  };
  for (Cursor& c : cursors) {
    GODX_ASSIGN_OR_RETURN(bool any, NextEvent(&c));
    if (!any) continue;
    heap.push_back(&c);
    sift_up(heap.size() - 1);
  }
  // CPU samples go in by time.
  std::vector<CpuSample> samples = cpu_samples_;
  std::stable_sort(samples.begin(), samples.end(), [&](const CpuSample& a, const CpuSample& b) {
    return ToNs(a.time) < ToNs(b.time);
  });
  size_t next_sample = 0;

  internal::OrderedEvent o;
  std::string why;
  // A cut generation (or a reading without validation) hands out what cannot be ordered as it
  // comes, in time order and without a state transition: what it waits for was cut away.
  const bool lenient = cut || !options_.validate;
  uint64_t unordered = 0, first_unordered = 0;
  auto hand_out = [&](size_t i) -> Status {
    Cursor* c = heap[i];
    if (unordered++ == 0) first_unordered = c->ev.offset;
    o = internal::OrderedEvent{c->ev, c->m, kNone, kNone, {}, {}};
    GODX_RETURN_IF_ERROR(Emit(o));
    GODX_ASSIGN_OR_RETURN(bool more, NextEvent(c));
    if (more) {
      if (sift_up(i) == i) sift_down(i);
    } else {
      remove(i);
    }
    return Status::Ok();
  };
  auto try_advance = [&](size_t i) -> Result<bool> {
    Cursor* c = heap[i];
    auto outcome = order_.Advance(c->ev, c->m, gen_.number, strings_, &why);
    if (outcome == internal::Ordering::Outcome::kNotYet) return false;
    if (outcome == internal::Ordering::Outcome::kError) {
      const Spec* spec = TimedSpec(c->ev.type, minor_);
      if (lenient) {
        GODX_RETURN_IF_ERROR(hand_out(i));
        return true;
      }
      return ErrorAt(c->ev.offset, fmt::format("inconsistent trace: {} on M {} (generation {}): {}",
                                               spec->name, c->m, gen_.number, why));
    }
    GODX_ASSIGN_OR_RETURN(bool more, NextEvent(c));
    if (more) {
      if (sift_up(i) == i) sift_down(i);
    } else {
      remove(i);
    }
    return true;
  };
  for (;;) {
    while (order_.Next(&o)) GODX_RETURN_IF_ERROR(Emit(o));
    if (heap.empty() && next_sample == samples.size()) break;
    if (next_sample < samples.size() &&
        (heap.empty() || ToNs(samples[next_sample].time) < heap[0]->ev.time)) {
      const CpuSample& s = samples[next_sample++];
      Event ev;
      ev.offset = s.offset;
      const int64_t t = ToNs(s.time);
      ev.time_ns = t <= last_ns_ ? last_ns_ + 1 : t;
      last_ns_ = ev.time_ns;
      ev.m = s.m;
      ev.p = s.p;
      ev.g = s.g == 0 ? kNone : s.g;
      ev.stack = s.stack;
      ev.wire_type = kEvCpuSample;
      ev.kind = Kind::kCpuSample;
      ev.cls = EventClass::kCpuSample;
      ev.name = "CPUSample";
      ++info_.events;
      sink_.OnEvent(ev);
      continue;
    }
    GODX_ASSIGN_OR_RETURN(bool advanced, try_advance(0));
    if (advanced) continue;
    // The earliest event waits for another M: try the rest in time order.
    std::string head_why = why;
    const internal::RawEvent head = heap[0]->ev;
    const uint64_t head_m = heap[0]->m;
    std::stable_sort(heap.begin(), heap.end(),
                     [](const Cursor* a, const Cursor* b) { return a->ev.time < b->ev.time; });
    for (size_t i = 1; i < heap.size() && !advanced; ++i) {
      GODX_ASSIGN_OR_RETURN(advanced, try_advance(i));
    }
    if (advanced) continue;
    if (lenient) {
      GODX_RETURN_IF_ERROR(hand_out(0));
      continue;
    }
    return ErrorAt(head.offset,
                   fmt::format("inconsistent trace: no M's next event can be ordered (generation "
                               "{}, {} Ms waiting); the earliest, {} on M {}, expected {}",
                               gen_.number, heap.size(), TimedSpec(head.type, minor_)->name,
                               head_m, head_why));
  }
  if (unordered > 0 && cut) {
    info_.cut += fmt::format("; generation {} was cut: {} of its events, from offset {} on, could "
                             "not be ordered without what was cut away and are handed out in "
                             "time order without their state transitions", gen_.number,
                             unordered, first_unordered);
  }
  return Status::Ok();
}

Status NewFormatReader::FinishGeneration(bool cut) {
  in_generation_ = false;
  if (gen_.frequency == 0) {
    if (cut) {
      info_.cut += fmt::format("; generation {} was cut before its frequency: its {} batches "
                               "were not decoded", gen_.number, gen_.batches);
      return Status::Ok();
    }
    return ErrorAt(gen_.offset, fmt::format("generation {} has no frequency event",
                                            gen_.number));
  }
  if (minor_ >= 25 && !gen_.clock_snapshot && !cut) {
    return ErrorAt(sync_offset_ ? sync_offset_ : gen_.offset,
                   fmt::format("generation {} has no clock snapshot (required from go 1.25)",
                               gen_.number));
  }
  if (!gen_.clock_snapshot) info_.clock_snapshots = false;
  if (!gen_.end_marker) info_.end_markers = false;
  // Every stack frame must name strings of its generation (a cut generation may have lost its
  // string table).
  for (const auto& [id, stack] : stacks_) {
    if (cut) break;
    size_t p = 0;
    for (uint64_t i = 0; i < stack.frames; ++i) {
      uint64_t pc = 0, fn = 0, file = 0, line = 0;
      (void)(ReadUvarint(stack.data, &p, &pc) && ReadUvarint(stack.data, &p, &fn) &&
             ReadUvarint(stack.data, &p, &file) && ReadUvarint(stack.data, &p, &line));
      for (uint64_t sid : {fn, file}) {
        if (sid != 0 && !strings_.contains(sid)) {
          return ErrorAt(stack.offset, fmt::format("stack {} of generation {} names string ID {},"
                                                   " which its string table lacks", id,
                                                   gen_.number, sid));
        }
      }
    }
  }
  gen_.strings = strings_.size();
  gen_.stacks = stacks_.size();
  info_.strings += strings_.size();
  info_.stacks += stacks_.size();
  info_.experimental_batches += gen_.experimental_batches;
  info_.experimental_bytes += gen_.experimental_bytes;
  info_.frequency = gen_.frequency;
  if (info_.generations == 0) info_.first_generation = gen_.number;
  info_.last_generation = gen_.number;
  ++info_.generations;
  // Upstream's Sync event opens the generation at its earliest batch time.
  ns_per_tick_ = 1.0 / (static_cast<double>(gen_.frequency) / 1e9);
  const int64_t sync = ToNs(min_ticks_);
  last_ns_ = gen_.sync_ns = sync <= last_ns_ ? last_ns_ + 1 : sync;
  gen_.resolver = &stack_resolver_;
  sink_.OnGeneration(gen_);
  return OrderGeneration(cut);
}

Result<TraceInfo> NewFormatReader::Read() {
  if (data_.size() == kHeaderSize) {
    info_.cut = "the trace ends after its 16-byte header: the program stopped (a panic, os.Exit, "
                "a kill) before the tracer wrote anything";
    info_.end_markers = info_.clock_snapshots = false;
    return info_;
  }
  Batch b;
  bool end = false;
  for (;;) {
    GODX_ASSIGN_OR_RETURN(bool more, NextBatch(&b, &end));
    if (!more) break;
    if (end) {
      if (!in_generation_) return ErrorAt(b.offset, "EndOfGeneration outside a generation");
      gen_.end_marker = true;
      gen_.end_offset = pos_;
      GODX_RETURN_IF_ERROR(FinishGeneration(false));
      continue;
    }
    if (in_generation_ && b.gen != gen_.number) {
      if (minor_ >= 26) {
        return ErrorAt(b.offset, fmt::format("batch of generation {} inside generation {}, which "
                                             "has not ended (expected EndOfGeneration)", b.gen,
                                             gen_.number));
      }
      if (b.gen != gen_.number + 1) {
        return ErrorAt(b.offset, fmt::format("batch of generation {} after generation {} "
                                             "(expected {} or {})", b.gen, gen_.number,
                                             gen_.number, gen_.number + 1));
      }
      GODX_RETURN_IF_ERROR(FinishGeneration(false));
    }
    if (!in_generation_) {
      if (info_.generations > 0 && b.gen <= info_.last_generation) {
        return ErrorAt(b.offset, fmt::format("batch of generation {} after generation {} ended",
                                             b.gen, info_.last_generation));
      }
      StartGeneration(b.gen, b.offset);
    }
    GODX_RETURN_IF_ERROR(AddToGeneration(b));
  }
  const bool cut = !info_.cut.empty();
  if (in_generation_) {
    if (minor_ >= 26 && !cut) {
      info_.cut = fmt::format("generation {} has no end-of-generation marker: the trace was cut "
                              "at a batch boundary (offset {})", gen_.number, data_.size());
    }
    // A batch of the next generation cut short leaves this one whole (before Go 1.26, where
    // only that batch ends a generation).
    const bool whole = minor_ < 26 && cut_generation_ != 0 && cut_generation_ != gen_.number;
    GODX_RETURN_IF_ERROR(FinishGeneration(!info_.cut.empty() && !whole));
  }
  if (info_.generations == 0) {
    info_.end_markers = info_.clock_snapshots = false;
  }
  // Upstream closes the reading with a Sync event just after the last event.
  if (info_.generations > 0) sink_.OnEnd(last_ns_ + 1);
  return info_;
}

}  // namespace

Result<TraceInfo> ReadNewFormat(std::string_view data, const std::string& name, int minor,
                                EventSink& sink, const ReadOptions& options) {
  NewFormatReader reader(data, name, minor, sink, options);
  return reader.Read();
}

}  // namespace godx::trace::internal
