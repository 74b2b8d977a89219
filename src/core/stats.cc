#include "core/stats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace godx {

namespace {

// The position (0-based) of the nearest-rank q-quantile among n samples.
size_t Rank(double q, size_t n) {
  size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  return std::clamp<size_t>(k, 1, n) - 1;
}

// Floats mapped to unsigned keys in the same order: positives get the top bit set, negatives have
// every bit flipped (larger magnitude, smaller key).
uint32_t Key(float f) {
  uint32_t b = std::bit_cast<uint32_t>(f);
  // Without a branch: the sign bit spread over the word flips the bits of negatives.
  return b ^ (static_cast<uint32_t>(static_cast<int32_t>(b) >> 31) | 0x80000000u);
}
float FromKey(uint32_t k) {
  return std::bit_cast<float>((k & 0x80000000u) ? k & 0x7fffffffu : ~k);
}

// The nearest-rank quantiles `qs` (ascending) of the samples, by radix selection: one pass counts
// the samples under each value of the keys' top 16 bits, which names the bucket holding each
// rank; a second pass counts the low 16 bits within just those buckets, which names the value.
// Two linear passes whatever the number of quantiles, where std::nth_element makes one
// partitioning pass (with its data-dependent branches) per rank and reorders a copy. Written by
// hand: no Debian library offers a non-reordering selection.
void SelectQuantiles(std::span<const float> v, std::span<const double> qs, double* out) {
  std::fill(out, out + qs.size(), NAN);
  if (v.empty()) return;
  constexpr size_t kSmall = 4096;  // below this, sorting a copy is cheaper than the histograms
  // (Counts are 32-bit and slots 8-bit: inputs beyond those take the same path.)
  if (v.size() <= kSmall || v.size() > UINT32_MAX || qs.size() >= 255) {
    std::vector<float> copy(v.begin(), v.end());
    auto begin = copy.begin();
    for (size_t i = 0; i < qs.size(); ++i) {
      auto it = copy.begin() + static_cast<long>(Rank(qs[i], copy.size()));
      std::nth_element(begin, it, copy.end());
      begin = it;
      out[i] = *it;
    }
    return;
  }
  constexpr size_t kBuckets = 1 << 16;
  std::vector<uint32_t> top(kBuckets);
  for (float f : v) ++top[Key(f) >> 16];
  // Each rank's top bucket and its rank inside that bucket; ranks sharing a bucket share a slot.
  std::vector<uint32_t> bucket_of(qs.size()), inner(qs.size()), slot_of(qs.size());
  std::vector<uint32_t> slot_bucket;
  size_t b = 0, below = 0;
  for (size_t i = 0; i < qs.size(); ++i) {
    size_t rank = Rank(qs[i], v.size());
    while (below + top[b] <= rank) below += top[b++];
    bucket_of[i] = static_cast<uint32_t>(b);
    inner[i] = static_cast<uint32_t>(rank - below);
    if (slot_bucket.empty() || slot_bucket.back() != b)
      slot_bucket.push_back(static_cast<uint32_t>(b));
    slot_of[i] = static_cast<uint32_t>(slot_bucket.size() - 1);
  }
  std::vector<uint8_t> slot(kBuckets, 0xff);
  for (size_t s = 0; s < slot_bucket.size(); ++s) slot[slot_bucket[s]] = static_cast<uint8_t>(s);
  std::vector<uint32_t> low(slot_bucket.size() * kBuckets);
  for (float f : v) {
    uint32_t k = Key(f);
    uint8_t s = slot[k >> 16];
    if (s != 0xff) ++low[s * kBuckets + (k & 0xffff)];
  }
  for (size_t i = 0; i < qs.size(); ++i) {
    const uint32_t* h = &low[slot_of[i] * kBuckets];
    size_t l = 0, count = 0;
    while (count + h[l] <= inner[i]) count += h[l++];
    out[i] = FromKey(bucket_of[i] << 16 | static_cast<uint32_t>(l));
  }
}

}  // namespace

std::vector<double> Percentiles(std::span<const float> v, std::span<const double> qs) {
  // Select in ascending order, then put the values back in the order asked.
  std::vector<size_t> order(qs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return qs[a] < qs[b]; });
  std::vector<double> sorted_qs(qs.size()), sorted(qs.size()), out(qs.size());
  for (size_t i = 0; i < order.size(); ++i) sorted_qs[i] = qs[order[i]];
  SelectQuantiles(v, sorted_qs, sorted.data());
  for (size_t i = 0; i < order.size(); ++i) out[order[i]] = sorted[i];
  return out;
}

double Percentile(std::span<const float> v, double q) {
  const double qs[] = {q};
  return Percentiles(v, qs)[0];
}

Distribution Summarize(std::span<const float> v) {
  Distribution d;
  d.n = v.size();
  if (v.empty()) return d;
  // Four partial sums: one chain of additions would wait on each addition in turn.
  double sum[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= v.size(); i += 4) {
    for (size_t k = 0; k < 4; ++k) sum[k] += v[i + k];
  }
  for (; i < v.size(); ++i) sum[0] += v[i];
  d.sum = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  d.mean = d.sum / static_cast<double>(v.size());
  // The extremes are ranks too: the selection finds them with the percentiles.
  const double qs[] = {0, 0.50, 0.90, 0.99, 1};
  double p[5];
  SelectQuantiles(v, qs, p);
  d.min = p[0];
  d.p50 = p[1];
  d.p90 = p[2];
  d.p99 = p[3];
  d.max = p[4];
  return d;
}

LinearFit FitLine(const std::vector<double>& x, const std::vector<double>& y) {
  LineFitter fitter;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) fitter.Add(x[i], y[i]);
  return fitter.Fit();
}

LinearFit LineFitter::Fit() const {
  LinearFit f;
  if (n_ < 2) return f;
  double n = static_cast<double>(n_);
  double sxx = sxx_ - sx_ * sx_ / n;  // centred sums
  double sxy = sxy_ - sx_ * sy_ / n;
  double syy = syy_ - sy_ * sy_ / n;
  if (sxx <= 0) return f;
  f.slope = sxy / sxx;
  double mx = x0_ + sx_ / n, my = y0_ + sy_ / n;
  f.intercept = my - f.slope * mx;
  f.r2 = syy <= 0 ? 0 : std::min(1.0, (sxy * sxy) / (sxx * syy));
  return f;
}

}  // namespace godx
