#include "trace/goroutines.h"

#include <algorithm>

namespace godx::trace {

namespace {

bool IsSyncReason(std::string_view r) {
  return r.find("chan") != std::string_view::npos || r.find("sync") != std::string_view::npos ||
         r.find("select") != std::string_view::npos;
}

// Frames that only carry a syscall into the kernel; the function a syscall is charged to is the
// first frame (from the leaf) outside them.
bool IsSyscallPlumbing(std::string_view fn) {
  for (std::string_view prefix : {"runtime.", "syscall.", "internal/", "golang.org/x/sys/"}) {
    if (fn.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace

int64_t GoroutineSummary::SyncBlockNs() const {
  int64_t n = 0;
  for (const auto& [reason, ns] : block_ns) {
    if (IsSyncReason(reason)) n += ns;
  }
  return n;
}

int64_t GoroutineSummary::NetworkBlockNs() const {
  auto it = block_ns.find("network");
  return it == block_ns.end() ? 0 : it->second;
}

int64_t GoroutineSummary::OtherBlockNs() const {
  int64_t n = 0;
  for (const auto& [reason, ns] : block_ns) {
    if (!IsSyncReason(reason) && reason != "network") n += ns;
  }
  return n;
}

void GoroutineAnalyzer::OnGeneration(const Generation& g) {
  resolver_ = g.resolver;
  syscall_stack_cache_.clear();
  name_cache_.clear();
  // Old-format readings (number 0) have no Sync time: the first event's time stands in.
  if (g.number != 0) sync_ns_ = g.sync_ns;
}

std::string GoroutineAnalyzer::NameFromStack(uint64_t stack) {
  if (stack == 0 || resolver_ == nullptr) return {};
  auto [it, added] = name_cache_.try_emplace(stack);
  if (added && resolver_->Frames(stack, &frames_) && !frames_.empty()) {
    it->second = std::string(frames_.back().func);  // the outermost frame: the start function
  }
  return it->second;
}

size_t GoroutineAnalyzer::SyscallFunction(uint64_t stack) {
  auto [it, added] = syscall_stack_cache_.try_emplace(stack, SIZE_MAX);
  if (!added) return it->second;
  std::string fn = "(unknown)";
  if (stack != 0 && resolver_ != nullptr && resolver_->Frames(stack, &frames_)) {
    for (const Frame& f : frames_) {
      if (!f.func.empty() && !IsSyscallPlumbing(f.func)) {
        fn = std::string(f.func);
        break;
      }
    }
  }
  auto [idx, fresh] = syscall_index_.try_emplace(fn, syscalls_.size());
  if (fresh) syscalls_.push_back(SyscallHold{fn, 0, 0});
  it->second = idx->second;
  return it->second;
}

GoroutineSummary& GoroutineAnalyzer::Create(uint64_t id, int64_t creation) {
  GoroutineSummary& g = gs_[id];
  g = GoroutineSummary{};
  g.id = id;
  g.creation_ns = creation;
  pending_[id] = Pending{};
  return g;
}

void GoroutineAnalyzer::EndHold(uint64_t g, int64_t at) {
  Pending& p = pending_[g];
  if (p.syscall_fn == SIZE_MAX || p.syscall == kUnsetNs) return;
  syscalls_[p.syscall_fn].held_ns += at - p.syscall;
  p.syscall_fn = SIZE_MAX;
}

void GoroutineAnalyzer::Finalize(GoroutineSummary& g, Pending& p, int64_t last, bool ended) {
  if (p.finalized) return;
  if (ended) g.end_ns = last;
  // As upstream's snapshotStat: pending states run to `last`. (A syscall that lost its P counts
  // both as syscall time from its start and as scheduler wait from the loss, as upstream does.)
  if (g.total_ns == 0) g.total_ns = last - g.creation_ns;
  if (p.start != kUnsetNs) g.exec_ns += last - p.start;
  if (p.runnable != kUnsetNs) g.sched_wait_ns += last - p.runnable;
  if (p.block != kUnsetNs) g.block_ns[p.block_reason] += last - p.block;
  if (p.syscall != kUnsetNs) {
    g.syscall_ns += last - p.syscall;
    if (p.syscall_block == kUnsetNs) EndHold(g.id, last);
  }
  if (p.syscall_block != kUnsetNs) g.sched_wait_ns += last - p.syscall_block;
  for (const auto& [name, since] : p.ranges) g.range_ns[name] += last - since;
  const std::string_view last_event = p.last_event, detail = p.last_detail;
  const int64_t last_event_ns = p.last_ns;
  p = Pending{};
  p.finalized = true;
  p.last_event = last_event;
  p.last_detail = detail;
  p.last_ns = last_event_ns;
}

void GoroutineAnalyzer::OnTransition(const Event& e) {
  const Transition& st = e.transition;
  const int64_t t = e.time_ns;
  if (st.is_proc()) {
    // A P that goes idle under a goroutine in a syscall: from here the syscall blocks.
    if (st.proc_from != st.proc_to && st.proc_to == ProcState::kIdle) {
      if (auto it = syscalling_p_.find(st.id); it != syscalling_p_.end()) {
        pending_[it->second].syscall_block = t;
        EndHold(it->second, t);
        syscalling_p_.erase(it);
      }
    }
    return;
  }
  if (!st.is_go() || st.go_from == st.go_to) return;
  const uint64_t id = st.id;
  GoroutineSummary* g = nullptr;
  if (st.go_from == GoState::kUndetermined) {
    // Seen first at a generation start: it has been in this state since the sync.
    g = &Create(id, sync_ns_);
    const int64_t since = t - sync_ns_;
    switch (st.go_to) {
      case GoState::kRunning: g->exec_ns += since; break;
      case GoState::kWaiting: g->block_ns[std::string(st.reason)] += since; break;
      case GoState::kRunnable: g->sched_wait_ns += since; break;
      case GoState::kSyscall:
        (e.p == kNone ? g->syscall_block_ns : g->syscall_ns) += since;
        break;
      default: break;
    }
  } else if (st.go_from == GoState::kNotExist || !gs_.contains(id)) {
    g = &Create(id, t);
  } else {
    g = &gs_[id];
  }
  Pending& p = pending_[id];
  switch (st.go_from) {
    case GoState::kRunning:
      if (p.start != kUnsetNs) g->exec_ns += t - p.start;
      p.start = kUnsetNs;
      break;
    case GoState::kWaiting:
      if (p.block != kUnsetNs) g->block_ns[p.block_reason] += t - p.block;
      p.block = kUnsetNs;
      break;
    case GoState::kRunnable:
      if (p.runnable != kUnsetNs) g->sched_wait_ns += t - p.runnable;
      p.runnable = kUnsetNs;
      break;
    case GoState::kSyscall:
      if (p.syscall != kUnsetNs) {
        if (p.syscall_block != kUnsetNs) {
          g->syscall_block_ns += t - p.syscall_block;
          g->syscall_ns += p.syscall_block - p.syscall;
        } else {
          g->syscall_ns += t - p.syscall;
          EndHold(id, t);
        }
        p.syscall = p.syscall_block = kUnsetNs;
        if (auto it = syscalling_g_.find(id); it != syscalling_g_.end()) {
          syscalling_p_.erase(it->second);
          syscalling_g_.erase(it);
        }
      }
      break;
    default: break;
  }
  if (g->name.empty()) g->name = NameFromStack(st.stack);
  switch (st.go_to) {
    case GoState::kRunning:
      p.start = t;
      if (g->start_ns == kUnsetNs) g->start_ns = t;
      break;
    case GoState::kRunnable: p.runnable = t; break;
    case GoState::kWaiting:
      if (st.reason != "forever") {
        p.block = t;
        p.block_reason = std::string(st.reason);
        break;
      }
      Finalize(*g, p, t, true);
      break;
    case GoState::kNotExist: Finalize(*g, p, t, true); break;
    case GoState::kSyscall:
      syscalling_p_[e.p] = id;
      syscalling_g_[id] = e.p;
      p.syscall = t;
      if (e.p != kNone) p.syscall_fn = SyscallFunction(st.stack);
      if (p.syscall_fn != SIZE_MAX) ++syscalls_[p.syscall_fn].count;
      break;
    default: break;
  }
}

void GoroutineAnalyzer::OnRange(const Event& e) {
  // Upstream's ranges: STW and mark assist belong to a goroutine, sweeping to a P.
  std::string name;
  bool begin = false, active = false, proc = false;
  uint64_t scope = e.g;
  switch (e.kind) {
    case Kind::kStwBegin: case Kind::kStwEnd:
      name = "stop-the-world (" + std::string(e.str.empty() ? "GC" : e.str) + ")";
      begin = e.kind == Kind::kStwBegin;
      break;
    case Kind::kGcMarkAssistBegin: case Kind::kGcMarkAssistEnd:
      name = "GC mark assist";
      begin = e.kind == Kind::kGcMarkAssistBegin;
      break;
    case Kind::kGcSweepBegin: case Kind::kGcSweepEnd:
      name = "GC incremental sweep";
      begin = e.kind == Kind::kGcSweepBegin;
      proc = true;
      scope = e.p;
      break;
    default:
      if (e.name == "GCMarkAssistActive") {
        name = "GC mark assist";
        active = true;
        scope = e.args[0];
      } else if (e.name == "GCSweepActive") {
        name = "GC incremental sweep";
        active = proc = true;
        scope = e.args[0];
      } else {
        return;
      }
  }
  if (begin || active) {
    uint64_t gid = proc ? e.g : scope;
    auto it = gs_.find(gid);
    if (it == gs_.end() || pending_[gid].finalized) return;
    if (proc) ranges_p_[{scope, name}] = gid;
    Pending& p = pending_[gid];
    if (active) {
      auto r = p.ranges.find(name);
      if (r != p.ranges.end()) it->second.range_ns[name] += sync_ns_ - r->second;
      p.ranges[name] = sync_ns_;
    } else {
      p.ranges[name] = e.time_ns;
    }
    return;
  }
  uint64_t gid = scope;
  if (proc) {
    auto rp = ranges_p_.find({scope, name});
    if (rp == ranges_p_.end()) return;
    gid = rp->second == e.g ? rp->second : kNone;
    ranges_p_.erase(rp);
  }
  auto it = gs_.find(gid);
  if (it == gs_.end()) return;
  Pending& p = pending_[gid];
  auto r = p.ranges.find(name);
  if (r == p.ranges.end()) return;
  it->second.range_ns[name] += e.time_ns - r->second;
  p.ranges.erase(r);
}

void GoroutineAnalyzer::OnEvent(const Event& e) {
  if (sync_ns_ == kUnsetNs) sync_ns_ = e.time_ns;
  last_ns_ = e.time_ns;
  if (e.transition.resource != Transition::Resource::kNone) OnTransition(e);
  OnRange(e);
  if (e.g != kNone && e.g != 0 && e.kind != Kind::kCpuSample) {
    if (auto it = pending_.find(e.g); it != pending_.end()) {
      it->second.last_event = e.name;
      it->second.last_detail = e.transition.reason;
      it->second.last_ns = e.time_ns;
    }
  }
}

void GoroutineAnalyzer::OnEnd(int64_t sync_ns) {
  last_ns_ = sync_ns;
  ended_ = true;
}

GoroutineAnalysis GoroutineAnalyzer::Finish() {
  GoroutineAnalysis a;
  a.end_ns = last_ns_;
  // Goroutines still running: what they did last.
  for (auto& [id, p] : pending_) {
    if (p.finalized || p.start == kUnsetNs) continue;
    std::string last(p.last_event);
    if (!p.last_detail.empty()) last += " (" + std::string(p.last_detail) + ")";
    a.running_at_end.push_back({id, gs_[id].name, last, p.last_ns});
  }
  std::sort(a.running_at_end.begin(), a.running_at_end.end(),
            [](const auto& x, const auto& y) { return x.last_ns > y.last_ns; });
  for (auto& [id, g] : gs_) Finalize(g, pending_[id], last_ns_, false);
  std::map<std::string, GoroutineGroup> groups;
  for (const auto& entry : gs_) {
    const GoroutineSummary& g = entry.second;  // (a plain reference: lambdas below capture it)
    GoroutineGroup& gr = groups[g.name];
    gr.name = g.name;
    ++gr.count;
    gr.exec_ns += g.exec_ns;
    gr.sched_wait_ns += g.sched_wait_ns;
    gr.sync_block_ns += g.SyncBlockNs();
    gr.network_block_ns += g.NetworkBlockNs();
    gr.other_block_ns += g.OtherBlockNs();
    gr.syscall_ns += g.syscall_ns;
    gr.syscall_block_ns += g.syscall_block_ns;
    auto range = [&](const char* n) {
      auto it = g.range_ns.find(n);
      return it == g.range_ns.end() ? 0 : it->second;
    };
    gr.gc_assist_ns += range("GC mark assist");
    gr.sweep_ns += range("GC incremental sweep");
    gr.total_ns += g.total_ns;
    gr.worst.push_back(g);
    std::sort(gr.worst.begin(), gr.worst.end(), [](const auto& x, const auto& y) {
      return x.WaitNs() != y.WaitNs() ? x.WaitNs() > y.WaitNs() : x.id < y.id;
    });
    if (gr.worst.size() > kWorstPerGroup) gr.worst.pop_back();
  }
  a.goroutines = gs_.size();
  for (auto& [name, g] : groups) a.groups.push_back(std::move(g));
  std::stable_sort(a.groups.begin(), a.groups.end(),
                   [](const auto& x, const auto& y) { return x.exec_ns > y.exec_ns; });
  a.syscalls = syscalls_;
  std::stable_sort(a.syscalls.begin(), a.syscalls.end(),
                   [](const auto& x, const auto& y) { return x.held_ns > y.held_ns; });
  return a;
}

}  // namespace godx::trace
