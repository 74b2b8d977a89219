#include "trace/export_timeline.h"

#include <algorithm>

#include <fmt/format.h>

namespace godx::trace {

void TimelineBuilder::CloseRun(uint64_t ctx, int64_t t) {
  auto it = runs_.find(ctx);
  if (it == runs_.end()) return;
  const Open o = it->second;
  runs_.erase(it);
  if (t < o.start) return;
  name_ = fmt::format("G{}", o.g);
  out_.Slice(TrackKind::kProc, o.p, name_, o.start, t);
  out_.Slice(TrackKind::kGoroutine, o.g, "running", o.start, t);
}

void TimelineBuilder::CloseSyscall(uint64_t key, int64_t t) {
  auto it = syscalls_.find(key);
  if (it == syscalls_.end()) return;
  const Open o = it->second;
  syscalls_.erase(it);
  if (t >= o.start) out_.Slice(TrackKind::kGoroutine, o.g, "syscall", o.start, t);
}

void TimelineBuilder::OnEvent(const Event& e) {
  if (e.time_ns == 0 && e.kind != Kind::kCpuSample) return;  // no clock (a cut old trace)
  last_ns_ = std::max(last_ns_, e.time_ns);
  const uint64_t ctx = new_format_ ? e.m : e.p;
  switch (e.kind) {
    case Kind::kGoStart:
      if (ctx == kNone) break;
      CloseRun(ctx, e.time_ns);
      if (e.p != kNone) runs_[ctx] = Open{e.args[0], e.p, e.time_ns};
      break;
    case Kind::kGoSyscallBegin:
      if (new_format_) {
        if (ctx != kNone) CloseRun(ctx, e.time_ns);
        if (ctx != kNone && e.g != kNone) syscalls_[ctx] = Open{e.g, e.p, e.time_ns};
      }
      break;
    case Kind::kGoSyscallEnd:
      if (new_format_) {
        CloseSyscall(ctx, e.time_ns);
        if (ctx != kNone && e.p != kNone && e.g != kNone) runs_[ctx] = Open{e.g, e.p, e.time_ns};
      } else {
        CloseSyscall(e.args[0], e.time_ns);  // GoSysExit names the goroutine
      }
      break;
    case Kind::kGoSyscallEndBlocked:
      CloseSyscall(ctx, e.time_ns);
      break;
    case Kind::kGoStop: case Kind::kGoBlock: case Kind::kGoEnd: case Kind::kProcStop:
      if (ctx != kNone) CloseRun(ctx, e.time_ns);
      break;
    case Kind::kOther:
      if (e.name == "GoSysBlock" && ctx != kNone) {  // old format: the syscall blocked its P
        CloseRun(ctx, e.time_ns);
        if (e.g != kNone) syscalls_[e.g] = Open{e.g, e.p, e.time_ns};
      }
      break;
    case Kind::kStwBegin: {
      const uint64_t key = e.name == "GCSTWStart" ? e.p : e.m;
      stw_[key] = e.time_ns;
      stw_kind_[key] = e.str.empty() ? "stop-the-world" : fmt::format("STW ({})", e.str);
      break;
    }
    case Kind::kStwEnd: {
      const uint64_t key = e.name == "GCSTWDone" ? e.p : e.m;
      auto it = stw_.find(key);
      if (it == stw_.end()) break;
      if (e.time_ns >= it->second) out_.Slice(TrackKind::kStw, 0, stw_kind_[key], it->second,
                                              e.time_ns);
      stw_.erase(it);
      break;
    }
    case Kind::kGcBegin: out_.Begin(TrackKind::kGc, 0, "GC", e.time_ns); break;
    case Kind::kGcEnd: out_.End(TrackKind::kGc, 0, "GC", e.time_ns); break;
    case Kind::kHeapAlloc: out_.Counter("Heap in use", e.time_ns, static_cast<int64_t>(e.args[0]));
      break;
    case Kind::kHeapGoal: out_.Counter("Heap goal", e.time_ns, static_cast<int64_t>(e.args[0]));
      break;
    case Kind::kUserRegionBegin:
      if (e.g != kNone) out_.Begin(TrackKind::kRegions, e.g, e.str, e.time_ns);
      break;
    case Kind::kUserRegionEnd:
      if (e.g != kNone) out_.End(TrackKind::kRegions, e.g, e.str, e.time_ns);
      break;
    case Kind::kUserTaskBegin: out_.Begin(TrackKind::kTasks, e.args[0], e.str, e.time_ns); break;
    case Kind::kUserTaskEnd: out_.End(TrackKind::kTasks, e.args[0], "", e.time_ns); break;
    default: break;
  }
}

void TimelineBuilder::Finish() {
  while (!runs_.empty()) CloseRun(runs_.begin()->first, last_ns_);
  while (!syscalls_.empty()) CloseSyscall(syscalls_.begin()->first, last_ns_);
}

}  // namespace godx::trace
