#include "gclog/common_line.h"

#include <algorithm>

#include "core/scanner.h"

namespace godx::gclog {

namespace {

// The readers below stop at the first byte that is not a digit, which the contract guarantees
// before the end of the line; they decline (return false) where Scanner would take its slow or
// failing path, so that the two always agree.

// An unsigned integer of at most 19 digits (which cannot overflow). The first three digits are
// read without a loop: most numbers in the line are that short, and a loop would mispredict its
// exit on each.
[[gnu::always_inline]] inline bool Uint(const char*& p, uint64_t* out) {
  const unsigned d0 = static_cast<unsigned>(p[0] - '0');
  if (d0 > 9) return false;
  const unsigned d1 = static_cast<unsigned>(p[1] - '0');
  if (d1 > 9) {
    *out = d0;
    p += 1;
    return true;
  }
  const unsigned d2 = static_cast<unsigned>(p[2] - '0');
  if (d2 > 9) {
    *out = d0 * 10 + d1;
    p += 2;
    return true;
  }
  const char* start = p;
  uint64_t v = d0 * 100 + d1 * 10 + d2;
  p += 3;
  unsigned d;
  while ((d = static_cast<unsigned>(*p - '0')) <= 9) {
    v = v * 10 + d;
    ++p;
  }
  *out = v;
  return p - start <= 19;
}

// Scanner::Decimal's arithmetic, to the bit: the whole part plus the fraction times an inverse
// power of ten, at most 18 digits on each side.
[[gnu::always_inline]] inline bool Decimal(const char*& p, double* out) {
  const char* start = p;
  uint64_t whole;
  if (!Uint(p, &whole) || p - start > 18) return false;
  double v = static_cast<double>(whole);
  if (*p == '.' && static_cast<unsigned>(p[1] - '0') <= 9) {
    const char* frac_start = ++p;
    uint64_t frac;
    if (!Uint(p, &frac) || p - frac_start > 18) return false;
    static constexpr double kInversePow10[] = {1,     1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,
                                               1e-7,  1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13,
                                               1e-14, 1e-15, 1e-16, 1e-17, 1e-18};
    v += static_cast<double>(frac) * kInversePow10[p - frac_start];
  }
  *out = v;
  return true;
}

[[gnu::always_inline]] inline bool Float(const char*& p, float* out) {
  double v;
  if (!Decimal(p, &v)) return false;
  *out = static_cast<float>(v);
  return true;
}

template <size_t N>
[[gnu::always_inline]] inline bool Literal(const char*& p, const char (&s)[N]) {
  if (!MatchesLiteral(p, s)) return false;
  p += N - 1;
  return true;
}

}  // namespace

const char* ParseCommonGcLine(const char* p, GcCycle* c) {
  uint64_t num, util, h0, h1, h2;
  double at;
  if (!Literal(p, "gc ") || !Uint(p, &num) || !Literal(p, " @") || !Decimal(p, &at) ||
      !Literal(p, "s ") || !Uint(p, &util) || !Literal(p, "%: ")) {
    return nullptr;
  }
  // Every field is written: the caller reuses the record.
  c->line = 0;
  c->num = static_cast<uint32_t>(num);
  c->at_s = at;
  c->util_pct = static_cast<uint8_t>(std::min<uint64_t>(util, 255));
  c->format = GcFormat::kGo16;
  c->leak_check = false;  // "(checking for goroutine leaks)" stands before "%: ": not this path
  c->other_stw_ms = 0;
  c->cpu_other_ms = 0;
  c->goal_mb = c->stacks_mb = c->globals_mb = -1;
  // Three clock phases: sweep termination, concurrent mark, mark termination.
  if (!Float(p, &c->sweep_term_ms) || !Literal(p, "+") || !Float(p, &c->mark_ms) ||
      !Literal(p, "+") || !Float(p, &c->mark_term_ms) || !Literal(p, " ms clock, ")) {
    return nullptr;
  }
  // CPU: sweep termination + assist/background/idle + mark termination.
  if (!Float(p, &c->cpu_sweep_term_ms) || !Literal(p, "+") || !Float(p, &c->cpu_assist_ms) ||
      !Literal(p, "/") || !Float(p, &c->cpu_background_ms) || !Literal(p, "/") ||
      !Float(p, &c->cpu_idle_ms) || !Literal(p, "+") || !Float(p, &c->cpu_mark_term_ms) ||
      !Literal(p, " ms cpu, ")) {
    return nullptr;
  }
  c->has_cpu = true;
  if (!Uint(p, &h0) || !Literal(p, "->") || !Uint(p, &h1) || !Literal(p, "->") || !Uint(p, &h2) ||
      !Literal(p, " MB, ")) {
    return nullptr;
  }
  c->heap_start_mb = SaturatedMb(h0);
  c->heap_end_mb = SaturatedMb(h1);
  c->heap_live_mb = SaturatedMb(h2);
  // The optional fields, then the Ps, as ParseGcLine reads them.
  while (true) {
    uint64_t v;
    if (!Uint(p, &v)) return nullptr;
    if (Literal(p, " P")) {
      c->procs = static_cast<uint16_t>(std::min<uint64_t>(v, UINT16_MAX));
      break;
    }
    if (!Literal(p, " MB ")) return nullptr;
    if (Literal(p, "goal, ")) {
      c->goal_mb = SaturatedMb(v);
    } else if (Literal(p, "stacks, ")) {
      c->stacks_mb = SaturatedMb(v);
      c->format = GcFormat::kGo118;
    } else if (Literal(p, "globals, ")) {
      c->globals_mb = SaturatedMb(v);
      c->format = GcFormat::kGo118;
    } else {
      return nullptr;
    }
  }
  c->forced = Literal(p, " (forced)");
  return p;
}

}  // namespace godx::gclog
