#include "trace/mmu.h"

#include <algorithm>
#include <limits>

namespace godx::trace {

void AddUtil(std::vector<UtilPoint>& util, UtilPoint p) {
  if (!util.empty()) {
    UtilPoint& last = util.back();
    if (p.util == last.util) return;
    if (p.time_ns == last.time_ns) {
      if (p.util < last.util) last = p;
      return;
    }
  }
  util.push_back(p);
}

namespace {

// The integral of the utilisation function from its start to `t`, for non-decreasing `t`.
class Integrator {
 public:
  Integrator(const std::vector<UtilPoint>& u, const std::vector<double>& sums)
      : u_(u), sums_(sums) {}
  double At(int64_t t) {
    while (pos_ + 1 < u_.size() && u_[pos_ + 1].time_ns <= t) ++pos_;
    return sums_[pos_] + u_[pos_].util * static_cast<double>(t - u_[pos_].time_ns);
  }

 private:
  const std::vector<UtilPoint>& u_;
  const std::vector<double>& sums_;
  size_t pos_ = 0;
};

}  // namespace

MmuPoint Mmu(const std::vector<UtilPoint>& util, int64_t window_ns) {
  MmuPoint out;
  out.window_ns = window_ns;
  if (util.size() < 2 || window_ns <= 0) {
    out.mmu = util.size() < 2 ? 1 : 0;
    return out;
  }
  const int64_t t0 = util.front().time_ns, t1 = util.back().time_ns;
  const int64_t w = std::min(window_ns, t1 - t0);
  if (w <= 0) return out;
  // sums[i]: the integral from t0 to util[i].time_ns.
  std::vector<double> sums(util.size());
  for (size_t i = 1; i < util.size(); ++i) {
    sums[i] = sums[i - 1] +
              util[i - 1].util * static_cast<double>(util[i].time_ns - util[i - 1].time_ns);
  }
  double best = std::numeric_limits<double>::infinity();
  int64_t best_at = t0;
  auto consider = [&](int64_t s, Integrator& left, Integrator& right) {
    const double mu = (right.At(s + w) - left.At(s)) / static_cast<double>(w);
    if (mu < best) {
      best = mu;
      best_at = s;
    }
  };
  // Starts at a change (left edge meets it) and starts where the right edge meets a change; both
  // candidate sequences are non-decreasing, each with its own pair of integrators.
  Integrator l1(util, sums), r1(util, sums), l2(util, sums), r2(util, sums);
  for (const UtilPoint& p : util) {
    if (p.time_ns > t1 - w) break;
    consider(p.time_ns, l1, r1);
  }
  for (const UtilPoint& p : util) {
    const int64_t s = p.time_ns - w;
    if (s < t0) continue;
    consider(s, l2, r2);
  }
  out.mmu = std::clamp(best, 0.0, 1.0);
  out.worst_start_ns = best_at;
  return out;
}

std::vector<int64_t> MmuWindows(int64_t duration_ns) {
  std::vector<int64_t> out;
  constexpr int64_t kMs = 1000000;
  for (int64_t decade = kMs; decade <= duration_ns; decade *= 10) {
    for (int64_t m : {1, 2, 5}) {
      if (decade * m < duration_ns) out.push_back(decade * m);
    }
  }
  if (duration_ns > 0) out.push_back(duration_ns);
  return out;
}

}  // namespace godx::trace
