// The old format (headers "go 1.5" .. "go 1.21"): a header, then one stream of events in per-P
// batches. Strings, stacks and the tick frequency are global and may sit anywhere (the frequency
// is written when tracing stops, at the end), so the whole file must be present before any event
// means anything. The input is mapped, not copied; this reader walks it twice: once for the string
// table, stack offsets and frequency, once to find each P's batches and count its events. A cursor
// per P then decodes that P's events again whenever the ordering (order_v1.h, as Go's own parser
// orders them) asks for the next one: to merge, to check, to hand out. Memory: two bytes per event
// (which P's event comes next), the CPU samples and the syscall exits; at most kMaxOrderedEvents.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "trace/order_v1.h"
#include "trace/reader_internal.h"
#include "trace/spec.h"

namespace godx::trace::internal {

namespace {

using namespace v1;  // NOLINT: the wire type names

constexpr size_t kMaxOrderedEvents = size_t{1} << 26;
constexpr uint64_t kMaxStackFrames = 1000;  // as the Go ≤1.21 parser
constexpr uint64_t kMaxString = 1000000;

struct RawEvent {
  uint64_t offset = 0;
  uint8_t type = 0;
  std::vector<uint64_t> args;  // reused across events: no allocation per event
  std::string_view value;      // EvUserLog's value string
};

class OldFormatReader : public StackResolver, public V1Streams {
 public:
  OldFormatReader(std::string_view data, const std::string& name, int minor, EventSink& sink)
      : data_(data), name_(name), version_(1000 + minor), sink_(sink) {
    info_.header_minor = minor;
    info_.bytes = data.size();
    info_.pcs_only = version_ < 1007;
    // Looked up for every event on every pass: once here instead.
    for (int t = 0; t < 64; ++t) {
      specs_[t] = SpecFor(static_cast<uint8_t>(t), version_);
      arg_counts_[t] = ArgCount(static_cast<uint8_t>(t), version_);
    }
  }
  Result<TraceInfo> Read();

 private:
  // Reads the event at pos_ into `ev`. False at the end of the input or when the input ends
  // inside the event (info_.cut then says where). Strings are entered in the table in pass 1.
  Result<bool> Next(RawEvent* ev, bool first_pass);
  // The one pass over the file (strings, stacks, frequency, each P's batches and event count),
  // then order (order_v1.h) and hand out.
  Status Decode();
  Status Emit(V1Order& ordered);
  // V1Streams: each P's events decoded from the input again, by a cursor per P.
  size_t size() const override { return streams_.size(); }
  size_t Count(size_t stream) const override { return streams_[stream].count; }
  void Rewind() override;
  bool Next(size_t stream, V1Rec* out) override;
  // The record of `raw`, under its P's running state (ticks, sequence, the goroutine Go's
  // parser assigns); false for an event that belongs to the CPU samples' pseudo-P.
  struct Cursor {
    size_t batch = 0;  // the next of the P's batches
    size_t pos = 0;
    int64_t ticks = 0, seq = 0;
    uint64_t g = 0;
  };
  void Record(const RawEvent& raw, int64_t p, Cursor& c, V1Rec* r) const;
  bool Frames(uint64_t id, std::vector<Frame>* out) const override;
  Frame FrameAt(const std::vector<uint64_t>& args, size_t i) const;
  Status ErrorAt(uint64_t offset, std::string_view what) const {
    return internal::ErrorAt(name_, offset, what);
  }

  std::string_view data_;
  const std::string& name_;
  int version_;  // 1005 .. 1021, as the Go ≤1.21 parser numbers them
  EventSink& sink_;
  TraceInfo info_;
  size_t pos_ = kHeaderSize;
  size_t end_ = 0;  // where complete events end (the input, or a cut)
  std::unordered_map<uint64_t, std::string_view> strings_;
  uint64_t frequency_ = 0;
  std::unordered_map<uint64_t, uint64_t> stack_offsets_;  // stack ID → its Stack event
  std::unordered_set<uint64_t> timer_goroutines_;
  struct Stream {
    int64_t p = 0;
    size_t count = 0;
    std::vector<uint64_t>* batches = nullptr;  // offsets of the P's Batch events
    std::vector<V1Rec> held;  // the CPU samples' pseudo-P: its events, sorted by time
    Cursor cursor;
    size_t next_held = 0;
  };
  std::vector<Stream> streams_;
  RawEvent scratch_;
  const Spec* specs_[64];  // by wire type (6 bits), for version_
  int arg_counts_[64];
  std::unordered_map<int64_t, std::vector<uint64_t>> batches_;
};

Result<bool> OldFormatReader::Next(RawEvent* ev, bool first_pass) {
  if (pos_ >= end_) return false;
  const size_t start = pos_;
  auto cut = [&] {
    info_.cut = fmt::format("the trace ends inside the event at offset {}", start);
    end_ = start;
    return false;
  };
  auto read = [&](uint64_t* v) -> Result<bool> {
    size_t at = pos_;
    if (ReadUvarint(data_.substr(0, end_), &pos_, v)) return true;
    if (end_ - at < 10) return false;
    return ErrorAt(at, "expected a uvarint of at most 10 bytes");
  };
  const auto b = static_cast<uint8_t>(data_[pos_++]);
  ev->offset = start;
  ev->type = b & 0x3f;
  ev->args.clear();
  ev->value = {};
  const Spec* spec = specs_[ev->type];
  if (spec == nullptr) {
    return ErrorAt(start, fmt::format("expected an event of the go 1.{} format, got unknown type "
                                      "{}", version_ - 1000, ev->type));
  }
  if (ev->type == kEvString) {
    uint64_t id = 0, len = 0;
    for (uint64_t* f : {&id, &len}) {
      GODX_ASSIGN_OR_RETURN(bool ok, read(f));
      if (!ok) return cut();
    }
    if (id == 0) return ErrorAt(start, "string with ID 0");
    if (len == 0 || len > kMaxString) {
      return ErrorAt(start, fmt::format("string {} has invalid length {}", id, len));
    }
    if (end_ - pos_ < len) return cut();
    if (first_pass && !strings_.emplace(id, data_.substr(pos_, len)).second) {
      return ErrorAt(start, fmt::format("string ID {} defined twice", id));
    }
    pos_ += len;
    return true;
  }
  int narg = (b >> 6) + 1;
  int inline_args = 4;
  if (version_ < 1007) {
    ++narg;
    ++inline_args;
  }
  if (narg < inline_args) {
    for (int i = 0; i < narg; ++i) {
      uint64_t v;
      GODX_ASSIGN_OR_RETURN(bool ok, read(&v));
      if (!ok) return cut();
      ev->args.push_back(v);
    }
  } else {
    uint64_t len;
    GODX_ASSIGN_OR_RETURN(bool ok, read(&len));
    if (!ok) return cut();
    if (end_ - pos_ < len) return cut();
    const size_t args_end = pos_ + len;
    while (pos_ < args_end) {
      uint64_t v;
      const size_t at = pos_;
      if (!ReadUvarint(data_.substr(0, args_end), &pos_, &v)) {
        return ErrorAt(at, fmt::format("{} arguments overrun their length of {} bytes",
                                       spec->name, len));
      }
      ev->args.push_back(v);
    }
  }
  if (ev->type == kEvUserLog) {  // followed by the value string
    uint64_t len;
    GODX_ASSIGN_OR_RETURN(bool ok, read(&len));
    if (!ok) return cut();
    if (len > kMaxString) return ErrorAt(start, fmt::format("log value of {} bytes", len));
    if (end_ - pos_ < len) return cut();
    ev->value = data_.substr(pos_, len);
    pos_ += len;
  }
  // Argument counts, as the Go ≤1.21 parser checks them.
  if (ev->type == kEvStack) {
    if (ev->args.size() < 2) return ErrorAt(start, "Stack event with fewer than 2 arguments");
    const uint64_t frames = ev->args[1];
    if (frames > kMaxStackFrames) {
      return ErrorAt(start, fmt::format("stack of {} frames (at most {})", frames,
                                        kMaxStackFrames));
    }
    const uint64_t want = 2 + (version_ < 1007 ? 1 : 4) * frames;
    if (ev->args.size() != want) {
      return ErrorAt(start, fmt::format("Stack event with {} arguments, expected {} for {} "
                                        "frames", ev->args.size(), want, frames));
    }
  } else if (int want = arg_counts_[ev->type]; static_cast<int>(ev->args.size()) != want) {
    return ErrorAt(start, fmt::format("{} event with {} arguments, expected {}", spec->name,
                                      ev->args.size(), want));
  }
  return true;
}

void OldFormatReader::Record(const RawEvent& raw, int64_t p, Cursor& c, V1Rec* r) const {
  const bool v15 = version_ < 1007;
  const size_t arg0 = v15 ? 2 : 1;  // after sequence and timestamp
  const Spec* spec = specs_[raw.type];
  *r = V1Rec();
  r->offset = raw.offset;
  r->type = raw.type;
  if (v15) c.seq += static_cast<int64_t>(raw.args[0]);
  c.ticks += static_cast<int64_t>(raw.args[v15 ? 1 : 0]);
  r->seq = c.seq;
  r->ts = c.ticks;
  const size_t n = raw.args.size() - arg0 - (spec->stack ? 1 : 0);
  for (size_t i = 0; i < std::min<size_t>(n, 3); ++i) r->args[i] = raw.args[arg0 + i];
  r->g = c.g;
  r->p = p;
  switch (raw.type) {
    case 14: case 38: case 41: c.g = r->args[0]; r->g = c.g; break;  // GoStart*
    case 7: case 8: case 9: case 10: r->g = 0; break;                  // GC, STW
    case 29: case 31: case 32: r->g = r->args[0]; break;  // GoSysExit, GoWaiting, GoInSyscall
    case 15: case 16: case 17: case 18: case 19: case 20: case 22: case 23: case 24: case 25:
    case 26: case 27: case 30: case 42:
      c.g = 0;  // the goroutine left the P
      break;
    case kEvCpuSample:  // [real ts, p, g]
      r->ts = static_cast<int64_t>(r->args[0]);
      r->p = static_cast<int64_t>(r->args[1]);
      r->g = r->args[2];
      break;
    default: break;
  }
}

Status OldFormatReader::Decode() {
  pos_ = kHeaderSize;
  const bool v15 = version_ < 1007;
  // Each P's events in file order (Go's parser: batches by P), the CPU samples apart. Only the
  // samples are kept; the rest is counted here and decoded again by a cursor per P.
  std::unordered_map<int64_t, size_t> index;
  std::unordered_map<int64_t, Cursor> state;
  int64_t p = 0;
  Cursor* c = &state[0];
  bool in_batch = false;
  size_t total = 0;
  RawEvent raw;
  auto stream_of = [&](int64_t pid) -> Stream& {
    auto [it, added] = index.try_emplace(pid, streams_.size());
    if (added) {
      streams_.emplace_back();
      streams_.back().p = pid;
    }
    return streams_[it->second];
  };
  // The file's own errors (a bad event, a string defined twice) come first, as the whole file is
  // read before any event means anything; the ordering's wait until the end of the pass.
  Status deferred = Status::Ok();
  for (;;) {
    GODX_ASSIGN_OR_RETURN(bool more, Next(&raw, true));
    if (!more) break;
    const Spec* spec = specs_[raw.type];
    switch (raw.type) {
      case kEvStack:
        ++info_.stacks;
        stack_offsets_[raw.args[0]] = raw.offset;
        continue;
      case kEvFrequency:
        if (raw.args[0] == 0) return ErrorAt(raw.offset, "frequency of 0 ticks per second");
        frequency_ = raw.args[0];
        continue;
      default:
        break;
    }
    if (!deferred.ok()) continue;
    switch (raw.type) {
      case kEvBatch:
        ++info_.batches;
        p = static_cast<int64_t>(raw.args[0]);
        c = &state[p];
        batches_[p].push_back(raw.offset);
        if (v15) {
          c->seq = static_cast<int64_t>(raw.args[1]);
          c->ticks = static_cast<int64_t>(raw.args[2]);
        } else {
          c->ticks = static_cast<int64_t>(raw.args[1]);
        }
        in_batch = true;
        continue;
      case kEvTimerGoroutine:
        timer_goroutines_.insert(raw.args[0]);
        continue;
      case kEvString:
        continue;
      default:
        break;
    }
    if (!in_batch) {
      deferred = ErrorAt(raw.offset, fmt::format("{} event before the first batch", spec->name));
      continue;
    }
    if (++total > kMaxOrderedEvents) {
      deferred = ErrorAt(raw.offset, fmt::format("more than {} events in an old-format trace: "
                                                 "not ordered", kMaxOrderedEvents));
      continue;
    }
    V1Rec r;
    Record(raw, p, *c, &r);
    const int64_t to = raw.type == kEvCpuSample ? kV1ProfileP : p;
    Stream& s = stream_of(to);
    ++s.count;
    if (to == kV1ProfileP) s.held.push_back(r);
  }
  GODX_RETURN_IF_ERROR(deferred);
  info_.strings = strings_.size();
  info_.frequency = frequency_;
  if (frequency_ == 0) {
    std::string why = "the trace has no frequency event (written when tracing stops): times are "
                      "unknown";
    info_.cut = info_.cut.empty() ? why : info_.cut + "; " + why;
  }
  for (Stream& s : streams_) {
    if (s.p == kV1ProfileP) {
      std::stable_sort(s.held.begin(), s.held.end(),
                       [](const V1Rec& a, const V1Rec& b) { return a.ts < b.ts; });
    } else {
      s.batches = &batches_[s.p];
    }
  }
  V1Order ordered;
  GODX_RETURN_IF_ERROR(OrderV1(version_, *this, frequency_, timer_goroutines_, name_, &ordered,
                               info_.cut.empty() ? nullptr : &info_.cut));
  return Emit(ordered);
}

void OldFormatReader::Rewind() {
  for (Stream& s : streams_) {
    s.cursor = Cursor();
    if (s.batches != nullptr) s.cursor.pos = s.batches->front();
    s.next_held = 0;
  }
}

bool OldFormatReader::Next(size_t stream, V1Rec* out) {
  Stream& s = streams_[stream];
  if (s.p == kV1ProfileP) {
    if (s.next_held == s.held.size()) return false;
    *out = s.held[s.next_held++];
    return true;
  }
  Cursor& c = s.cursor;
  const std::vector<uint64_t>& batches = *s.batches;
  const bool v15 = version_ < 1007;
  RawEvent& raw = scratch_;
  for (;;) {
    pos_ = c.pos;
    auto more = Next(&raw, false);
    if (!more.ok() || !*more) return false;
    c.pos = pos_;
    switch (raw.type) {
      case kEvBatch:
        if (c.batch < batches.size() && raw.offset == batches[c.batch]) {
          ++c.batch;
          if (v15) {
            c.seq = static_cast<int64_t>(raw.args[1]);
            c.ticks = static_cast<int64_t>(raw.args[2]);
          } else {
            c.ticks = static_cast<int64_t>(raw.args[1]);
          }
        } else {  // another P's batch: on to this P's next one
          if (c.batch == batches.size()) return false;
          c.pos = batches[c.batch];
        }
        continue;
      case kEvTimerGoroutine: case kEvFrequency: case kEvStack: case kEvString:
        continue;
      default:
        break;
    }
    Record(raw, s.p, c, out);
    if (raw.type == kEvCpuSample) continue;  // the pseudo-P's, held apart
    return true;
  }
}

Frame OldFormatReader::FrameAt(const std::vector<uint64_t>& args, size_t i) const {
  Frame f;
  if (version_ < 1007) {
    f.pc = args[2 + i];
    return f;
  }
  f.pc = args[2 + i * 4];
  auto str = [&](uint64_t id) {
    auto it = strings_.find(id);
    return it == strings_.end() ? std::string_view() : it->second;
  };
  f.func = str(args[3 + i * 4]);
  f.file = str(args[4 + i * 4]);
  f.line = args[5 + i * 4];
  return f;
}

bool OldFormatReader::Frames(uint64_t id, std::vector<Frame>* out) const {
  out->clear();
  auto it = stack_offsets_.find(id);
  if (it == stack_offsets_.end()) return false;
  // Decode the Stack event again: [id, n, frames...], length-prefixed.
  size_t p = it->second + 1;
  uint64_t len = 0;
  if (!ReadUvarint(data_, &p, &len) || data_.size() - p < len) return false;
  std::string_view body = data_.substr(p, len);
  std::vector<uint64_t> args;
  size_t q = 0;
  uint64_t v;
  while (q < body.size() && ReadUvarint(body, &q, &v)) args.push_back(v);
  if (args.size() < 2) return false;
  const size_t per = version_ < 1007 ? 1 : 4;
  for (size_t i = 0; i < args[1] && 2 + (i + 1) * per <= args.size(); ++i) {
    out->push_back(FrameAt(args, i));
  }
  return true;
}

// The old events as upstream's converter (internal/trace/tracev1.go) sees them: the goroutine
// or P state each one changes. A syscall that did not block (no GoSysBlock follows) changes
// nothing here; the converter gives it 1 ns.
Status OldFormatReader::Emit(V1Order& ordered) {
  Generation gen;
  gen.resolver = this;
  gen.frequency = frequency_;
  gen.offset = kHeaderSize;
  gen.end_offset = data_.size();
  sink_.OnGeneration(gen);
  std::unordered_map<uint64_t, GoState> gstate;
  std::unordered_map<int64_t, uint64_t> m_of_p;
  std::unordered_set<int64_t> seen_p;
  RawEvent decoded;
  Event ev;
  const size_t arg0 = version_ < 1007 ? 2 : 1;
  auto go = [&](uint64_t id, GoState to, uint64_t stack = 0, std::string_view reason = {},
                bool created = false) {
    auto [it, added] = gstate.try_emplace(id, GoState::kUndetermined);
    if (created) it->second = GoState::kNotExist;
    Transition t;
    t.resource = Transition::Resource::kGoroutine;
    t.id = id;
    t.go_from = it->second;
    t.go_to = to;
    t.stack = stack;
    t.reason = reason;
    if (to == GoState::kNotExist) {
      gstate.erase(it);
    } else {
      it->second = to;
    }
    return t;
  };
  int64_t last_ns = 0;
  ordered.Rewind();
  V1Rec r;
  while (ordered.Next(&r)) {
    // Mostly the cursor has just decoded this event; otherwise (a moved syscall exit, records)
    // decode it again.
    const RawEvent* at = &scratch_;
    if (scratch_.offset != r.offset) {
      pos_ = r.offset;
      GODX_ASSIGN_OR_RETURN(bool ok, Next(&decoded, false));
      if (!ok) return ErrorAt(r.offset, "event vanished between passes");
      at = &decoded;
    }
    const RawEvent& raw = *at;
    const Spec* spec = specs_[r.type];  // the Local variants are renamed by now
    ev = Event{};
    ev.offset = r.offset;
    ev.wire_type = raw.type;
    ev.kind = spec->kind;
    ev.cls = spec->cls;
    const Spec* own = raw.type == r.type ? spec : specs_[raw.type];
    ev.name = own->name;
    ev.nargs = static_cast<uint8_t>(std::min<size_t>(raw.args.size() - arg0, 6));
    std::copy_n(raw.args.begin() + static_cast<ptrdiff_t>(arg0), ev.nargs, ev.args);
    if (spec->stack) ev.stack = raw.args.back();
    if (raw.type == kEvUserRegion && ev.args[1] == 1) ev.kind = Kind::kUserRegionEnd;
    if (own->str >= 0 && own->str < ev.nargs) {
      auto it = strings_.find(ev.args[own->str]);
      if (it != strings_.end()) ev.str = it->second;
    }
    if (raw.type == kEvUserLog) ev.str2 = raw.value;
    ev.time_ns = frequency_ == 0 ? 0 : r.ts;
    last_ns = std::max(last_ns, ev.time_ns);
    ev.g = r.g;
    ev.p = r.p < kV1FakeP ? static_cast<uint64_t>(r.p) : kNone;
    if (raw.type == kEvCpuSample) ev.p = r.p < kV1FakeP ? static_cast<uint64_t>(r.p) : kNone;
    switch (r.type) {
      case 5: {  // ProcStart names the thread
        m_of_p[r.p] = ev.args[0];
        const bool seen = !seen_p.insert(r.p).second;
        ev.transition.resource = Transition::Resource::kProc;
        ev.transition.id = static_cast<uint64_t>(r.p);
        ev.transition.proc_from = seen ? ProcState::kIdle : ProcState::kUndetermined;
        ev.transition.proc_to = ProcState::kRunning;
        break;
      }
      case 6:  // ProcStop
        seen_p.insert(r.p);
        ev.transition.resource = Transition::Resource::kProc;
        ev.transition.id = static_cast<uint64_t>(r.p);
        ev.transition.proc_from = ProcState::kRunning;
        ev.transition.proc_to = ProcState::kIdle;
        break;
      case 13: ev.transition = go(r.args[0], GoState::kRunnable, r.args[1], {}, true); break;
      case 14: case 41: ev.transition = go(r.g, GoState::kRunning); break;
      case 15: ev.transition = go(r.g, GoState::kNotExist); break;
      case 16: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "forever"); break;
      case 17: ev.transition = go(r.g, GoState::kRunnable, ev.stack, "Gosched"); break;
      case 18: ev.transition = go(r.g, GoState::kRunnable, ev.stack, "preempted"); break;
      case 19: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "sleep"); break;
      case 20: ev.transition = go(r.g, GoState::kWaiting, ev.stack, ""); break;
      case 21: ev.transition = go(r.args[0], GoState::kRunnable); break;
      case 22: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "chan send"); break;
      case 23: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "chan receive"); break;
      case 24: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "select"); break;
      case 25: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "sync"); break;
      case 26: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "sync.(*Cond).Wait"); break;
      case 27: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "network"); break;
      case 42: ev.transition = go(r.g, GoState::kWaiting, ev.stack, "GC mark assist wait for work");
        break;
      case 28:  // GoSysCall
        if (r.sys_blocked) ev.transition = go(r.g, GoState::kSyscall, ev.stack);
        break;
      case 29: ev.transition = go(r.args[0], GoState::kRunnable); break;  // GoSysExit
      case 31: ev.transition = go(r.args[0], GoState::kWaiting); break;   // GoWaiting
      case 32: ev.transition = go(r.args[0], GoState::kSyscall); break;   // GoInSyscall
      default: break;
    }
    auto m = m_of_p.find(r.p);
    ev.m = m == m_of_p.end() ? kNone : m->second;
    ++info_.events;
    sink_.OnEvent(ev);
  }
  if (!ordered.empty()) sink_.OnEnd(last_ns + 1);
  return Status::Ok();
}

Result<TraceInfo> OldFormatReader::Read() {
  end_ = data_.size();
  if (data_.size() == kHeaderSize) {
    info_.cut = "the trace ends after its 16-byte header: the program stopped (a panic, os.Exit, "
                "a kill) before the tracer wrote anything";
    return info_;
  }
  GODX_RETURN_IF_ERROR(Decode());
  return info_;
}

}  // namespace

Result<TraceInfo> ReadOldFormat(std::string_view data, const std::string& name, int minor,
                                EventSink& sink, const ReadOptions& options) {
  if (data.size() > options.max_old_format_bytes) {
    return ErrorAt(name, 0, fmt::format("old-format trace of {} bytes exceeds the {}-byte limit "
                                        "(the whole file must be read before its events mean "
                                        "anything)", data.size(),
                                        options.max_old_format_bytes));
  }
  OldFormatReader reader(data, name, minor, sink);
  return reader.Read();
}

}  // namespace godx::trace::internal
