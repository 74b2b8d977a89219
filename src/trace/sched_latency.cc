#include "trace/sched_latency.h"

#include <algorithm>
#include <bit>

namespace godx::trace {

// 64 sub-buckets per power of two: a bucket's width is at most 1/64 of its values.
size_t SchedLatencyAnalyzer::Bucket(int64_t ns) {
  const auto v = static_cast<uint64_t>(std::max<int64_t>(ns, 0));
  if (v < 64) return v;
  const int exp = 63 - std::countl_zero(v);  // ≥ 6
  const uint64_t sub = (v >> (exp - 6)) & 63;
  return std::min<size_t>(static_cast<size_t>(exp - 5) * 64 + sub, 64 * 64 - 1);
}

int64_t SchedLatencyAnalyzer::BucketValue(size_t b) {
  if (b < 64) return static_cast<int64_t>(b);
  const size_t exp = b / 64 + 5, sub = b % 64;
  // The bucket's midpoint.
  const uint64_t lo = (uint64_t{64} + sub) << (exp - 6);
  return static_cast<int64_t>(lo + (uint64_t{1} << (exp - 6)) / 2);
}

void SchedLatencyAnalyzer::Advance(int64_t t) {
  const bool both = !runnable_.empty() && idle_ > 0;
  if (both && stretch_start_ >= 0) {
    stretch_idle_area_ += static_cast<double>(idle_) * static_cast<double>(t - last_);
    stretch_max_idle_ = std::max(stretch_max_idle_, idle_);
  }
  last_ = t;
}

void SchedLatencyAnalyzer::CountIdle() {
  idle_ = 0;
  for (const auto& [p, state] : procs_) {
    if (state == ProcState::kIdle && (gomaxprocs_ == 0 || p < gomaxprocs_)) ++idle_;
  }
  s_.ps = std::max<uint64_t>(s_.ps, gomaxprocs_ != 0 ? gomaxprocs_ : procs_.size());
}

void SchedLatencyAnalyzer::OnEvent(const Event& e) {
  const int64_t t = e.time_ns;
  if (!any_) {
    first_ = last_ = t;
    any_ = true;
  }
  Advance(t);
  const Transition& st = e.transition;
  if (st.is_go() && st.go_from != st.go_to) {
    if (st.go_from == GoState::kRunnable) {
      runnable_.erase(st.id);
      auto it = runnable_since_.find(st.id);
      if (it != runnable_since_.end()) {
        if (st.go_to == GoState::kRunning) {
          const int64_t wait = t - it->second;
          ++hist_[Bucket(wait)];
          ++s_.waits;
          s_.total_ns += wait;
          if (wait > s_.max_ns) {
            s_.max_ns = wait;
            s_.max_goroutine = st.id;
            s_.max_at_ns = t;
            s_.gomaxprocs_at_max = gomaxprocs_;
          }
        }
        runnable_since_.erase(it);
      }
    }
    if (st.go_to == GoState::kRunnable) {
      runnable_.insert(st.id);
      // A goroutine first seen runnable at a generation start: its wait began before the trace.
      if (st.go_from != GoState::kUndetermined) runnable_since_[st.id] = t;
    }
  } else if (st.is_proc() && st.proc_from != st.proc_to) {
    procs_[st.id] = st.proc_to;
    CountIdle();
  }
  if (e.kind == Kind::kProcsChange && e.args[0] > 0) {
    // Ps above GOMAXPROCS stay idle without being usable: only the first GOMAXPROCS count.
    gomaxprocs_ = e.args[0];
    CountIdle();
  }
  // Open or close a stretch of "runnable goroutines and idle Ps".
  const bool both = !runnable_.empty() && idle_ > 0;
  if (both && stretch_start_ < 0) {
    stretch_start_ = t;
    stretch_idle_area_ = 0;
    stretch_max_idle_ = idle_;
  } else if (!both && stretch_start_ >= 0) {
    if (t - stretch_start_ >= kIdleWhileRunnableMinNs) {
      ++s_.idle_stretches;
      s_.idle_while_runnable_ns += t - stretch_start_;
      idle_area_ += stretch_idle_area_;
      s_.max_idle_ps = std::max(s_.max_idle_ps, stretch_max_idle_);
    }
    stretch_start_ = -1;
  }
}

SchedLatency SchedLatencyAnalyzer::Finish() const {
  SchedLatency s = s_;
  s.span_ns = last_ - first_;
  if (s.idle_while_runnable_ns > 0) {
    s.mean_idle_ps = idle_area_ / static_cast<double>(s.idle_while_runnable_ns);
  }
  auto percentile = [&](double q) -> int64_t {
    if (s.waits == 0) return 0;
    const auto rank = static_cast<uint64_t>(q * static_cast<double>(s.waits - 1)) + 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < hist_.size(); ++b) {
      seen += hist_[b];
      if (seen >= rank) return std::min(BucketValue(b), s.max_ns);
    }
    return s.max_ns;
  };
  s.p50_ns = percentile(0.50);
  s.p90_ns = percentile(0.90);
  s.p99_ns = percentile(0.99);
  return s;
}

}  // namespace godx::trace
