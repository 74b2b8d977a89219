#include "gclog/model.h"

#include <algorithm>
#include <cstring>

#include "core/parallel.h"

namespace godx::gclog {

namespace {

// Calls fn on every column of `a` together with the same column of `b`.
template <typename Fn>
void ForEachColumn(GcSeries& a, const GcSeries& b, Fn&& fn) {
  fn(a.t_s, b.t_s);
  fn(a.pause_ms, b.pause_ms);
  fn(a.mark_ms, b.mark_ms);
  fn(a.cpu_assist_ms, b.cpu_assist_ms);
  fn(a.cpu_ms, b.cpu_ms);
  fn(a.live_mb, b.live_mb);
  fn(a.goal_mb, b.goal_mb);
  fn(a.roots_mb, b.roots_mb);
  fn(a.procs, b.procs);
}

}  // namespace

void GcSeries::Resize(size_t n) {
  ForEachColumn(*this, *this, [n](auto& col, const auto&) { col.resize(n); });
}

void GcSeries::Reserve(size_t n) {
  ForEachColumn(*this, *this, [n](auto& col, const auto&) { col.reserve(n); });
}

void GcSeries::AppendRange(const GcSeries& from, size_t first, size_t count) {
  ForEachColumn(*this, from, [&](auto& col, const auto& add) {
    col.insert(col.end(), add.begin() + static_cast<long>(first),
               add.begin() + static_cast<long>(first + count));
  });
}

void GcSeries::Move(size_t from, size_t to, size_t count, size_t threads) {
  constexpr size_t kColumns = 9;
  threads = std::clamp<size_t>(threads, 1, kColumns);
  RunParallel(threads, [&](size_t worker) {
    size_t k = 0;
    ForEachColumn(*this, *this, [&](auto& col, const auto&) {
      if (k++ % threads == worker) {
        std::memmove(col.data() + to, col.data() + from, count * sizeof(col[0]));
      }
    });
  });
}

void GcTotals::Merge(const GcTotals& o) {
  cpu_ms += o.cpu_ms;
  cpu_assist_ms += o.cpu_assist_ms;
  cpu_background_ms += o.cpu_background_ms;
  cpu_idle_ms += o.cpu_idle_ms;
  cpu_stw_ms += o.cpu_stw_ms;
  forced += o.forced;
  leak_checks += o.leak_checks;
  with_goal += o.with_goal;
  over_goal += o.over_goal;
  format = std::max(format, o.format);
  alloc_mb += o.alloc_mb;
  alloc_s += o.alloc_s;
  alloc_intervals += o.alloc_intervals;
}

void ScavengerStats::Merge(const ScavengerStats& o) {
  scvg_lines += o.scvg_lines;
  scav_lines += o.scav_lines;
  released_mb += o.released_mb;
  scav_work_kib += o.scav_work_kib;
  scav_eager_kib += o.scav_eager_kib;
  if (o.last_sys_mb >= 0) last_sys_mb = o.last_sys_mb;
  if (o.last_inuse_mb >= 0) last_inuse_mb = o.last_inuse_mb;
  if (o.released_now_kib >= 0) released_now_kib = o.released_now_kib;
  released_peak_kib = std::max(released_peak_kib, o.released_peak_kib);
  if (o.last_util_pct >= 0) last_util_pct = o.last_util_pct;
  scav_forced += o.scav_forced;
  scav_total_lines += o.scav_total_lines;
  scav_gen_lines += o.scav_gen_lines;
  scav_now_lines += o.scav_now_lines;
  scav_other_lines += o.scav_other_lines;
}

}  // namespace godx::gclog
