#include "trace/summary.h"

#include <algorithm>

namespace godx::trace {

namespace {

void AddStw(StwStats& s, int64_t ns) {
  ++s.completed;
  s.total_ns += ns;
  s.max_ns = std::max(s.max_ns, ns);
}

}  // namespace

void SummaryBuilder::OnEvent(const Event& e) {
  ++s_.events;
  ++s_.by_class[static_cast<size_t>(e.cls)];
  if (e.time_ns != 0) {
    if (!any_time_ || e.time_ns < s_.first_ns) s_.first_ns = e.time_ns;
    if (!any_time_ || e.time_ns > s_.last_ns) s_.last_ns = e.time_ns;
    any_time_ = true;
  }
  if (e.m != kNone && e.m != last_m_) ms_.insert(last_m_ = e.m);
  if (e.p != kNone && e.p != last_p_) ps_.insert(last_p_ = e.p);
  if (e.g != kNone && e.g != 0 && e.g != last_g_) gs_.insert(last_g_ = e.g);
  switch (e.kind) {
    case Kind::kGoCreate:
    case Kind::kGoStatus:
      if (e.args[0] != 0) gs_.insert(e.args[0]);
      break;
    case Kind::kProcStart:
    case Kind::kProcStatus:
      // Old-format ProcStart (one argument) names the thread, not a P.
      if (e.kind == Kind::kProcStart && e.nargs == 1) {
        ms_.insert(e.args[0]);
      } else {
        ps_.insert(e.args[0]);
      }
      if (e.kind == Kind::kProcStatus && e.args[1] == 4) s_.syscall_abandoned = true;
      break;
    case Kind::kProcSteal:
      ps_.insert(e.args[0]);
      break;
    case Kind::kGcBegin: ++s_.gc_cycles; break;
    case Kind::kGcActive: ++s_.gc_in_progress; break;
    case Kind::kStwBegin: {
      ++s_.stw.count;
      std::string kind = e.str.empty() ? std::string("GC") : std::string(e.str);
      ++s_.stw_by_kind[kind].count;
      open_stw_[e.name == "GCSTWStart" ? e.p : e.m] = OpenStw{e.time_ns, std::move(kind)};
      break;
    }
    case Kind::kStwEnd: {
      auto it = open_stw_.find(e.name == "GCSTWDone" ? e.p : e.m);
      if (it != open_stw_.end()) {
        const int64_t ns = std::max<int64_t>(0, e.time_ns - it->second.start_ns);
        AddStw(s_.stw, ns);
        AddStw(s_.stw_by_kind[it->second.kind], ns);
        open_stw_.erase(it);
      }
      break;
    }
    case Kind::kGoBlock:
      ++s_.block_reasons[e.str.empty() ? std::string(e.name) : std::string(e.str)];
      break;
    case Kind::kCpuSample: ++s_.cpu_samples; break;
    case Kind::kUserTaskBegin: ++s_.tasks; break;
    case Kind::kUserRegionBegin: ++s_.regions; break;
    case Kind::kUserLog: ++s_.logs; break;
    case Kind::kGoSyscallBegin: ++s_.syscalls; break;
    default: break;
  }
}

TraceSummary SummaryBuilder::Finish() const {
  TraceSummary s = s_;
  s.ms = ms_.size();
  s.ps = ps_.size();
  s.goroutines = gs_.size();
  return s;
}

}  // namespace godx::trace
