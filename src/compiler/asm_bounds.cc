#include "compiler/asm_bounds.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "compiler/messages.h"
#include "core/line_cursor.h"

namespace godx::compiler {

namespace {

// internal/abi.numBoundsCodes: BoundsIndex .. BoundsConvert. BoundsKind counts the same codes
// from 1 (0 is kUnknown).
constexpr int64_t kBoundsCodes = 9;

uint32_t Bit(BoundsKind k) { return 1u << static_cast<unsigned>(k); }

std::string_view RuntimeName(std::string_view callee) {
  if (!StartsWith(callee, "runtime.")) return {};
  callee.remove_prefix(8);
  if (EndsWith(callee, ".abi0")) callee.remove_suffix(5);
  return callee;
}

// The wording of runtime/error.go's boundsErrorFmts, with the operands filled in.
std::string Format(BoundsKind k, const std::string& x, const std::string& y) {
  switch (k) {
    case BoundsKind::kIndex:
      return fmt::format("index out of range [{}] with length {}", x, y);
    case BoundsKind::kSliceAlen:
      return fmt::format("slice bounds out of range [:{}] with length {}", x, y);
    case BoundsKind::kSliceAcap:
      return fmt::format("slice bounds out of range [:{}] with capacity {}", x, y);
    case BoundsKind::kSliceB:
      return fmt::format("slice bounds out of range [{}:{}]", x, y);
    case BoundsKind::kSlice3Alen:
      return fmt::format("slice bounds out of range [::{}] with length {}", x, y);
    case BoundsKind::kSlice3Acap:
      return fmt::format("slice bounds out of range [::{}] with capacity {}", x, y);
    case BoundsKind::kSlice3B:
      return fmt::format("slice bounds out of range [:{}:{}]", x, y);
    case BoundsKind::kSlice3C:
      return fmt::format("slice bounds out of range [{}:{}:]", x, y);
    case BoundsKind::kConvert:
      return fmt::format(
          "cannot convert slice with length {} to array or pointer to array with length {}", y, x);
    case BoundsKind::kUnknown:
      break;
  }
  return "";
}

// A decimal as the runtime prints it: signed, or an unsigned value above INT64_MAX (kept as its
// two's-complement bits, which is how the runtime holds it).
bool ParseValue(std::string_view s, int64_t* out) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

// "[4] with length 4" after "index out of range " / "slice bounds out of range ".
bool ParseBracket(std::string_view rest, bool index, BoundsError* e) {
  if (rest.empty() || rest[0] != '[') return false;
  size_t close = rest.find(']');
  if (close == std::string_view::npos) return false;
  std::string_view content = rest.substr(1, close - 1);
  std::string_view suffix = rest.substr(close + 1);
  enum { kNone, kLength, kCapacity } with = kNone;
  std::string_view y;
  if (StartsWith(suffix, " with length ")) {
    with = kLength;
    y = suffix.substr(13);
  } else if (StartsWith(suffix, " with capacity ")) {
    with = kCapacity;
    y = suffix.substr(15);
  }
  size_t end = y.find_first_not_of("-0123456789");
  if (end != std::string_view::npos) y = y.substr(0, end);
  std::array<std::string_view, 3> parts;
  size_t n = 0;
  for (size_t start = 0;;) {
    if (n == parts.size()) return false;
    size_t colon = content.find(':', start);
    parts[n++] = content.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  std::string_view x, second;
  auto by_suffix = [&](BoundsKind len, BoundsKind cap) {
    if (with == kLength) return Bit(len);
    if (with == kCapacity) return Bit(cap);
    return Bit(len) | Bit(cap);  // a negative x is printed without what it was checked against
  };
  if (index) {
    if (n != 1 || with == kCapacity) return false;
    e->kinds = Bit(BoundsKind::kIndex);
    x = parts[0];
  } else if (n == 2 && parts[0].empty()) {
    e->kinds = by_suffix(BoundsKind::kSliceAlen, BoundsKind::kSliceAcap);
    x = parts[1];
  } else if (n == 2) {
    e->kinds = Bit(BoundsKind::kSliceB);
    x = parts[0];
    second = parts[1];
  } else if (n == 3 && parts[0].empty() && parts[1].empty()) {
    e->kinds = by_suffix(BoundsKind::kSlice3Alen, BoundsKind::kSlice3Acap);
    x = parts[2];
  } else if (n == 3 && parts[0].empty()) {
    e->kinds = Bit(BoundsKind::kSlice3B);
    x = parts[1];
    second = parts[2];
  } else if (n == 3 && parts[2].empty()) {
    e->kinds = Bit(BoundsKind::kSlice3C);
    x = parts[0];
    second = parts[1];
  } else {
    return false;
  }
  if (!ParseValue(x, &e->x)) return false;
  if (!second.empty()) y = second;
  if (!y.empty()) {
    if (!ParseValue(y, &e->y)) return false;
    e->has_y = true;
  }
  return true;
}

}  // namespace

const char* BoundsKindName(BoundsKind k) {
  switch (k) {
    case BoundsKind::kUnknown:
      return "unknown";
    case BoundsKind::kIndex:
      return "index";
    case BoundsKind::kSliceAlen:
      return "slice-alen";
    case BoundsKind::kSliceAcap:
      return "slice-acap";
    case BoundsKind::kSliceB:
      return "slice-b";
    case BoundsKind::kSlice3Alen:
      return "slice3-alen";
    case BoundsKind::kSlice3Acap:
      return "slice3-acap";
    case BoundsKind::kSlice3B:
      return "slice3-b";
    case BoundsKind::kSlice3C:
      return "slice3-c";
    case BoundsKind::kConvert:
      return "convert";
  }
  return "unknown";
}

Result<BoundsCheck> DecodePanicBounds(int64_t value) {
  if (value < 0) return Status::Error(fmt::format("PCDATA $4 value {} is negative", value));
  BoundsCheck b;
  b.source = BoundsSource::kPcdata;
  b.pcdata = value;
  b.has_operands = true;
  b.kind = static_cast<BoundsKind>(value % kBoundsCodes + 1);
  int64_t c = value / kBoundsCodes;
  b.x.in_register = (c & 1) != 0;
  b.y.in_register = (c & 2) != 0;
  c >>= 2;
  if (b.x.in_register) {
    b.x_sign = (c & 1) != 0 ? Signedness::kSigned : Signedness::kUnsigned;
    b.x.value = static_cast<uint8_t>((c >> 1) & 0xf);
    c >>= 5;
  } else {
    b.x.value = static_cast<uint8_t>(c & 0x1f);
    c >>= 5;
  }
  if (b.y.in_register) {
    b.y.value = static_cast<uint8_t>(c & 0xf);
    c >>= 4;
  } else {
    b.y.value = static_cast<uint8_t>(c & 0x1f);
    c >>= 5;
  }
  if (c != 0) {
    return Status::Error(fmt::format(
        "PCDATA $4 value {} has bits past the operands Go 1.26/1.27 encode ({} left): an "
        "encoding this godx does not know",
        value, c));
  }
  // The compiler records conversions as unsigned whatever x's type (ssa.BoundsKind.Code), and
  // Go ≤1.25 had no unsigned variant of panicSliceConvert: signedness means nothing there.
  if (b.kind == BoundsKind::kConvert) b.x_sign = Signedness::kUnknown;
  return b;
}

bool TakesBoundsPcdata(std::string_view callee) {
  std::string_view f = RuntimeName(callee);
  return f == "panicBounds" || f == "panicExtend";
}

BoundsCheck BoundsFromCallee(std::string_view callee) {
  BoundsCheck b;
  std::string_view f = RuntimeName(callee);
  if (StartsWith(f, "goPanic")) {
    f.remove_prefix(7);
  } else if (StartsWith(f, "panic")) {
    f.remove_prefix(5);
  } else {
    return b;
  }
  bool extend = StartsWith(f, "Extend");
  if (extend) f.remove_prefix(6);
  bool is_unsigned = EndsWith(f, "U");
  if (is_unsigned) f.remove_suffix(1);
  static constexpr std::pair<std::string_view, BoundsKind> kEntries[] = {
      {"Index", BoundsKind::kIndex},           {"SliceAlen", BoundsKind::kSliceAlen},
      {"SliceAcap", BoundsKind::kSliceAcap},   {"SliceB", BoundsKind::kSliceB},
      {"Slice3Alen", BoundsKind::kSlice3Alen}, {"Slice3Acap", BoundsKind::kSlice3Acap},
      {"Slice3B", BoundsKind::kSlice3B},       {"Slice3C", BoundsKind::kSlice3C},
      {"SliceConvert", BoundsKind::kConvert},
  };
  for (const auto& [name, kind] : kEntries) {
    if (f != name) continue;
    if (kind == BoundsKind::kConvert && (is_unsigned || extend)) return b;
    b.kind = kind;
    b.extend = extend;
    if (kind != BoundsKind::kConvert)
      b.x_sign = is_unsigned ? Signedness::kUnsigned : Signedness::kSigned;
    return b;
  }
  return b;
}

std::string BoundsLabel(const BoundsCheck& b) {
  if (b.kind == BoundsKind::kUnknown) {
    switch (b.source) {
      case BoundsSource::kObjdump:
        return "kind not in objdump listings from Go 1.26 on; use -S";
      case BoundsSource::kNoPcdata:
        return "kind unknown: no PCDATA $4 before the call";
      case BoundsSource::kUndecodable:
        return fmt::format("kind unknown: PCDATA $4 value {} not decoded", b.pcdata);
      case BoundsSource::kCallee:
      case BoundsSource::kPcdata:
        break;
    }
    return "kind unknown";
  }
  std::string s = BoundsKindName(b.kind);
  if (b.x_sign == Signedness::kSigned) s += ", signed";
  if (b.x_sign == Signedness::kUnsigned) s += ", unsigned";
  if (b.extend) s += ", 64-bit x";
  return s;
}

std::string BoundsRegister(uint8_t n, bool extend, std::string_view arch) {
  static constexpr const char* kX86[16] = {"AX", "CX", "DX", "BX", "SP",  "BP",  "SI",  "DI",
                                           "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
  auto name = [&](unsigned r) {
    if (arch == "x86") return std::string(kX86[r & 0xf]);
    if (arch == "arm64") return fmt::format("R{}", r);
    return fmt::format("reg{}", r);
  };
  // runtime.panicBounds32X: the 4-bit number holds two 2-bit ones, high word first.
  if (extend) return name(n >> 2) + ":" + name(n & 3);
  return name(n);
}

std::string BoundsMessage(const BoundsCheck& b, std::string_view arch) {
  auto operand = [&](const BoundsOperand& o, bool is_x) {
    if (!b.has_operands) return std::string(is_x ? "x" : "y");
    if (o.in_register) return BoundsRegister(o.value, is_x && b.extend, arch);
    return std::to_string(o.value);
  };
  return Format(b.kind, operand(b.x, true), operand(b.y, false));
}

std::optional<BoundsError> FindBoundsError(std::string_view text) {
  LineCursor cur(text);
  std::string_view line;
  while (cur.Next(&line)) {
    size_t at = line.find("runtime error: ");
    if (at == std::string_view::npos) continue;
    std::string_view rest = line.substr(at + 15);
    BoundsError e;
    bool ok = false;
    if (StartsWith(rest, "index out of range ")) {
      ok = ParseBracket(rest.substr(19), true, &e);
    } else if (StartsWith(rest, "slice bounds out of range ")) {
      ok = ParseBracket(rest.substr(26), false, &e);
    } else if (StartsWith(rest, "cannot convert slice with length ")) {
      // "cannot convert slice with length Y to array or pointer to array with length X"
      std::string_view r = rest.substr(33);
      size_t sp = r.find(' ');
      constexpr std::string_view kMid = " to array or pointer to array with length ";
      if (sp != std::string_view::npos && r.substr(sp, kMid.size()) == kMid) {
        std::string_view x = r.substr(sp + kMid.size());
        x = x.substr(0, x.find_first_not_of("-0123456789"));
        ok = ParseValue(r.substr(0, sp), &e.y) && ParseValue(x, &e.x);
        e.has_y = ok;
        e.kinds = Bit(BoundsKind::kConvert);
      }
    }
    if (!ok) continue;
    // The message ends at the bracket's suffix; a " [recovered]" or goexit note may follow.
    std::string_view msg = rest;
    size_t cut = msg.find(" [recovered");
    if (cut != std::string_view::npos) msg = msg.substr(0, cut);
    while (!msg.empty() && (msg.back() == ' ' || msg.back() == '\r')) msg.remove_suffix(1);
    e.text = std::string(msg);
    return e;
  }
  return std::nullopt;
}

std::string BoundsMismatch(const BoundsCheck& b, const BoundsError& e) {
  if (b.kind == BoundsKind::kUnknown) return "";
  if ((e.kinds & Bit(b.kind)) == 0) {
    return fmt::format("the panic message '{}' is not printed by {} checks", e.text,
                       BoundsKindName(b.kind));
  }
  if (e.x < 0 && b.x_sign == Signedness::kUnsigned) {
    return fmt::format("the panic message '{}' prints a negative x, but the check's x is unsigned",
                       e.text);
  }
  if (!b.has_operands) return "";
  if (!b.x.in_register && e.x != b.x.value) {
    return fmt::format("the panic message '{}' says x = {}, the listing's constant is {}", e.text,
                       e.x, b.x.value);
  }
  if (!b.y.in_register && e.has_y && e.y != b.y.value) {
    return fmt::format("the panic message '{}' says y = {}, the listing's constant is {}", e.text,
                       e.y, b.y.value);
  }
  return "";
}

std::string CheckLabel(CheckKind check, const BoundsCheck& b) {
  if (check != CheckKind::kBounds) return CheckName(check);
  return fmt::format("bounds ({})", BoundsLabel(b));
}

}  // namespace godx::compiler
