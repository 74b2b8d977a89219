#include "trace/utilisation.h"

#include <algorithm>
#include <cstddef>

namespace godx::trace {

namespace {

constexpr uint64_t kMaxP = 1 << 12;
constexpr size_t kMaxFine = 1 << 15;  // fine buckets per P before they are made twice as wide

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void UtilisationAnalyzer::OnEvent(const Event& e) {
  if (e.kind == Kind::kProcsChange) gomaxprocs_ = std::max(gomaxprocs_, e.args[0]);
  const uint64_t ctx = new_format_ ? e.m : e.p;
  if (ctx == kNone) return;
  auto close = [&] {
    auto it = open_.find(ctx);
    if (it == open_.end()) return;
    AddRun(it->second.p, it->second.start, e.time_ns);
    open_.erase(it);
  };
  switch (e.kind) {
    case Kind::kGoStart:
      close();
      if (e.p != kNone && e.p < kMaxP) open_[ctx] = Run{e.args[0], e.p, e.time_ns};
      break;
    case Kind::kGoSyscallEnd:
      // New format: the goroutine runs on after a syscall that kept its P, with no GoStart.
      if (new_format_ && e.p != kNone && e.p < kMaxP) open_[ctx] = Run{e.g, e.p, e.time_ns};
      break;
    case Kind::kGoSyscallBegin:
      if (new_format_) close();  // old: the P stays with the goroutine until GoSysBlock
      break;
    case Kind::kGoStop: case Kind::kGoBlock: case Kind::kGoEnd: case Kind::kGoSyscallEndBlocked:
    case Kind::kProcStop:
      close();
      break;
    case Kind::kOther:
      if (e.name == "GoSysBlock") close();
      break;
    default: break;
  }
}

void UtilisationAnalyzer::Coarsen() {
  // Twice as wide: absolute index i becomes floor(i / 2).
  const int64_t new_base = FloorDiv(base_, 2);
  for (auto& v : fine_) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < v.size(); ++i) {
      const auto j = static_cast<size_t>(FloorDiv(base_ + static_cast<int64_t>(i), 2) - new_base);
      if (out.size() <= j) out.resize(j + 1);
      out[j] += v[i];
    }
    v = std::move(out);
  }
  base_ = new_base;
  res_ *= 2;
}

void UtilisationAnalyzer::AddRun(uint64_t p, int64_t start, int64_t end) {
  if (end <= start) return;
  if (!any_) {
    any_ = true;
    first_ = start;
    last_ = end;
    base_ = FloorDiv(start, res_);
  }
  first_ = std::min(first_, start);
  last_ = std::max(last_, end);
  if (fine_.size() <= p) fine_.resize(p + 1);
  for (;;) {
    const int64_t lo = std::min(FloorDiv(start, res_), base_);
    int64_t hi = FloorDiv(end, res_);
    for (const auto& v : fine_) hi = std::max(hi, base_ + static_cast<int64_t>(v.size()) - 1);
    if (hi - lo + 1 <= static_cast<int64_t>(kMaxFine)) break;
    Coarsen();
  }
  const int64_t lo = FloorDiv(start, res_);
  if (lo < base_) {  // a run earlier than any seen (another M's batch): grow to the left
    const auto shift = static_cast<size_t>(base_ - lo);
    for (auto& v : fine_) v.insert(v.begin(), shift, 0);
    base_ = lo;
  }
  auto& v = fine_[p];
  for (int64_t t = start; t < end;) {
    const int64_t idx = FloorDiv(t, res_);
    int64_t next = std::min(end, (idx + 1) * res_);
    if (next <= t) next = end;  // times at the edge of int64 (corrupt input): one step
    const auto i = static_cast<size_t>(idx - base_);
    if (v.size() <= i) v.resize(i + 1);
    v[i] += next - t;
    t = next;
  }
}

UtilisationResult UtilisationAnalyzer::Finish(size_t buckets) {
  UtilisationResult r;
  r.gomaxprocs = std::max<uint64_t>(gomaxprocs_, fine_.size());
  if (!any_ || buckets == 0) return r;
  r.start_ns = first_;
  r.span_ns = last_ - first_;
  r.bucket_ns = std::max<int64_t>(1, (r.span_ns + static_cast<int64_t>(buckets) - 1) /
                                         static_cast<int64_t>(buckets));
  r.busy.assign(fine_.size(), std::vector<int64_t>(buckets, 0));
  r.total_busy_ns.assign(fine_.size(), 0);
  for (size_t p = 0; p < fine_.size(); ++p) {
    for (size_t i = 0; i < fine_[p].size(); ++i) {
      if (fine_[p][i] == 0) continue;
      // A fine bucket goes whole into the display bucket holding its middle.
      const int64_t mid = (base_ + static_cast<int64_t>(i)) * res_ + res_ / 2;
      auto j = static_cast<size_t>(std::clamp<int64_t>((mid - first_) / r.bucket_ns, 0,
                                                       static_cast<int64_t>(buckets) - 1));
      r.busy[p][j] += fine_[p][i];
      r.total_busy_ns[p] += fine_[p][i];
    }
  }
  return r;
}

}  // namespace godx::trace
