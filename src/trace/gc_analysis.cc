#include "trace/gc_analysis.h"

#include <algorithm>
#include <cstddef>

namespace godx::trace {

namespace {

constexpr uint64_t kMaxP = 1 << 16;  // a P ID past this is corrupt, not a P to count

bool IsBackgroundMarkLabel(std::string_view label) {
  // Upstream counts dedicated and fractional workers; idle-time marking uses no mutator time.
  return label.starts_with("GC ") && label != "GC (idle)";
}

}  // namespace

std::string GcAnalyzer::OldStwKind(uint64_t code) const {
  // Before Go 1.21 the old format traced only the GC's two pauses; Go 1.21 writes the runtime's
  // stwReason, whose strings the new format carries by name.
  if (header_minor_ < 21) return code == 0 ? "GC mark termination" : "GC sweep termination";
  static constexpr std::string_view kReasons[] = {
      "unknown", "GC mark termination", "GC sweep termination", "write heap dump",
      "goroutine profile", "goroutine profile cleanup", "all goroutines stack trace",
      "read mem stats", "AllThreadsSyscall", "GOMAXPROCS", "start trace", "stop trace"};
  return code < std::size(kReasons) ? std::string(kReasons[code]) : "unknown";
}

void GcAnalyzer::Push(const Event& e, Op op, uint64_t arg, bool flag) {
  const uint32_t p = e.p < kMaxP ? static_cast<uint32_t>(e.p) : UINT32_MAX;
  PushRec(Rec{e.time_ns, arg, p, op, flag});
}

void GcAnalyzer::PushRec(Rec rec) {
  // Events that come in time order (the reader's ordering hands them so) are replayed at once;
  // from the first that does not, the rest of the generation is kept and sorted.
  if (buf_.empty() && rec.time_ns >= replayed_until_) {
    Apply(rec);
    return;
  }
  buf_.push_back(rec);
}

void GcAnalyzer::OnGeneration(const Generation&) {
  Replay(buf_.size());
  if (generations_++ > 0) first_generation_ = false;
}

void GcAnalyzer::OnEvent(const Event& e) {
  last_time_ = std::max(last_time_, e.time_ns);  // upstream ends the function at the last event
  switch (e.kind) {
    case Kind::kProcsChange: Push(e, kProcs, e.args[0]); break;
    case Kind::kStwBegin: {
      StwPause pause;
      pause.start_ns = e.time_ns;
      pause.kind = !e.str.empty() ? std::string(e.str)
                   : e.nargs > 0  ? OldStwKind(e.args[0])
                                  : "GC";
      pause.gc = pause.kind.find("GC") != std::string::npos;
      Push(e, kStwBegin, 0, pause.gc);
      open_stw_[e.name == "GCSTWStart" ? e.p : e.m] = r_.pauses.size();
      r_.pauses.push_back(std::move(pause));
      break;
    }
    case Kind::kStwEnd: {
      auto it = open_stw_.find(e.name == "GCSTWDone" ? e.p : e.m);
      if (it == open_stw_.end()) break;
      StwPause& pause = r_.pauses[it->second];
      pause.duration_ns = std::max<int64_t>(0, e.time_ns - pause.start_ns);
      Push(e, kStwEnd, 0, pause.gc);
      open_stw_.erase(it);
      break;
    }
    case Kind::kGcBegin: Push(e, kGcBegin, 0); break;
    case Kind::kGcEnd: Push(e, kGcEnd, 0); break;
    case Kind::kGcActive: Push(e, kGcActive, 0); break;
    case Kind::kGcSweepBegin: Push(e, kSweepBegin, 0); break;
    case Kind::kGcSweepEnd: Push(e, kSweepEnd, 0); break;
    case Kind::kGcMarkAssistBegin: Push(e, kAssistBegin, e.g); break;
    case Kind::kGcMarkAssistEnd: Push(e, kAssistEnd, e.g); break;
    case Kind::kGoStart:
      Push(e, kGoStart, e.args[0], IsBackgroundMarkLabel(e.str));  // old: GoStartLabel
      break;
    case Kind::kGoLabel:
      if (IsBackgroundMarkLabel(e.str)) Push(e, kBgLabel, e.g);
      break;
    case Kind::kGoStop: case Kind::kGoBlock: case Kind::kGoEnd: case Kind::kGoSyscallEndBlocked:
      Push(e, kGoLeave, e.g);
      break;
    case Kind::kHeapAlloc: r_.heap_live.push_back({e.time_ns, e.args[0]}); break;
    case Kind::kHeapGoal: r_.heap_goal.push_back({e.time_ns, e.args[0]}); break;
    case Kind::kOther:
      if (e.name == "GoSysBlock") {
        Push(e, kGoLeave, e.g);
      } else if (e.name == "GCSweepActive") {
        // The P being swept is the argument, not the P the event ran on (and Push may apply the
        // record at once, so it is set before, never patched in the buffer after).
        PushRec(Rec{e.time_ns, 0,
                    e.args[0] < kMaxP ? static_cast<uint32_t>(e.args[0]) : UINT32_MAX,
                    kSweepActive, false});
      } else if (e.name == "GCMarkAssistActive") {
        Push(e, kAssistActive, e.args[0]);
      }
      break;
    default: break;
  }
  // The old format has no generations: replay in slices, keeping the newest half unreplayed so
  // that a P's batch written late still sorts in.
  if (generations_ == 0 && buf_.size() >= 2 * kOldFormatSlice) Replay(kOldFormatSlice);
}

void GcAnalyzer::AdjustGc(uint32_t p, int delta, bool both) {
  if (p >= gc_all_.size()) return;
  auto adjust = [&](std::vector<int>& gc, int& busy) {
    const bool was = gc[p] > 0;
    gc[p] = std::max(0, gc[p] + delta);
    busy += (gc[p] > 0) - was;
  };
  adjust(gc_all_, busy_all_);
  if (both) adjust(gc_bg_, busy_bg_);
}

void GcAnalyzer::LeaveP(uint64_t g, int64_t t) {
  running_.erase(g);
  auto it = counted_.find(g);
  if (it == counted_.end()) return;
  AdjustGc(it->second.p, -1, !it->second.assist_only);
  if (it->second.assist_only) r_.assist_ns += t - it->second.since;
  counted_.erase(it);
}

void GcAnalyzer::SetUtil(int64_t t) {
  const auto n = static_cast<double>(gc_all_.size());
  AddUtil(r_.util, {t, stw_ > 0 ? 0.0 : 1.0 - busy_all_ / n});
  AddUtil(r_.util_without_assist_sweep, {t, stw_ > 0 ? 0.0 : 1.0 - busy_bg_ / n});
}

void GcAnalyzer::Replay(size_t n) {
  n = std::min(n, buf_.size());
  auto by_time = [](const Rec& a, const Rec& b) { return a.time_ns < b.time_ns; };
  if (!std::is_sorted(buf_.begin(), buf_.end(), by_time)) {
    std::stable_sort(buf_.begin(), buf_.end(), by_time);
  }
  for (size_t i = 0; i < n; ++i) Apply(buf_[i]);
  buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
}

void GcAnalyzer::Apply(const Rec& r) {
  {
    const int64_t t = r.time_ns;
    replayed_until_ = std::max(replayed_until_, t);
    // Cycles are counted whatever GOMAXPROCS is known.
    switch (r.op) {
      case kGcBegin:
        open_cycle_ = static_cast<int64_t>(r_.cycles.size());
        r_.cycles.push_back({t, -1, false});
        break;
      case kGcActive:
        if (open_cycle_ < 0) {
          open_cycle_ = static_cast<int64_t>(r_.cycles.size());
          r_.cycles.push_back({t, -1, true});
        }
        break;
      case kGcEnd:
        if (open_cycle_ >= 0) r_.cycles[static_cast<size_t>(open_cycle_)].end_ns = t;
        open_cycle_ = -1;
        break;
      default: break;
    }
    if (r.op == kProcs) {
      const size_t procs = std::min<uint64_t>(r.arg, kMaxP);
      if (procs == 0) return;
      const bool first = gc_all_.empty();
      gc_all_.resize(procs);
      gc_bg_.resize(procs);
      busy_all_ = static_cast<int>(std::count_if(gc_all_.begin(), gc_all_.end(),
                                                 [](int v) { return v > 0; }));
      busy_bg_ = static_cast<int>(std::count_if(gc_bg_.begin(), gc_bg_.end(),
                                                [](int v) { return v > 0; }));
      r_.gomaxprocs = std::max<uint64_t>(r_.gomaxprocs, procs);
      if (first) {
        r_.util.push_back({t, 1});
        r_.util_without_assist_sweep.push_back({t, 1});
      }
    }
    // Upstream starts the function once GOMAXPROCS is known.
    if (gc_all_.empty()) return;
    any_ = true;
    switch (r.op) {
      case kStwBegin: if (r.flag) ++stw_; break;
      case kStwEnd: if (r.flag) stw_ = std::max(0, stw_ - 1); break;
      case kSweepActive:
        if (!first_generation_) break;
        [[fallthrough]];
      case kSweepBegin: AdjustGc(r.p, +1, false); break;
      case kSweepEnd: AdjustGc(r.p, -1, false); break;
      case kAssistActive:
        // A generation's first events restate assists already running; only the first
        // generation's tell something new.
        if (!first_generation_) break;
        in_assist_.insert(r.arg);
        if (auto run = running_.find(r.arg); run != running_.end() && !counted_.contains(r.arg)) {
          counted_[r.arg] = {run->second, true, t};
          AdjustGc(run->second, +1, false);
        }
        break;
      case kAssistBegin:
        in_assist_.insert(r.arg);
        if (!counted_.contains(r.arg)) {
          counted_[r.arg] = {r.p, true, t};
          AdjustGc(r.p, +1, false);
        }
        break;
      case kAssistEnd: {
        in_assist_.erase(r.arg);
        auto it = counted_.find(r.arg);
        if (it != counted_.end() && it->second.assist_only) {
          AdjustGc(it->second.p, -1, false);
          r_.assist_ns += t - it->second.since;
          counted_.erase(it);
        }
        break;
      }
      case kGoStart: {
        const uint64_t g = r.arg;
        LeaveP(g, t);  // a start without the previous stop (a lost event) must not leak
        running_[g] = r.p;
        if (r.flag) bg_mark_.insert(g);
        if (bg_mark_.contains(g)) {
          counted_[g] = {r.p, false, t};
          AdjustGc(r.p, +1, true);
        } else if (in_assist_.contains(g)) {
          counted_[g] = {r.p, true, t};
          AdjustGc(r.p, +1, false);
        }
        break;
      }
      case kBgLabel: {
        // The label follows the worker's GoStart: it is counted once per run (upstream's
        // counter would count a re-started worker twice and never release its P).
        const uint64_t g = r.arg;
        bg_mark_.insert(g);
        auto run = running_.find(g);
        auto it = counted_.find(g);
        if (it != counted_.end() && it->second.assist_only) {
          AdjustGc(it->second.p, -1, false);
          counted_.erase(it);
          it = counted_.end();
        }
        if (it == counted_.end() && run != running_.end()) {
          counted_[g] = {run->second, false, t};
          AdjustGc(run->second, +1, true);
        }
        break;
      }
      case kGoLeave: LeaveP(r.arg, t); break;
      default: break;
    }
    SetUtil(t);
  }
}

GcResult GcAnalyzer::Finish() {
  Replay(buf_.size());
  for (const auto& [g, c] : counted_) {
    if (c.assist_only) r_.assist_ns += last_time_ - c.since;
  }
  counted_.clear();
  if (any_) {
    // Upstream ends each function with a 0 at the last event.
    AddUtil(r_.util, {last_time_, 0});
    AddUtil(r_.util_without_assist_sweep, {last_time_, 0});
  } else {
    r_.util.clear();
    r_.util_without_assist_sweep.clear();
  }
  std::stable_sort(r_.pauses.begin(), r_.pauses.end(),
                   [](const StwPause& a, const StwPause& b) { return a.start_ns < b.start_ns; });
  auto by_time = [](const HeapSample& a, const HeapSample& b) { return a.time_ns < b.time_ns; };
  std::stable_sort(r_.heap_live.begin(), r_.heap_live.end(), by_time);
  std::stable_sort(r_.heap_goal.begin(), r_.heap_goal.end(), by_time);
  return std::move(r_);
}

}  // namespace godx::trace
