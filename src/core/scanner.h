// Scanner: checked, allocation-free parsing of one line of a fixed text format. Every Read*
// either consumes what it parsed and returns true, or leaves the position unchanged and returns
// false. Written by hand because std::regex is far too slow for logs of gigabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace godx {

// Whether the N-1 bytes at `p` (all readable) are the string literal `s`. Its length is known at
// compile time, so the comparison is inlined (this is the hot path of every log reader): word
// loads, not memcmp, because most attempts fail on the first bytes and a library call per attempt
// costs more than the comparison. Two overlapping loads cover 2..16 bytes; longer ones are rare.
template <size_t N>
inline bool MatchesLiteral(const char* p, const char (&s)[N]) {
  constexpr size_t n = N - 1;
  auto load = [](const char* at, auto word) {
    std::memcpy(&word, at, sizeof word);
    return word;
  };
  if constexpr (n >= 8 && n <= 16) {
    return ((load(p, uint64_t{}) ^ load(s, uint64_t{})) |
            (load(p + n - 8, uint64_t{}) ^ load(s + n - 8, uint64_t{}))) == 0;
  } else if constexpr (n >= 4 && n < 8) {
    return ((load(p, uint32_t{}) ^ load(s, uint32_t{})) |
            (load(p + n - 4, uint32_t{}) ^ load(s + n - 4, uint32_t{}))) == 0;
  } else if constexpr (n >= 2 && n < 4) {
    return ((load(p, uint16_t{}) ^ load(s, uint16_t{})) |
            (load(p + n - 2, uint16_t{}) ^ load(s + n - 2, uint16_t{}))) == 0;
  } else if constexpr (n > 16) {
    return std::memcmp(p, s, n) == 0;
  } else {
    return n == 0 || *p == *s;
  }
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool AtEnd() const { return p_ >= end_; }
  // Bytes consumed since `start` (the data the Scanner was made from).
  size_t Consumed(std::string_view start) const { return static_cast<size_t>(p_ - start.data()); }
  char Peek() const { return p_ < end_ ? *p_ : '\0'; }
  std::string_view Rest() const { return std::string_view(p_, static_cast<size_t>(end_ - p_)); }
  size_t Remaining() const { return static_cast<size_t>(end_ - p_); }

  bool Char(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // A string literal: its length is known at compile time, so the comparison is inlined (this is
  // the hot path of every log reader).
  template <size_t N>
  bool Literal(const char (&s)[N]) {
    if (Remaining() < N - 1 || !MatchesLiteral(p_, s)) return false;
    p_ += N - 1;
    return true;
  }

  bool Literal(std::string_view s) {
    if (Remaining() >= s.size() && std::string_view(p_, s.size()) == s) {
      p_ += s.size();
      return true;
    }
    return false;
  }

  void SkipSpaces() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t')) ++p_;
  }

  void Skip(size_t n) { p_ += n < Remaining() ? n : Remaining(); }

  // Unsigned decimal integer; false on no digits or overflow.
  bool Uint(uint64_t* out) {
    const char* q = p_;
    uint64_t v = 0;
    while (q < end_ && static_cast<unsigned>(*q - '0') <= 9) {
      uint64_t d = static_cast<uint64_t>(*q - '0');
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v)) return false;
      ++q;
    }
    if (q == p_) return false;
    *out = v;
    p_ = q;
    return true;
  }

  bool Int(int64_t* out) {
    const char* save = p_;
    bool neg = Char('-');
    uint64_t v;
    if (!Uint(&v) || v > static_cast<uint64_t>(INT64_MAX)) {
      p_ = save;
      return false;
    }
    *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  }

  // Plain decimal number: digits, optionally "." and more digits (no sign, no exponent). The
  // hot loop of every log reader: one multiply-add per digit, digit counts from pointers.
  bool Decimal(double* out) {
    const char* q = p_;
    uint64_t whole = 0;
    unsigned d;
    if (q >= end_ || (d = static_cast<unsigned>(*q - '0')) > 9) return false;
    do {
      whole = whole * 10 + d;
      ++q;
    } while (q < end_ && (d = static_cast<unsigned>(*q - '0')) <= 9);
    if (q - p_ > 18) return SlowDecimal(out);
    double v = static_cast<double>(whole);
    if (q + 1 < end_ && *q == '.' && (d = static_cast<unsigned>(q[1] - '0')) <= 9) {
      const char* f = q + 1;
      uint64_t frac = 0;
      do {
        frac = frac * 10 + d;
        ++f;
      } while (f < end_ && (d = static_cast<unsigned>(*f - '0')) <= 9);
      if (f - q - 1 > 18) return SlowDecimal(out);
      // Multiplying by an inverse power of ten instead of dividing: a division per number is a
      // measurable share of reading a gctrace line (eleven numbers each).
      static constexpr double kInversePow10[] = {1,     1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,
                                                 1e-7,  1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13,
                                                 1e-14, 1e-15, 1e-16, 1e-17, 1e-18};
      v += static_cast<double>(frac) * kInversePow10[f - q - 1];
      q = f;
    }
    *out = v;
    p_ = q;
    return true;
  }

  // Hexadecimal number with a mandatory "0x" prefix.
  bool Hex(uint64_t* out) {
    const char* save = p_;
    if (!Literal("0x")) return false;
    const char* q = p_;
    uint64_t v = 0;
    while (q < end_ && q - p_ < 16) {
      char c = *q;
      unsigned d;
      if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
      else break;
      v = v << 4 | d;
      ++q;
    }
    if (q == p_) {
      p_ = save;
      return false;
    }
    *out = v;
    p_ = q;
    return true;
  }

  // Everything up to (not including) `c`, or the rest of the line when `c` does not occur.
  std::string_view Until(char c) {
    const char* q = p_;
    while (q < end_ && *q != c) ++q;
    std::string_view s(p_, static_cast<size_t>(q - p_));
    p_ = q;
    return s;
  }

  // A run of characters other than space and tab.
  std::string_view Word() {
    const char* q = p_;
    while (q < end_ && *q != ' ' && *q != '\t') ++q;
    std::string_view s(p_, static_cast<size_t>(q - p_));
    p_ = q;
    return s;
  }

 private:
  // Numbers with more than 18 digits on either side of the point (never printed by Go, but
  // possible in corrupt input): precision no longer matters, only not overflowing.
  bool SlowDecimal(double* out) {
    const char* q = p_;
    double v = 0;
    while (q < end_ && static_cast<unsigned>(*q - '0') <= 9) v = v * 10 + (*q++ - '0');
    if (q + 1 < end_ && *q == '.' && static_cast<unsigned>(q[1] - '0') <= 9) {
      double scale = 0.1;
      for (++q; q < end_ && static_cast<unsigned>(*q - '0') <= 9; ++q, scale *= 0.1) {
        v += (*q - '0') * scale;
      }
    }
    *out = v;
    p_ = q;
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace godx
