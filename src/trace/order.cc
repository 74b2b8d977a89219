#include "trace/order.h"

#include <algorithm>

#include <fmt/format.h>

namespace godx::trace::internal {

namespace {

// Wire types (internal/trace/tracev2/events.go).
enum : uint8_t {
  kProcsChange = 9, kProcStart = 10, kProcStop = 11, kProcSteal = 12, kProcStatus = 13,
  kGoCreate = 14, kGoCreateSyscall = 15, kGoStart = 16, kGoDestroy = 17, kGoDestroySyscall = 18,
  kGoStop = 19, kGoBlock = 20, kGoUnblock = 21, kGoSyscallBegin = 22, kGoSyscallEnd = 23,
  kGoSyscallEndBlocked = 24, kGoStatus = 25, kStwBegin = 26, kStwEnd = 27, kGcActive = 28,
  kGcBegin = 29, kGcEnd = 30, kGcSweepActive = 31, kGcSweepBegin = 32, kGcSweepEnd = 33,
  kGcMarkAssistActive = 34, kGcMarkAssistBegin = 35, kGcMarkAssistEnd = 36, kHeapAlloc = 37,
  kHeapGoal = 38, kGoLabel = 39, kUserTaskBegin = 40, kUserTaskEnd = 41, kUserRegionBegin = 42,
  kUserRegionEnd = 43, kUserLog = 44, kGoSwitch = 45, kGoSwitchDestroy = 46,
  kGoCreateBlocked = 47, kGoStatusStack = 48,
};

// Wire GoStatus and ProcStatus values.
enum : uint8_t { kGoBad = 0, kGoRunnable = 1, kGoRunning = 2, kGoSyscall = 3, kGoWaiting = 4 };
enum : uint8_t {
  kProcBad = 0, kProcRunning = 1, kProcIdle = 2, kProcSyscall = 3, kProcSyscallAbandoned = 4
};

GoState GoStateOf(uint8_t status) {
  switch (status) {
    case kGoRunnable: return GoState::kRunnable;
    case kGoRunning: return GoState::kRunning;
    case kGoSyscall: return GoState::kSyscall;
    case kGoWaiting: return GoState::kWaiting;
    default: return GoState::kUndetermined;
  }
}

ProcState ProcStateOf(uint8_t status) {
  switch (status) {
    case kProcRunning: case kProcSyscall: return ProcState::kRunning;
    case kProcIdle: case kProcSyscallAbandoned: return ProcState::kIdle;
    default: return ProcState::kUndetermined;
  }
}

std::string_view GoStatusName(uint8_t s) {
  switch (s) {
    case kGoRunnable: return "Runnable";
    case kGoRunning: return "Running";
    case kGoSyscall: return "Syscall";
    case kGoWaiting: return "Waiting";
    default: return "Bad";
  }
}

std::string_view ProcStatusName(uint8_t s) {
  switch (s) {
    case kProcRunning: return "Running";
    case kProcIdle: return "Idle";
    case kProcSyscall: return "Syscall";
    case kProcSyscallAbandoned: return "SyscallAbandoned";
    default: return "Bad";
  }
}

std::string_view RangeName(uint8_t begin_type) {
  switch (begin_type) {
    case kStwBegin: return "STWBegin";
    case kGcSweepBegin: return "GCSweepBegin";
    case kGcMarkAssistBegin: return "GCMarkAssistBegin";
    default: return "?";
  }
}

// The Begin type of a range's Begin, Active or End event.
uint8_t RangeBegin(uint8_t type) {
  switch (type) {
    case kStwEnd: return kStwBegin;
    case kGcSweepActive: case kGcSweepEnd: return kGcSweepBegin;
    case kGcMarkAssistActive: case kGcMarkAssistEnd: return kGcMarkAssistBegin;
    default: return type;
  }
}

std::string Id(uint64_t v) { return v == kNone ? "none" : fmt::format("{}", v); }

}  // namespace

Transition Ordering::GoTransition(uint64_t g, GoState from, GoState to, uint64_t stack) {
  Transition t;
  t.resource = Transition::Resource::kGoroutine;
  t.id = g;
  t.go_from = from;
  t.go_to = to;
  t.stack = stack;
  return t;
}

Transition Ordering::ProcTransition(uint64_t p, ProcState from, ProcState to) {
  Transition t;
  t.resource = Transition::Resource::kProc;
  t.id = p;
  t.proc_from = from;
  t.proc_to = to;
  return t;
}

std::optional<std::string> Ordering::Validate(const Ctx& c, Reqs r) {
  if (r.m == Need::kMust && c.m == kNone) return "expected a thread but didn't have one";
  if (r.m == Need::kMustNot && c.m != kNone) return "expected no thread but had one";
  if (r.p == Need::kMust && c.p == kNone) return "expected a proc but didn't have one";
  if (r.p == Need::kMustNot && c.p != kNone) return "expected no proc but had one";
  if (r.g == Need::kMust && c.g == kNone) return "expected a goroutine but didn't have one";
  if (r.g == Need::kMustNot && c.g != kNone) return "expected no goroutine but had one";
  return std::nullopt;
}

void Ordering::Push(const RawEvent& ev, const Ctx& c, Transition t, std::string_view rec) {
  queue_.push_back(OrderedEvent{ev, c.m, c.p, c.g, t, rec});
}

void Ordering::PushSynthetic(uint8_t type, int64_t time, uint64_t offset, const Ctx& c,
                             Transition t, uint64_t arg0, uint64_t arg1) {
  RawEvent ev;
  ev.offset = offset;
  ev.time = time;
  ev.type = type;
  ev.args[0] = arg0;
  ev.args[1] = arg1;
  Push(ev, c, t);
}

bool Ordering::Next(OrderedEvent* out) {
  if (queue_.empty()) return false;
  *out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

Ordering::Outcome Ordering::Advance(const RawEvent& ev, uint64_t m, uint64_t gen,
                                    const std::unordered_map<uint64_t, std::string_view>& strings,
                                    std::string* why) {
  if (initial_gen_ == 0) initial_gen_ = gen;
  strings_ = &strings;
  Ctx cur;
  cur.m = m;
  MState* ms = nullptr;
  if (m != kNone) {
    // Ms are never erased and map nodes do not move: the last one found stays valid.
    if (m != last_m_ || last_ms_ == nullptr) {
      last_ms_ = &ms_.try_emplace(m).first->second;
      last_m_ = m;
    }
    ms = last_ms_;
    cur.p = ms->p;
    cur.g = ms->g;
  }
  Step s = Dispatch(ev, gen, cur, why);
  if (s.outcome == Outcome::kAdvanced && ms != nullptr) {
    // Handlers may have added Ms; a rehash moves no node, so `ms` still points at this M's.
    ms->p = s.next.p;
    ms->g = s.next.g;
  }
  return s.outcome;
}

Ordering::Step Ordering::Dispatch(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  constexpr Reqs kUserGo{Need::kMust, Need::kMust, Need::kMust};
  switch (ev.type) {
    case kProcsChange: case kGoLabel: case kUserLog: return Simple(ev, cur, kUserGo, why);
    case kProcStart: return ProcStart(ev, gen, cur, why);
    case kProcStop: return ProcStop(ev, cur, why);
    case kProcSteal: return ProcSteal(ev, gen, cur, why);
    case kProcStatus: return ProcStatus(ev, gen, cur, why);
    case kGoCreate: case kGoCreateBlocked: return GoCreate(ev, gen, cur, why);
    case kGoCreateSyscall: return GoCreateSyscall(ev, gen, cur, why);
    case kGoStart: return GoStart(ev, gen, cur, why);
    case kGoDestroy: case kGoStop: case kGoBlock: return GoStopExec(ev, cur, why);
    case kGoDestroySyscall: return GoDestroySyscall(ev, cur, why);
    case kGoUnblock: return GoUnblock(ev, gen, cur, why);
    case kGoSyscallBegin: return GoSyscallBegin(ev, gen, cur, why);
    case kGoSyscallEnd: return GoSyscallEnd(ev, cur, why);
    case kGoSyscallEndBlocked: return GoSyscallEndBlocked(ev, cur, why);
    case kGoStatus: case kGoStatusStack: return GoStatus(ev, gen, cur, why);
    case kStwBegin: case kGcMarkAssistBegin: return GoRangeBegin(ev, cur, why);
    case kStwEnd: case kGcMarkAssistEnd: return GoRangeEnd(ev, cur, why);
    case kGcMarkAssistActive: return GoRangeActive(ev, gen, cur, why);
    case kGcActive: return GcActive(ev, gen, cur, why);
    case kGcBegin: return GcBegin(ev, cur, why);
    case kGcEnd: return GcEnd(ev, cur, why);
    case kGcSweepActive: return SweepActive(ev, gen, cur, why);
    case kGcSweepBegin: return SweepBegin(ev, cur, why);
    case kGcSweepEnd: return SweepEnd(ev, cur, why);
    case kHeapAlloc: case kHeapGoal:
      return Simple(ev, cur, {Need::kMust, Need::kMust, Need::kMay}, why);
    case kUserTaskBegin: return UserTaskBegin(ev, cur, why);
    case kUserTaskEnd: return UserTaskEnd(ev, cur, why);
    case kUserRegionBegin: case kUserRegionEnd: return UserRegion(ev, cur, why);
    case kGoSwitch: case kGoSwitchDestroy: return GoSwitch(ev, gen, cur, why);
    default:
      if (ev.type >= 128) {  // the allocation/free experiment
        return Simple(ev, cur, {Need::kMust, Need::kMay, Need::kMay}, why);
      }
      *why = fmt::format("bad event type {} found while ordering", ev.type);
      return {Outcome::kError, cur};
  }
}

Ordering::Step Ordering::Simple(const RawEvent& ev, Ctx cur, Reqs reqs, std::string* why) {
  if (auto err = Validate(cur, reqs)) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::ProcStatus(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t pid = ev.args[0];
  if (ev.args[1] > kProcSyscallAbandoned) {
    *why = fmt::format("invalid status for proc {}: {}", pid, ev.args[1]);
    return {Outcome::kError, cur};
  }
  auto status = static_cast<uint8_t>(ev.args[1]);
  ProcState old = ProcStateOf(status);
  auto it = ps_.find(pid);
  if (it != ps_.end()) {
    PState& s = it->second;
    if (status == kProcSyscallAbandoned && s.status == kProcSyscall) {
      // Abandoned while still in the syscall we knew about: nothing was lost.
      old = ProcState::kRunning;
      status = kProcSyscall;
    } else if (status == kProcSyscallAbandoned && s.status == kProcSyscallAbandoned) {
      old = ProcState::kIdle;
    } else if (s.status != status) {
      *why = fmt::format("inconsistent status for proc {}: old {} vs. new {}", pid,
                         ProcStatusName(s.status), ProcStatusName(status));
      return {Outcome::kError, cur};
    }
    s.seq = Seq{gen, 0};
  } else {
    ps_[pid] = PState{status, Seq{gen, 0}, {}};
    old = gen == initial_gen_ ? ProcState::kUndetermined : ProcState::kNotExist;
  }
  Ctx next = cur;
  if (status == kProcRunning || status == kProcSyscall) next.p = pid;
  if (ev.args[1] == kProcSyscallAbandoned && old == ProcState::kRunning) {
    // The P is about to be stolen, and its status may come from another M: emit the event in
    // the context of the M it is bound to.
    bool found = false;
    for (const auto& [mid, st] : ms_) {
      if (st.p == pid) {
        cur = Ctx{mid, pid, st.g};
        found = true;
      }
    }
    if (!found) {
      *why = fmt::format("failed to find sched context for proc {} that's about to be stolen",
                         pid);
      return {Outcome::kError, cur};
    }
  }
  Push(ev, cur, ProcTransition(pid, old, ProcStateOf(status)));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::ProcStart(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t pid = ev.args[0];
  const Seq seq{gen, ev.args[1]};
  auto it = ps_.find(pid);
  if (it == ps_.end() || it->second.status != kProcIdle || !seq.Succeeds(it->second.seq) ||
      cur.p != kNone) {
    if (it == ps_.end()) {
      *why = fmt::format("proc {} idle (no status for it yet)", pid);
    } else if (cur.p != kNone) {
      *why = fmt::format("M {} to lose its proc {} first", cur.m, cur.p);
    } else {
      *why = fmt::format("proc {} idle at sequence {} (it is {} at sequence {})", pid,
                         seq.seq - 1, ProcStatusName(it->second.status), it->second.seq.seq);
    }
    return {Outcome::kNotYet, cur};
  }
  if (auto err = Validate(cur, {Need::kMust, Need::kMustNot, Need::kMay})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  it->second.status = kProcRunning;
  it->second.seq = seq;
  Ctx next = cur;
  next.p = pid;
  Push(ev, cur, ProcTransition(pid, ProcState::kIdle, ProcState::kRunning));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::ProcStop(const RawEvent& ev, Ctx cur, std::string* why) {
  auto it = ps_.find(cur.p);
  if (it == ps_.end()) {
    *why = fmt::format("event ProcStop for proc ({}) that doesn't exist", Id(cur.p));
    return {Outcome::kError, cur};
  }
  if (it->second.status != kProcRunning && it->second.status != kProcSyscall) {
    *why = "ProcStop event for proc that's not Running or Syscall";
    return {Outcome::kError, cur};
  }
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMay})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  it->second.status = kProcIdle;
  Ctx next = cur;
  next.p = kNone;
  Push(ev, cur, ProcTransition(cur.p, ProcState::kRunning, ProcState::kIdle));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::ProcSteal(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t pid = ev.args[0];
  const Seq seq{gen, ev.args[1]};
  auto it = ps_.find(pid);
  if (it == ps_.end() ||
      (it->second.status != kProcSyscall && it->second.status != kProcSyscallAbandoned) ||
      !seq.Succeeds(it->second.seq)) {
    if (it == ps_.end()) {
      *why = fmt::format("proc {} in a syscall (no status for it yet)", pid);
    } else {
      *why = fmt::format("proc {} in a syscall at sequence {} (it is {} at sequence {})", pid,
                         seq.seq - 1, ProcStatusName(it->second.status), it->second.seq.seq);
    }
    return {Outcome::kNotYet, cur};
  }
  if (auto err = Validate(cur, {Need::kMust, Need::kMay, Need::kMay})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  const uint8_t old = it->second.status;
  it->second.status = kProcIdle;
  it->second.seq = seq;
  if (old == kProcSyscallAbandoned) {
    // Information was lost: the M may have moved on. Seen as idle → idle.
    Push(ev, cur, ProcTransition(pid, ProcState::kIdle, ProcState::kIdle));
    return {Outcome::kAdvanced, cur};
  }
  const Transition t = ProcTransition(pid, ProcState::kRunning, ProcState::kIdle);
  const uint64_t mid = ev.args[2];
  if (mid == cur.m) {
    if (cur.p != pid) {
      *why = fmt::format("tried to self-steal proc {} (thread {}), but got proc {} instead", pid,
                         mid, Id(cur.p));
      return {Outcome::kError, cur};
    }
    Ctx next = cur;
    next.p = kNone;
    Push(ev, cur, t);
    return {Outcome::kAdvanced, next};
  }
  auto mt = ms_.find(mid);
  if (mt == ms_.end()) {
    *why = fmt::format("stole proc from non-existent thread {}", mid);
    return {Outcome::kError, cur};
  }
  if (mt->second.p != pid) {
    *why = fmt::format("tried to steal proc {} from thread {}, but got proc {} instead", pid, mid,
                       Id(mt->second.p));
    return {Outcome::kError, cur};
  }
  // The P was in a syscall and its M is trying to get out: it has no P from now on.
  mt->second.p = kNone;
  Push(ev, cur, t);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoStatus(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t gid = ev.args[0], mid = ev.args[1];
  if (ev.args[2] > kGoWaiting) {
    *why = fmt::format("invalid status for goroutine {}: {}", gid, ev.args[2]);
    return {Outcome::kError, cur};
  }
  const auto status = static_cast<uint8_t>(ev.args[2]);
  GoState old = GoStateOf(status);
  auto it = gs_.find(gid);
  if (it != gs_.end()) {
    if (it->second.status != status) {
      *why = fmt::format("inconsistent status for goroutine {}: old {} vs. new {}", gid,
                         GoStatusName(it->second.status), GoStatusName(status));
      return {Outcome::kError, cur};
    }
    it->second.seq = Seq{gen, 0};
  } else if (gen == initial_gen_) {
    gs_[gid] = GState{status, Seq{gen, 0}, {}, {}};
    old = GoState::kUndetermined;
  } else {
    *why = fmt::format("found goroutine status for new goroutine after the first generation: "
                       "id={} status={}", gid, GoStatusName(status));
    return {Outcome::kError, cur};
  }
  Ctx next = cur;
  if (status == kGoRunning) {
    next.g = gid;
  } else if (status == kGoSyscall) {
    if (mid == kNone) {
      *why = fmt::format("found goroutine {} in syscall without a thread", gid);
      return {Outcome::kError, cur};
    }
    if (mid == cur.m) {
      if (gen != initial_gen_ && cur.g != gid) {
        *why = fmt::format("inconsistent thread for syscalling goroutine {}: thread has "
                           "goroutine {}", gid, Id(cur.g));
        return {Outcome::kError, cur};
      }
      next.g = gid;
    } else {
      // A goroutine sitting in a syscall on another M for the whole generation.
      auto mt = ms_.find(mid);
      if (mt != ms_.end()) {
        if (mt->second.g != gid) {
          *why = fmt::format("inconsistent thread for syscalling goroutine {}: thread has "
                             "goroutine {}", gid, Id(mt->second.g));
          return {Outcome::kError, cur};
        }
        cur.g = mt->second.g;
      } else {
        ms_[mid] = MState{gid, kNone};
      }
      cur.m = mid;
    }
  }
  const uint64_t stack = ev.type == kGoStatusStack ? ev.args[3] : 0;
  Push(ev, cur, GoTransition(gid, old, GoStateOf(status), stack));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::GoCreate(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMay})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  if (auto it = gs_.find(cur.g); it != gs_.end() && it->second.status != kGoRunning) {
    *why = fmt::format("GoCreate event for goroutine that's not Running");
    return {Outcome::kError, cur};
  }
  const uint64_t newg = ev.args[0];
  if (gs_.contains(newg)) {
    *why = fmt::format("tried to create goroutine ({}) that already exists", newg);
    return {Outcome::kError, cur};
  }
  const bool blocked = ev.type == kGoCreateBlocked;
  gs_[newg] = GState{blocked ? kGoWaiting : kGoRunnable, Seq{gen, 0}, {}, {}};
  Push(ev, cur, GoTransition(newg, GoState::kNotExist,
                             blocked ? GoState::kWaiting : GoState::kRunnable, ev.args[1]));
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoStopExec(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("event for goroutine ({}) that doesn't exist", cur.g);
    return {Outcome::kError, cur};
  }
  if (it->second.status != kGoRunning) {
    *why = "event for goroutine that's not Running";
    return {Outcome::kError, cur};
  }
  Ctx next = cur;
  next.g = kNone;
  Transition t;
  switch (ev.type) {
    case kGoDestroy:
      gs_.erase(it);
      t = GoTransition(cur.g, GoState::kRunning, GoState::kNotExist);
      break;
    case kGoStop:
      it->second.status = kGoRunnable;
      t = GoTransition(cur.g, GoState::kRunning, GoState::kRunnable, ev.args[1]);
      break;
    default:  // GoBlock
      it->second.status = kGoWaiting;
      t = GoTransition(cur.g, GoState::kRunning, GoState::kWaiting, ev.args[1]);
      break;
  }
  Push(ev, cur, t);
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::GoStart(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t gid = ev.args[0];
  const Seq seq{gen, ev.args[1]};
  auto it = gs_.find(gid);
  if (it == gs_.end() || it->second.status != kGoRunnable || !seq.Succeeds(it->second.seq)) {
    if (it == gs_.end()) {
      *why = fmt::format("goroutine {} to exist and be runnable", gid);
    } else {
      *why = fmt::format("goroutine {} runnable at sequence {} (it is {} at sequence {})", gid,
                         seq.seq - 1, GoStatusName(it->second.status), it->second.seq.seq);
    }
    return {Outcome::kNotYet, cur};
  }
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMustNot})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  it->second.status = kGoRunning;
  it->second.seq = seq;
  Ctx next = cur;
  next.g = gid;
  Push(ev, cur, GoTransition(gid, GoState::kRunnable, GoState::kRunning));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::GoUnblock(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t gid = ev.args[0];
  const Seq seq{gen, ev.args[1]};
  auto it = gs_.find(gid);
  if (it == gs_.end() || it->second.status != kGoWaiting || !seq.Succeeds(it->second.seq)) {
    if (it == gs_.end()) {
      *why = fmt::format("goroutine {} to exist and be waiting", gid);
    } else {
      *why = fmt::format("goroutine {} waiting at sequence {} (it is {} at sequence {})", gid,
                         seq.seq - 1, GoStatusName(it->second.status), it->second.seq.seq);
    }
    return {Outcome::kNotYet, cur};
  }
  it->second.status = kGoRunnable;
  it->second.seq = seq;
  // Anything may unblock a goroutine (sysmon too): no context to check.
  Push(ev, cur, GoTransition(gid, GoState::kWaiting, GoState::kRunnable));
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoSwitch(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto ct = gs_.find(cur.g);
  if (ct == gs_.end()) {
    *why = fmt::format("event for goroutine ({}) that doesn't exist", cur.g);
    return {Outcome::kError, cur};
  }
  if (ct->second.status != kGoRunning) {
    *why = "event for goroutine that's not Running";
    return {Outcome::kError, cur};
  }
  const uint64_t nextg = ev.args[0];
  const Seq seq{gen, ev.args[1]};
  auto nt = gs_.find(nextg);
  if (nt == gs_.end() || nt->second.status != kGoWaiting || !seq.Succeeds(nt->second.seq)) {
    *why = fmt::format("goroutine {} waiting at sequence {}", nextg, seq.seq - 1);
    return {Outcome::kNotYet, cur};
  }
  // An unblock of nextg, a block (or exit) of the current goroutine, a start of nextg.
  Push(ev, cur, GoTransition(nextg, GoState::kWaiting, GoState::kRunnable));
  nt->second.status = kGoRunning;
  nt->second.seq = seq;
  if (ev.type == kGoSwitch) {
    ct->second.status = kGoWaiting;
    PushSynthetic(kGoBlock, ev.time, ev.offset, cur,
                  GoTransition(cur.g, GoState::kRunning, GoState::kWaiting));
  } else {
    gs_.erase(ct);
    PushSynthetic(kGoDestroy, ev.time, ev.offset, cur,
                  GoTransition(cur.g, GoState::kRunning, GoState::kNotExist));
  }
  Ctx start = cur;
  start.g = kNone;
  PushSynthetic(kGoStart, ev.time, ev.offset, start,
                GoTransition(nextg, GoState::kRunnable, GoState::kRunning), nextg, ev.args[1]);
  Ctx next = cur;
  next.g = nextg;
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::GoSyscallBegin(const RawEvent& ev, uint64_t gen, Ctx cur,
                                        std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("event GoSyscallBegin for goroutine ({}) that doesn't exist", cur.g);
    return {Outcome::kError, cur};
  }
  if (it->second.status != kGoRunning) {
    *why = "GoSyscallBegin event for goroutine that's not Running";
    return {Outcome::kError, cur};
  }
  it->second.status = kGoSyscall;
  auto pt = ps_.find(cur.p);
  if (pt == ps_.end()) {
    *why = fmt::format("uninitialized proc {} found during GoSyscallBegin", cur.p);
    return {Outcome::kError, cur};
  }
  pt->second.status = kProcSyscall;
  // The P sequence makes a later ProcSteal unambiguous; on a running P it must be the next one.
  const Seq pseq{gen, ev.args[0]};
  if (!pseq.Succeeds(pt->second.seq)) {
    *why = fmt::format("failed to advance GoSyscallBegin: can't make sequence: {} (gen={}) -> "
                       "{} (gen={})", pt->second.seq.seq, pt->second.seq.gen, pseq.seq, gen);
    return {Outcome::kError, cur};
  }
  pt->second.seq = pseq;
  Push(ev, cur, GoTransition(cur.g, GoState::kRunning, GoState::kSyscall, ev.args[1]));
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoSyscallEnd(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("event GoSyscallEnd for goroutine ({}) that doesn't exist", cur.g);
    return {Outcome::kError, cur};
  }
  if (it->second.status != kGoSyscall) {
    *why = "GoSyscallEnd event for goroutine that's not Syscall";
    return {Outcome::kError, cur};
  }
  it->second.status = kGoRunning;
  auto pt = ps_.find(cur.p);
  if (pt == ps_.end()) {
    *why = fmt::format("uninitialized proc {} found during GoSyscallEnd", cur.p);
    return {Outcome::kError, cur};
  }
  if (pt->second.status != kProcSyscall) {
    *why = fmt::format("expected proc {} in state Syscall, but got {} instead", cur.p,
                       ProcStatusName(pt->second.status));
    return {Outcome::kError, cur};
  }
  pt->second.status = kProcRunning;
  Push(ev, cur, GoTransition(cur.g, GoState::kSyscall, GoState::kRunning));
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoSyscallEndBlocked(const RawEvent& ev, Ctx cur, std::string* why) {
  // Advances only once the M has lost the P it held in the syscall (ProcStop or ProcSteal).
  if (cur.p != kNone) {
    auto pt = ps_.find(cur.p);
    if (pt == ps_.end()) {
      *why = fmt::format("uninitialized proc {} found during GoSyscallEndBlocked", cur.p);
      return {Outcome::kError, cur};
    }
    if (pt->second.status == kProcSyscall) {
      *why = fmt::format("proc {} to be stolen from M {} (it is still in the syscall)", cur.p,
                         cur.m);
      return {Outcome::kNotYet, cur};
    }
  }
  if (auto err = Validate(cur, {Need::kMust, Need::kMay, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("event GoSyscallEndBlocked for goroutine ({}) that doesn't exist", cur.g);
    return {Outcome::kError, cur};
  }
  if (it->second.status != kGoSyscall) {
    *why = "GoSyscallEndBlocked event for goroutine that's not Syscall";
    return {Outcome::kError, cur};
  }
  it->second.status = kGoRunnable;
  Ctx next = cur;
  next.g = kNone;
  Push(ev, cur, GoTransition(cur.g, GoState::kSyscall, GoState::kRunnable));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::GoCreateSyscall(const RawEvent& ev, uint64_t gen, Ctx cur,
                                         std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMay, Need::kMustNot})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  const uint64_t newg = ev.args[0];
  if (gs_.contains(newg)) {
    *why = fmt::format("tried to create goroutine ({}) in syscall that already exists", newg);
    return {Outcome::kError, cur};
  }
  gs_[newg] = GState{kGoSyscall, Seq{gen, 0}, {}, {}};
  Ctx next = cur;
  next.g = newg;
  Push(ev, cur, GoTransition(newg, GoState::kNotExist, GoState::kSyscall));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::GoDestroySyscall(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMay, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("event GoDestroySyscall for goroutine ({}) that doesn't exist", cur.g);
    return {Outcome::kError, cur};
  }
  if (it->second.status != kGoSyscall) {
    *why = "GoDestroySyscall event for goroutine that's not Syscall";
    return {Outcome::kError, cur};
  }
  gs_.erase(it);
  Ctx next = cur;
  next.g = kNone;
  if (cur.p != kNone) {
    // The thread (a C thread that called into Go) lets go of its P: the ID may be reused.
    auto pt = ps_.find(cur.p);
    if (pt == ps_.end()) {
      *why = fmt::format("found invalid proc {} during GoDestroySyscall", cur.p);
      return {Outcome::kError, cur};
    }
    if (pt->second.status != kProcSyscall) {
      *why = fmt::format("proc {} in unexpected state {} during GoDestroySyscall", cur.p,
                         ProcStatusName(pt->second.status));
      return {Outcome::kError, cur};
    }
    pt->second.status = kProcSyscallAbandoned;
    next.p = kNone;
    PushSynthetic(kProcSteal, ev.time, ev.offset, cur,
                  ProcTransition(cur.p, ProcState::kRunning, ProcState::kIdle), cur.p);
  }
  Push(ev, cur, GoTransition(cur.g, GoState::kSyscall, GoState::kNotExist));
  return {Outcome::kAdvanced, next};
}

Ordering::Step Ordering::UserTaskBegin(const RawEvent& ev, Ctx cur, std::string* why) {
  const uint64_t id = ev.args[0];
  if (tasks_.contains(id)) {
    *why = fmt::format("task ID conflict: {}", id);
    return {Outcome::kError, cur};
  }
  auto name = strings_->find(ev.args[2]);
  if (name == strings_->end()) {
    *why = fmt::format("invalid string ID {} for UserTaskBegin event", ev.args[2]);
    return {Outcome::kError, cur};
  }
  tasks_[id] = Task{name->second, ev.args[1]};
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::UserTaskEnd(const RawEvent& ev, Ctx cur, std::string* why) {
  std::string_view name;
  if (auto it = tasks_.find(ev.args[0]); it != tasks_.end()) {
    name = it->second.name;
    tasks_.erase(it);
  }
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur, {}, name);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::UserRegion(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  const bool begin = ev.type == kUserRegionBegin;
  auto name = strings_->find(ev.args[1]);
  if (name == strings_->end()) {
    *why = fmt::format("invalid string ID {} for {} event", ev.args[1],
                       begin ? "UserRegionBegin" : "UserRegionEnd");
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("encountered {} without known state for current goroutine {}",
                       begin ? "EvUserRegionBegin" : "EvUserRegionEnd", cur.g);
    return {Outcome::kError, cur};
  }
  const Region r{ev.args[0], name->second};
  auto& regions = it->second.regions;
  if (begin) {
    regions.push_back(r);
  } else if (!regions.empty()) {  // regions begun before the trace started are unknown
    if (!(regions.back() == r)) {
      *why = fmt::format("misuse of region in goroutine {}: region end {{{} {}}} when the "
                         "inner-most active region start event is {{{} {}}}", cur.g, r.task,
                         r.name, regions.back().task, regions.back().name);
      return {Outcome::kError, cur};
    }
    regions.pop_back();
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GcActive(const RawEvent& ev, uint64_t gen, Ctx cur, std::string* why) {
  const uint64_t seq = ev.args[0];
  if (gen == initial_gen_) {
    if (gc_ != Gc::kUndetermined) {
      *why = "GCActive in the first generation isn't first GC event";
      return {Outcome::kError, cur};
    }
    gc_seq_ = seq;
    gc_ = Gc::kRunning;
    Push(ev, cur);
    return {Outcome::kAdvanced, cur};
  }
  if (seq != gc_seq_ + 1) {
    *why = fmt::format("GC sequence {} (the last was {})", seq - 1, gc_seq_);
    return {Outcome::kNotYet, cur};
  }
  if (gc_ != Gc::kRunning) {
    *why = "encountered GCActive while GC was not in progress";
    return {Outcome::kError, cur};
  }
  gc_seq_ = seq;
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GcBegin(const RawEvent& ev, Ctx cur, std::string* why) {
  const uint64_t seq = ev.args[0];
  if (gc_ == Gc::kUndetermined) {
    gc_seq_ = seq;
    gc_ = Gc::kRunning;
    Push(ev, cur);
    return {Outcome::kAdvanced, cur};
  }
  if (seq != gc_seq_ + 1) {
    *why = fmt::format("GC sequence {} (the last was {})", seq - 1, gc_seq_);
    return {Outcome::kNotYet, cur};
  }
  if (gc_ == Gc::kRunning) {
    *why = "encountered GCBegin while GC was already in progress";
    return {Outcome::kError, cur};
  }
  gc_seq_ = seq;
  gc_ = Gc::kRunning;
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GcEnd(const RawEvent& ev, Ctx cur, std::string* why) {
  const uint64_t seq = ev.args[0];
  if (seq != gc_seq_ + 1) {
    *why = fmt::format("GC sequence {} (the last was {})", seq - 1, gc_seq_);
    return {Outcome::kNotYet, cur};
  }
  if (gc_ == Gc::kNotRunning) {
    *why = "encountered GCEnd when GC was not in progress";
    return {Outcome::kError, cur};
  }
  if (gc_ == Gc::kUndetermined) {
    *why = "encountered GCEnd when GC was in an undetermined state";
    return {Outcome::kError, cur};
  }
  gc_seq_ = seq;
  gc_ = Gc::kNotRunning;
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

namespace {

// rangeState.beginRange/activeRange/endRange over a list of in-flight ranges.
template <typename R>
std::optional<std::string> BeginRange(std::vector<R>& in_flight, const R& r) {
  if (std::find(in_flight.begin(), in_flight.end(), r) != in_flight.end()) {
    return fmt::format("discovered event already in-flight for when starting event {}",
                       RangeName(r.begin_type));
  }
  in_flight.push_back(r);
  return std::nullopt;
}

template <typename R>
std::optional<std::string> ActiveRange(std::vector<R>& in_flight, const R& r, bool initial) {
  const bool has = std::find(in_flight.begin(), in_flight.end(), r) != in_flight.end();
  if (initial) {
    if (has) return fmt::format("found named active range already in first gen: {}",
                                RangeName(r.begin_type));
    in_flight.push_back(r);
  } else if (!has) {
    return fmt::format("resource is missing active range: {}", RangeName(r.begin_type));
  }
  return std::nullopt;
}

template <typename R>
std::optional<std::string> EndRange(std::vector<R>& in_flight, uint8_t begin_type,
                                    std::string_view* desc) {
  for (size_t i = 0; i < in_flight.size(); ++i) {
    if (in_flight[i].begin_type == begin_type) {
      *desc = in_flight[i].desc;
      in_flight[i] = in_flight.back();
      in_flight.pop_back();
      return std::nullopt;
    }
  }
  return fmt::format("tried to end event {}, but not in-flight", RangeName(begin_type));
}

}  // namespace

Ordering::Step Ordering::SweepBegin(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMay})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  if (auto err = BeginRange(ps_[cur.p].ranges, Range{kGcSweepBegin, {}})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::SweepActive(const RawEvent& ev, uint64_t gen, Ctx cur,
                                     std::string* why) {
  auto it = ps_.find(ev.args[0]);
  if (it == ps_.end()) {
    *why = fmt::format("encountered GCSweepActive for unknown proc {}", ev.args[0]);
    return {Outcome::kError, cur};
  }
  if (auto err = ActiveRange(it->second.ranges, Range{kGcSweepBegin, {}}, gen == initial_gen_)) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::SweepEnd(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMay})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  std::string_view desc;
  if (auto err = EndRange(ps_[cur.p].ranges, kGcSweepBegin, &desc)) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoRangeBegin(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  std::string_view desc;
  if (ev.type == kStwBegin) {
    auto s = strings_->find(ev.args[0]);
    desc = s == strings_->end() ? std::string_view() : s->second;
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("encountered event of type {} without known state for current goroutine "
                       "{}", ev.type, cur.g);
    return {Outcome::kError, cur};
  }
  if (auto err = BeginRange(it->second.ranges, Range{ev.type, desc})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoRangeActive(const RawEvent& ev, uint64_t gen, Ctx cur,
                                       std::string* why) {
  // Like GoStatus, it may name a goroutine that is not running: no context to check.
  auto it = gs_.find(ev.args[0]);
  if (it == gs_.end()) {
    *why = fmt::format("uninitialized goroutine {} found during GCMarkAssistActive", ev.args[0]);
    return {Outcome::kError, cur};
  }
  if (auto err = ActiveRange(it->second.ranges, Range{RangeBegin(ev.type), {}},
                             gen == initial_gen_)) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur);
  return {Outcome::kAdvanced, cur};
}

Ordering::Step Ordering::GoRangeEnd(const RawEvent& ev, Ctx cur, std::string* why) {
  if (auto err = Validate(cur, {Need::kMust, Need::kMust, Need::kMust})) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  auto it = gs_.find(cur.g);
  if (it == gs_.end()) {
    *why = fmt::format("encountered event of type {} without known state for current goroutine "
                       "{}", ev.type, cur.g);
    return {Outcome::kError, cur};
  }
  std::string_view desc;
  if (auto err = EndRange(it->second.ranges, RangeBegin(ev.type), &desc)) {
    *why = *err;
    return {Outcome::kError, cur};
  }
  Push(ev, cur, {}, desc);
  return {Outcome::kAdvanced, cur};
}

}  // namespace godx::trace::internal
