#include "trace/order_v1.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "trace/reader.h"
#include "trace/reader_internal.h"

namespace godx::trace::internal {

namespace {

// Old-format wire types (Go ≤1.21 EventDescriptions).
enum : uint8_t {
  kProcStart = 5, kProcStop = 6, kGcStart = 7, kGcDone = 8, kStwStart = 9, kStwDone = 10,
  kSweepStart = 11, kSweepDone = 12, kGoCreate = 13, kGoStart = 14, kGoEnd = 15, kGoStop = 16,
  kGoSched = 17, kGoPreempt = 18, kGoSleep = 19, kGoBlock = 20, kGoUnblock = 21,
  kGoBlockSend = 22, kGoBlockRecv = 23, kGoBlockSelect = 24, kGoBlockSync = 25,
  kGoBlockCond = 26, kGoBlockNet = 27, kGoSysCall = 28, kGoSysExit = 29, kGoSysBlock = 30,
  kGoWaiting = 31, kGoInSyscall = 32, kGoStartLocal = 38, kGoUnblockLocal = 39,
  kGoSysExitLocal = 40, kGoStartLabel = 41, kGoBlockGc = 42, kMarkAssistStart = 43,
  kMarkAssistDone = 44, kUserTaskCreate = 45, kUserTaskEnd = 46, kUserRegion = 47,
};

enum Status1 : uint8_t { kDead, kRunnable, kRunning, kWaiting };
constexpr uint64_t kUnordered = ~uint64_t{0}, kGarbage = ~uint64_t{0} - 1;
constexpr uint64_t kNoSeq = ~uint64_t{0}, kSeqInc = ~uint64_t{0} - 1;

struct GSeq {
  uint64_t seq = 0;
  Status1 status = kDead;
};

// What an event needs (`init`) and leaves (`next`) for the goroutine `g` it orders.
struct Step {
  uint64_t g = kUnordered;
  GSeq init, next;
};

Step StepOf(const V1Rec& ev) {
  Step s;
  switch (ev.type) {
    case kGoCreate: s = {ev.args[0], {0, kDead}, {1, kRunnable}}; break;
    case kGoWaiting: case kGoInSyscall: s = {ev.g, {1, kRunnable}, {2, kWaiting}}; break;
    case kGoStart: case kGoStartLabel:
      s = {ev.g, {ev.args[1], kRunnable}, {ev.args[1] + 1, kRunning}};
      break;
    case kGoStartLocal: s = {ev.g, {kNoSeq, kRunnable}, {kSeqInc, kRunning}}; break;
    case kGoBlock: case kGoBlockSend: case kGoBlockRecv: case kGoBlockSelect:
    case kGoBlockSync: case kGoBlockCond: case kGoBlockNet: case kGoSleep: case kGoSysBlock:
    case kGoBlockGc:
      s = {ev.g, {kNoSeq, kRunning}, {kNoSeq, kWaiting}};
      break;
    case kGoSched: case kGoPreempt: s = {ev.g, {kNoSeq, kRunning}, {kNoSeq, kRunnable}}; break;
    case kGoUnblock: case kGoSysExit:
      s = {ev.args[0], {ev.args[1], kWaiting}, {ev.args[1] + 1, kRunnable}};
      break;
    case kGoUnblockLocal: case kGoSysExitLocal:
      s = {ev.args[0], {kNoSeq, kWaiting}, {kSeqInc, kRunnable}};
      break;
    case kGcStart: s = {kGarbage, {ev.args[0], kDead}, {ev.args[0] + 1, kDead}}; break;
    default: break;
  }
  return s;
}

bool Ready(const Step& s, const GSeq& curr) {
  return s.g == kUnordered ||
         ((s.init.seq == kNoSeq || s.init.seq == curr.seq) && s.init.status == curr.status);
}

// Goroutine sequence states by goroutine ID: a vector for the small, dense IDs the runtime hands
// out, a map for the rest (a hash per event was the merge's biggest cost).
class DenseGs {
 public:
  GSeq& operator[](uint64_t id) {
    if (id < kDense) {
      if (id >= dense_.size()) dense_.resize(std::max<size_t>(id + 1, dense_.size() * 2));
      return dense_[id];
    }
    return sparse_[id];
  }

 private:
  static constexpr uint64_t kDense = uint64_t{1} << 20;
  std::vector<GSeq> dense_;
  std::unordered_map<uint64_t, GSeq> sparse_;
};

// The Local variants only help ordering; from the frontier on they are the plain events.
void Rename(V1Rec& ev) {
  switch (ev.type) {
    case kGoStartLocal: ev.type = kGoStart; break;
    case kGoUnblockLocal: ev.type = kGoUnblock; break;
    case kGoSysExitLocal: ev.type = kGoSysExit; break;
    default: break;
  }
}

// order1007: the frontier merge, with the checks Go's parser runs over its result (times must
// not go backwards; a GoSysExit takes the real exit time it carries, which must follow its
// block). The merge keeps only which stream each event came from (`order`) and the exits at
// their real times (`exits`, in merge order). On failure `*bad` is the position in `order` where
// the order broke (order->size(): nothing more could be ordered); what comes before it is
// consistent. `*in_time`: the events before *bad are in time order; `*moved`: the exits before
// *bad took their real times.
Status Order1007(V1Streams& streams, const std::string& name, std::vector<uint16_t>* order,
                 std::vector<V1Moved>* exits, size_t* bad, bool* in_time, bool* moved) {
  const size_t n = streams.size();
  size_t pending = 0;
  std::vector<size_t> left(n);
  for (size_t i = 0; i < n; ++i) {
    left[i] = streams.Count(i);
    pending += left[i];
  }
  order->reserve(pending);
  streams.Rewind();
  std::vector<V1Rec> head(n);
  std::vector<bool> has(n, false), selected(n, false);
  auto load = [&](size_t i) {
    has[i] = left[i] != 0 && streams.Next(i, &head[i]);
    if (has[i]) --left[i];
  };
  for (size_t i = 0; i < n; ++i) load(i);
  DenseGs gs;
  struct Candidate {
    size_t batch;
    Step step;
  };
  std::vector<Candidate> frontier;
  // The first break of each later check; the merge's own failure wins, then time order.
  Status time_err = Status::Ok(), exit_err = Status::Ok();
  size_t time_bad = 0, exit_bad = 0;
  int64_t prev_ts = 0;
  // A GoSysExit is written when its goroutine gets a P again; it carries when the syscall
  // really returned, which must follow the GoSysBlock (or GoInSyscall) that began the wait.
  std::unordered_map<uint64_t, int64_t> last_block;
  for (; pending != 0; --pending) {
    for (size_t i = 0; i < n; ++i) {
      if (selected[i] || !has[i]) continue;
      V1Rec& ev = head[i];
      const Step s = StepOf(ev);
      if (!Ready(s, s.g == kUnordered ? GSeq{} : gs[s.g])) continue;
      frontier.push_back({i, s});
      selected[i] = true;
      Rename(ev);
    }
    if (frontier.empty()) {
      *bad = order->size();
      *in_time = time_err.ok();
      *moved = false;
      // Name the earliest event still waiting and what it waits for.
      const V1Rec* first = nullptr;
      for (size_t i = 0; i < n; ++i) {
        if (!has[i]) continue;
        if (first == nullptr || head[i].ts < first->ts) first = &head[i];
      }
      if (first == nullptr) return ErrorAt(name, 0, "events vanished between passes");
      const Step s = StepOf(*first);
      const GSeq curr = gs[s.g];
      static constexpr const char* kNames[] = {"dead", "runnable", "running", "waiting"};
      return ErrorAt(name, first->offset,
                     fmt::format("no consistent ordering of events possible: the earliest "
                                 "waiting event expects goroutine {} {}{} (it is {} at sequence "
                                 "{})", s.g, kNames[s.init.status],
                                 s.init.seq == kNoSeq ? std::string()
                                                      : fmt::format(" at sequence {}", s.init.seq),
                                 kNames[curr.status], curr.seq));
    }
    auto best = std::min_element(frontier.begin(), frontier.end(),
                                 [&](const Candidate& a, const Candidate& b) {
                                   return head[a.batch].ts < head[b.batch].ts;
                                 });
    const Candidate c = *best;
    *best = frontier.back();
    frontier.pop_back();
    const V1Rec& ev = head[c.batch];
    const size_t pos = order->size();
    order->push_back(static_cast<uint16_t>(c.batch));
    if (pos > 0 && time_err.ok() && ev.ts < prev_ts) {
      time_bad = pos;
      time_err = ErrorAt(name, ev.offset,
                         fmt::format("time stamps out of order: tick {} after tick {} (expected "
                                     "the ordered events' times not to go backwards)",
                                     ev.ts, prev_ts));
    }
    prev_ts = ev.ts;
    if (exit_err.ok()) {
      if (ev.type == kGoSysBlock || ev.type == kGoInSyscall) {
        last_block[ev.g] = ev.ts;
      } else if (ev.type == kGoSysExit) {
        V1Moved m{pos, ev};
        const auto ts = static_cast<int64_t>(ev.args[2]);
        if (ts != 0) {
          auto it = last_block.find(ev.g);
          if (it == last_block.end() || it->second == 0) {
            exit_bad = pos;
            exit_err = ErrorAt(name, ev.offset, "stray syscall exit: expected a GoSysBlock or "
                                                "GoInSyscall of its goroutine before it");
          } else if (ts < it->second) {
            exit_bad = pos;
            exit_err = ErrorAt(name, ev.offset, "time stamps out of order: syscall exit before "
                                                "its block");
          } else {
            m.rec.ts = ts;
          }
        }
        if (exit_err.ok()) exits->push_back(m);
      }
    }
    selected[c.batch] = false;
    if (c.step.g != kUnordered) {
      GSeq& curr = gs[c.step.g];
      GSeq next = c.step.next;
      if (next.seq == kNoSeq) next.seq = curr.seq;
      if (next.seq == kSeqInc) next.seq = curr.seq + 1;
      curr = next;
    }
    load(c.batch);
  }
  *in_time = true;
  *moved = true;
  if (!time_err.ok()) {
    *bad = time_bad;
    *moved = false;
    return time_err;
  }
  std::stable_sort(exits->begin(), exits->end(),
                   [](const V1Moved& a, const V1Moved& b) { return a.rec.ts < b.rec.ts; });
  if (!exit_err.ok()) {
    *bad = exit_bad;
    return exit_err;
  }
  return Status::Ok();
}

// order1005: the global sequence numbers.
Status Order1005(std::vector<V1Rec>* out, const std::string& name, size_t* bad) {
  for (V1Rec& ev : *out) {
    if (ev.type == kGoSysExit) {
      ev.seq = static_cast<int64_t>(ev.args[1]);
      if (ev.args[2] != 0) ev.ts = static_cast<int64_t>(ev.args[2]);
    }
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const V1Rec& a, const V1Rec& b) { return a.seq < b.seq; });
  for (size_t i = 1; i < out->size(); ++i) {
    if ((*out)[i].ts < (*out)[i - 1].ts) {
      *bad = i;
      return ErrorAt(name, (*out)[i].offset,
                     fmt::format("events out of time order: sequence {} at tick {} comes after "
                                 "sequence {} at tick {} (expected non-decreasing times)",
                                 (*out)[i].seq, (*out)[i].ts, (*out)[i - 1].seq,
                                 (*out)[i - 1].ts));
    }
  }
  return Status::Ok();
}

// postProcessTrace's checks of goroutine and P states along the order, one event at a time.
class Checker {
 public:
  Checker(int version, const std::string& name,
          const std::unordered_set<uint64_t>& timer_goroutines)
      : version_(version), name_(name), timer_goroutines_(timer_goroutines) {
    Goroutine(0).state = kRunning;
  }
  Status Step(const V1Rec& ev);

 private:
  struct G {
    Status1 state = kDead;
    uint8_t last = 0;          // the type of the event that last made it wait
    bool mark_assist = false;
    bool exists = false;
  };
  // Goroutines by ID: a vector for the runtime's small, dense IDs, a map for the rest.
  G& Goroutine(uint64_t id) {
    if (id < kDenseG) {
      if (id >= dense_gs_.size()) {
        dense_gs_.resize(std::max<size_t>(id + 1, dense_gs_.size() * 2));
      }
      G& g = dense_gs_[id];
      g.exists = true;
      return g;
    }
    G& g = sparse_gs_[id];
    g.exists = true;
    return g;
  }
  bool Exists(uint64_t id) const {
    if (id < kDenseG) return id < dense_gs_.size() && dense_gs_[id].exists;
    return sparse_gs_.contains(id);
  }
  static constexpr uint64_t kDenseG = uint64_t{1} << 20;
  struct P {
    bool running = false;
    uint64_t g = 0;
    bool stw = false, sweep = false;
  };
  int version_;
  const std::string& name_;
  const std::unordered_set<uint64_t>& timer_goroutines_;
  std::vector<G> dense_gs_;
  std::unordered_map<uint64_t, G> sparse_gs_;
  std::unordered_map<int64_t, P> ps_;
  int64_t last_p_ = 0;
  P* last_ps_ = nullptr;  // ps_'s entry for last_p_ (nodes do not move)
  bool gc_ = false, stw_ = false;
};

Status Checker::Step(const V1Rec& ev) {
  const int version = version_;
  const std::string& name = name_;
  const std::unordered_set<uint64_t>& timer_goroutines = timer_goroutines_;
  bool& gc = gc_;
  bool& stw = stw_;
  auto fail = [&](const V1Rec& e, std::string what) {
    return ErrorAt(name, e.offset, fmt::format("inconsistent trace: {}", what));
  };
  {
    G& g = Goroutine(ev.g);
    if (last_ps_ == nullptr || last_p_ != ev.p) {
      last_ps_ = &ps_[ev.p];
      last_p_ = ev.p;
    }
    P& p = *last_ps_;
    auto check_running = [&](bool allow_g0) -> std::optional<std::string> {
      if (g.state != kRunning) return fmt::format("expected g {} running", ev.g);
      if (p.g != ev.g) return fmt::format("expected p {} running g {} (it runs g {})", ev.p,
                                          ev.g, p.g);
      if (!allow_g0 && ev.g == 0) return std::string("expected a goroutine, not g 0");
      return std::nullopt;
    };
    switch (ev.type) {
      case kProcStart:
        if (p.running) return fail(ev, fmt::format("p {} is running before start", ev.p));
        p.running = true;
        break;
      case kProcStop:
        if (!p.running) return fail(ev, fmt::format("p {} is not running before stop", ev.p));
        if (p.g != 0) {
          return fail(ev, fmt::format("p {} is running a goroutine {} during stop", ev.p, p.g));
        }
        p.running = false;
        break;
      case kGcStart:
        if (gc) return fail(ev, "previous GC is not ended before a new one");
        gc = true;
        break;
      case kGcDone:
        if (!gc) return fail(ev, "bogus GC end: expected a GC in progress");
        gc = false;
        break;
      case kStwStart: {
        bool& s = version < 1010 ? p.stw : stw;
        if (s) return fail(ev, "previous STW is not ended before a new one");
        s = true;
        break;
      }
      case kStwDone: {
        bool& s = version < 1010 ? p.stw : stw;
        if (!s) return fail(ev, "bogus STW end: expected a stop-the-world in progress");
        s = false;
        break;
      }
      case kSweepStart:
        if (p.sweep) return fail(ev, "previous sweeping is not ended before a new one");
        p.sweep = true;
        break;
      case kSweepDone:
        if (!p.sweep) return fail(ev, "bogus sweeping end: expected a sweep in progress");
        p.sweep = false;
        break;
      case kMarkAssistStart:
        if (g.mark_assist) return fail(ev, "previous mark assist is not ended before a new one");
        g.mark_assist = true;
        break;
      case kMarkAssistDone: g.mark_assist = false; break;
      case kGoWaiting: case kGoInSyscall:
        if (g.state != kRunnable) {
          return fail(ev, fmt::format("g {} is not runnable before {}", ev.g,
                                      ev.type == kGoWaiting ? "GoWaiting" : "GoInSyscall"));
        }
        g.state = kWaiting;
        g.last = ev.type;
        break;
      case kGoCreate: {
        if (auto err = check_running(true)) return fail(ev, *err + " while GoCreate");
        if (Exists(ev.args[0])) {
          return fail(ev, fmt::format("g {} already exists", ev.args[0]));
        }
        G& n = Goroutine(ev.args[0]);  // may move: `g` is not used after this
        n.state = kRunnable;
        n.last = ev.type;
        return Status::Ok();
      }
      case kGoStart: case kGoStartLabel:
        if (g.state != kRunnable) {
          return fail(ev, fmt::format("g {} is not runnable before start", ev.g));
        }
        if (p.g != 0) {
          return fail(ev, fmt::format("p {} is already running g {} while start g {}", ev.p,
                                      p.g, ev.g));
        }
        g.state = kRunning;
        g.last = 0;
        p.g = ev.g;
        break;
      case kGoEnd: case kGoStop:
        if (auto err = check_running(false)) return fail(ev, *err);
        g.state = kDead;
        p.g = 0;
        break;
      case kGoSched: case kGoPreempt:
        if (auto err = check_running(false)) return fail(ev, *err);
        g.state = kRunnable;
        g.last = ev.type;
        p.g = 0;
        break;
      case kGoUnblock: {
        if (g.state != kRunning) {
          return fail(ev, fmt::format("g {} is not running while unpark", ev.g));
        }
        if (!timer_goroutines.contains(ev.g) && p.g != ev.g) {
          return fail(ev, fmt::format("p {} is not running g {} while unpark", ev.p, ev.g));
        }
        G& g1 = Goroutine(ev.args[0]);
        if (g1.state != kWaiting) {
          return fail(ev, fmt::format("g {} is not waiting before unpark", ev.args[0]));
        }
        g1.state = kRunnable;
        g1.last = ev.type;
        return Status::Ok();
      }
      case kGoSysCall:
        if (auto err = check_running(false)) return fail(ev, *err);
        g.last = ev.type;
        break;
      case kGoSysBlock:
        if (auto err = check_running(false)) return fail(ev, *err);
        g.state = kWaiting;
        p.g = 0;
        break;
      case kGoSysExit:
        if (g.state != kWaiting) {
          return fail(ev, fmt::format("g {} is not waiting during syscall exit", ev.g));
        }
        g.state = kRunnable;
        g.last = ev.type;
        break;
      case kGoSleep: case kGoBlock: case kGoBlockSend: case kGoBlockRecv: case kGoBlockSelect:
      case kGoBlockSync: case kGoBlockCond: case kGoBlockNet: case kGoBlockGc:
        if (auto err = check_running(false)) return fail(ev, *err);
        g.state = kWaiting;
        g.last = ev.type;
        p.g = 0;
        break;
      default: break;
    }
  }
  return Status::Ok();
}

}  // namespace

Status OrderV1(int version, V1Streams& streams, uint64_t frequency,
               const std::unordered_set<uint64_t>& timer_goroutines, const std::string& name,
               V1Order* out, std::string* cut) {
  *out = V1Order();
  out->streams_ = &streams;
  size_t total = 0;
  for (size_t i = 0; i < streams.size(); ++i) total += streams.Count(i);
  size_t bad = 0;
  // A trace cut short lacks the rest of some Ps' events: what cannot be ordered or checked any
  // more is left out, and `cut` says so.
  auto note = [&](const Status& st, size_t size, size_t unordered) -> Status {
    if (cut == nullptr) return st;
    const size_t left = size - std::min(bad, size);
    *cut += fmt::format("; {} events from the point the order broke on were left out ({})",
                        left + unordered, st.message());
    return Status::Ok();
  };
  auto by_time = [](const V1Rec& a, const V1Rec& b) { return a.ts < b.ts; };
  if (version < 1007) {
    out->flat_mode_ = true;
    streams.Rewind();
    out->flat_.reserve(total);
    V1Rec r;
    for (size_t i = 0; i < streams.size(); ++i) {
      for (size_t k = streams.Count(i); k != 0 && streams.Next(i, &r); --k) {
        out->flat_.push_back(r);
      }
    }
    Status st = Order1005(&out->flat_, name, &bad);
    if (!st.ok()) {
      GODX_RETURN_IF_ERROR(note(st, out->flat_.size(), 0));
      out->flat_.resize(std::min(bad, out->flat_.size()));
      std::stable_sort(out->flat_.begin(), out->flat_.end(), by_time);
    }
  } else {
    if (streams.size() > 0xffff) {
      return ErrorAt(name, kHeaderSize, fmt::format("{} Ps: more than 65535 cannot be ordered",
                                                    streams.size()));
    }
    bool in_time = true, moved = true;
    Status st = Order1007(streams, name, &out->order_, &out->exits_, &bad, &in_time, &moved);
    out->move_exits_ = moved;
    if (!st.ok()) {
      GODX_RETURN_IF_ERROR(note(st, out->order_.size(), total - out->order_.size()));
      out->order_.resize(std::min(bad, out->order_.size()));
      std::erase_if(out->exits_, [&](const V1Moved& m) { return m.pos >= bad; });
      if (!moved) out->exits_.clear();
      if (!in_time) {
        // Events merged but not in time order (only where the merge itself broke): sorted as
        // records, as few as the merge got through.
        out->Rewind();
        V1Rec r;
        while (out->Next(&r)) out->flat_.push_back(r);
        std::stable_sort(out->flat_.begin(), out->flat_.end(), by_time);
        out->flat_mode_ = true;
        out->order_.clear();
        out->exits_.clear();
      }
    }
    out->order_.shrink_to_fit();
  }
  if (out->empty()) return Status::Ok();
  // Which GoSysCalls blocked (their goroutine's next event is a GoSysBlock), and Go's consistency
  // checks, in one replay of the order.
  std::unordered_map<uint64_t, size_t> open_call;
  Checker checker(version, name, timer_goroutines);
  Status checked = Status::Ok();
  size_t size = 0;
  out->Rewind();
  V1Rec ev;
  while (out->Next(&ev)) {
    const size_t i = size++;
    if (checked.ok()) {
      checked = checker.Step(ev);
      if (!checked.ok()) bad = i;
    }
    if (ev.g == 0) continue;
    if (auto it = open_call.find(ev.g); it != open_call.end()) {
      if (ev.type == kGoSysBlock) out->blocked_.push_back(it->second);
      open_call.erase(it);
    }
    if (ev.type == kGoSysCall) open_call[ev.g] = i;
  }
  std::sort(out->blocked_.begin(), out->blocked_.end());
  if (!checked.ok()) {
    GODX_RETURN_IF_ERROR(note(checked, size, 0));
    out->limit_ = std::min(bad, size);
  }
  if (out->empty()) return Status::Ok();
  // Times: nanoseconds since the first event, converted as Go's parser converts them.
  out->Rewind();
  out->Next(&ev);
  out->min_ts_ = ev.ts;
  out->ns_per_tick_ = frequency == 0 ? 0 : 1e9 / static_cast<double>(frequency);
  out->convert_ = true;
  out->Rewind();
  return Status::Ok();
}

void V1Order::Rewind() {
  if (streams_ != nullptr) streams_->Rewind();
  emitted_ = next_main_ = next_exit_ = main_pos_ = next_blocked_ = 0;
  main_valid_ = false;
}

bool V1Order::empty() const {
  return limit_ == 0 || (flat_mode_ ? flat_.empty() : order_.empty());
}

bool V1Order::Next(V1Rec* out) {
  if (emitted_ >= limit_) return false;
  if (flat_mode_) {
    if (emitted_ >= flat_.size()) return false;
    *out = flat_[emitted_];
  } else {
    // The merge order, with the exits that took their real times merged back in: what a
    // stable sort by time of the merge order gives, as the rest is in time order already.
    while (!main_valid_ && next_main_ < order_.size()) {
      main_pos_ = next_main_;
      if (!streams_->Next(order_[next_main_++], &main_)) {
        next_main_ = order_.size();
        break;
      }
      Rename(main_);
      main_valid_ = !(move_exits_ && main_.type == kGoSysExit);
    }
    const bool exit = next_exit_ < exits_.size() &&
                      (!main_valid_ || exits_[next_exit_].rec.ts < main_.ts ||
                       (exits_[next_exit_].rec.ts == main_.ts &&
                        exits_[next_exit_].pos < main_pos_));
    if (exit) {
      *out = exits_[next_exit_++].rec;
    } else if (main_valid_) {
      *out = main_;
      main_valid_ = false;
    } else {
      return false;
    }
  }
  while (next_blocked_ < blocked_.size() && blocked_[next_blocked_] < emitted_) ++next_blocked_;
  out->sys_blocked = next_blocked_ < blocked_.size() && blocked_[next_blocked_] == emitted_;
  if (convert_) {
    out->ts = static_cast<int64_t>(static_cast<double>(out->ts - min_ts_) * ns_per_tick_);
  }
  ++emitted_;
  return true;
}

}  // namespace godx::trace::internal
