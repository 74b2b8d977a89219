#include "compiler/asm_bounds.h"

#include <gtest/gtest.h>

namespace godx::compiler {
namespace {

// Every PCDATA $4 value of the Go 1.26 and 1.27 -S fixtures, with what the listing around it
// shows (the registers compared just before the jump to the call, the source line).
TEST(AsmBoundsDecode, ValuesOfTheRealListings) {
  // go1.26/go1.27-boundspanic-S.txt main.go:14 `t.rows[i]`: CMPQ BX, CX; JCC; i (int) in BX,
  // len in CX.
  auto b = DecodePanicBounds(1431);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->kind, BoundsKind::kIndex);
  EXPECT_EQ(b->source, BoundsSource::kPcdata);
  EXPECT_EQ(b->x_sign, Signedness::kSigned);
  EXPECT_TRUE(b->x.in_register);
  EXPECT_EQ(b->x.value, 3);
  EXPECT_TRUE(b->y.in_register);
  EXPECT_EQ(b->y.value, 1);
  EXPECT_EQ(BoundsMessage(*b, "x86"), "index out of range [BX] with length CX");
  EXPECT_EQ(BoundsLabel(*b), "index, signed");

  // go1.26/1.27-escapes-S.txt checks.go:11 `args[1:n]` (Go 1.19: panicSliceB): x is the
  // constant 1, and n can only fail 1 <= n when it is 0, which the compiler wrote as a constant.
  b = DecodePanicBounds(39);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, BoundsKind::kSliceB);
  EXPECT_FALSE(b->x.in_register);
  EXPECT_EQ(b->x.value, 1);
  EXPECT_FALSE(b->y.in_register);
  EXPECT_EQ(b->y.value, 0);
  EXPECT_EQ(b->x_sign, Signedness::kUnknown);  // not recorded for a constant
  EXPECT_EQ(BoundsMessage(*b, "x86"), "slice bounds out of range [1:0]");
  EXPECT_EQ(BoundsLabel(*b), "slice-b");

  // checks.go:10 `args[n-1]` (Go 1.19: panicIndex): 1.26 compares DX with BX, 1.27 DI with BX.
  b = DecodePanicBounds(3663);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, BoundsKind::kIndex);
  EXPECT_EQ(BoundsMessage(*b, "x86"), "index out of range [DX] with length BX");
  b = DecodePanicBounds(4023);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, BoundsKind::kIndex);
  EXPECT_EQ(b->x_sign, Signedness::kSigned);
  EXPECT_EQ(BoundsMessage(*b, "x86"), "index out of range [DI] with length BX");

  // main.go:43 `b[:n/2]` (Go 1.19: panicSliceAcap), in main.Buffer and inlined in main.main.
  b = DecodePanicBounds(1433);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, BoundsKind::kSliceAcap);
  EXPECT_EQ(BoundsLabel(*b), "slice-acap, signed");
  EXPECT_EQ(BoundsMessage(*b, "x86"), "slice bounds out of range [:BX] with capacity CX");
  b = DecodePanicBounds(2441);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, BoundsKind::kSliceAcap);
  EXPECT_EQ(BoundsMessage(*b, "x86"), "slice bounds out of range [:CX] with capacity DX");
  EXPECT_EQ(BoundsMessage(*b, "arm64"), "slice bounds out of range [:R1] with capacity R2");
  EXPECT_EQ(BoundsMessage(*b, ""), "slice bounds out of range [:reg1] with capacity reg2");
}

// The layout of internal/abi/bounds.go's comment, written out independently of the decoder.
int64_t Encode(int code, bool is_signed, bool x_reg, bool y_reg, int x, int y) {
  int64_t c = (x_reg ? 1 : 0) | (y_reg ? 2 : 0);
  c |= x_reg ? ((is_signed ? 1 : 0) << 2) | (x << 3) : (x << 2);
  c |= static_cast<int64_t>(y) << 7;
  return c * 9 + code;
}

TEST(AsmBoundsDecode, RoundTripsEveryEncodableCheck) {
  size_t n = 0;
  for (int code = 0; code < 9; ++code) {
    for (int form = 0; form < 4; ++form) {
      bool x_reg = form & 1, y_reg = form & 2;
      for (int x = 0; x < (x_reg ? 16 : 32); ++x) {
        for (int y = 0; y < (y_reg ? 16 : 32); ++y) {
          for (bool sgn : {false, true}) {
            if (sgn && !x_reg) continue;
            auto b = DecodePanicBounds(Encode(code, sgn, x_reg, y_reg, x, y));
            ASSERT_TRUE(b.ok()) << b.status().message();
            ASSERT_EQ(static_cast<int>(b->kind), code + 1);
            ASSERT_EQ(b->x.in_register, x_reg);
            ASSERT_EQ(b->y.in_register, y_reg);
            ASSERT_EQ(b->x.value, x);
            ASSERT_EQ(b->y.value, y);
            if (x_reg && code != 8) {
              ASSERT_EQ(b->x_sign, sgn ? Signedness::kSigned : Signedness::kUnsigned);
            } else {
              ASSERT_EQ(b->x_sign, Signedness::kUnknown);
            }
            ++n;
          }
        }
      }
    }
  }
  // x constant or (signed or not) register, times y constant or register.
  EXPECT_EQ(n, 9u * (32 + 2 * 16) * (32 + 16));
}

TEST(AsmBoundsDecode, RejectsWhatGo126CannotWrite) {
  EXPECT_FALSE(DecodePanicBounds(-1).ok());
  // y a register: its number ends at bit 10, so bit 11 is left over.
  EXPECT_FALSE(
      DecodePanicBounds(Encode(0, false, false, true, 0, 0) + (int64_t{1} << 11) * 9).ok());
  // Constants end at bit 11.
  auto b = DecodePanicBounds((int64_t{1} << 12) * 9);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("does not know"), std::string::npos);
  EXPECT_FALSE(DecodePanicBounds(int64_t{1} << 40).ok());
}

TEST(AsmBoundsCallee, NamesEveryOldEntryPoint) {
  struct Case {
    const char* callee;
    BoundsKind kind;
    Signedness sign;
    bool extend;
  };
  const Case cases[] = {
      {"runtime.panicIndex", BoundsKind::kIndex, Signedness::kSigned, false},
      {"runtime.panicIndexU", BoundsKind::kIndex, Signedness::kUnsigned, false},
      {"runtime.panicSliceAlen", BoundsKind::kSliceAlen, Signedness::kSigned, false},
      {"runtime.panicSliceAcapU", BoundsKind::kSliceAcap, Signedness::kUnsigned, false},
      {"runtime.panicSliceB", BoundsKind::kSliceB, Signedness::kSigned, false},
      {"runtime.panicSlice3Alen", BoundsKind::kSlice3Alen, Signedness::kSigned, false},
      {"runtime.panicSlice3AcapU", BoundsKind::kSlice3Acap, Signedness::kUnsigned, false},
      {"runtime.panicSlice3B", BoundsKind::kSlice3B, Signedness::kSigned, false},
      {"runtime.panicSlice3CU", BoundsKind::kSlice3C, Signedness::kUnsigned, false},
      {"runtime.panicSliceConvert", BoundsKind::kConvert, Signedness::kUnknown, false},
      {"runtime.goPanicIndex", BoundsKind::kIndex, Signedness::kSigned, false},
      {"runtime.panicExtendIndexU", BoundsKind::kIndex, Signedness::kUnsigned, true},
      {"runtime.panicExtendSliceB.abi0", BoundsKind::kSliceB, Signedness::kSigned, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.callee);
    BoundsCheck b = BoundsFromCallee(c.callee);
    EXPECT_EQ(b.kind, c.kind);
    EXPECT_EQ(b.x_sign, c.sign);
    EXPECT_EQ(b.extend, c.extend);
    EXPECT_EQ(b.source, BoundsSource::kCallee);
    EXPECT_FALSE(b.has_operands);
  }
  EXPECT_EQ(BoundsMessage(BoundsFromCallee("runtime.panicIndex"), "x86"),
            "index out of range [x] with length y");
  EXPECT_EQ(BoundsFromCallee("runtime.panicBounds").kind, BoundsKind::kUnknown);
  EXPECT_EQ(BoundsFromCallee("runtime.panicdivide").kind, BoundsKind::kUnknown);
  EXPECT_EQ(BoundsFromCallee("main.panicIndex").kind, BoundsKind::kUnknown);
  EXPECT_TRUE(TakesBoundsPcdata("runtime.panicBounds"));
  EXPECT_TRUE(TakesBoundsPcdata("runtime.panicExtend"));
  EXPECT_FALSE(TakesBoundsPcdata("runtime.panicIndex"));
}

TEST(AsmBoundsRegister, NamesExtendedPairs) {
  EXPECT_EQ(BoundsRegister(15, false, "x86"), "R15");
  // panicBounds32X: number 0b1001 is hi = 2, lo = 1.
  EXPECT_EQ(BoundsRegister(9, true, "x86"), "DX:CX");
}

TEST(AsmBoundsMessage, ReadsTheRuntimesMessages) {
  // go1.26-boundspanic-panic.txt.
  auto e = FindBoundsError(
      "panic: runtime error: index out of range [4] with length 4\n\ngoroutine 1 [running]:\n");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->text, "index out of range [4] with length 4");
  EXPECT_EQ(e->x, 4);
  EXPECT_TRUE(e->has_y);
  EXPECT_EQ(e->y, 4);
  EXPECT_TRUE(BoundsMismatch(*DecodePanicBounds(1431), *e).empty());
  EXPECT_FALSE(BoundsMismatch(*DecodePanicBounds(39), *e).empty());  // a slice check

  struct Case {
    const char* text;
    BoundsKind kind;
    int64_t x;
  };
  const Case cases[] = {
      {"slice bounds out of range [:5] with length 3", BoundsKind::kSliceAlen, 5},
      {"slice bounds out of range [:5] with capacity 3", BoundsKind::kSliceAcap, 5},
      {"slice bounds out of range [1:0]", BoundsKind::kSliceB, 1},
      {"slice bounds out of range [::7] with length 3", BoundsKind::kSlice3Alen, 7},
      {"slice bounds out of range [::7] with capacity 3", BoundsKind::kSlice3Acap, 7},
      {"slice bounds out of range [:4:2]", BoundsKind::kSlice3B, 4},
      {"slice bounds out of range [3:2:]", BoundsKind::kSlice3C, 3},
      {"slice bounds out of range [-1:]", BoundsKind::kSliceB, -1},
      {"index out of range [-1]", BoundsKind::kIndex, -1},
      {"cannot convert slice with length 2 to array or pointer to array with length 4",
       BoundsKind::kConvert, 4},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto got = FindBoundsError(std::string("panic: runtime error: ") + c.text + " [recovered]\n");
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->kinds, 1u << static_cast<unsigned>(c.kind));
    EXPECT_EQ(got->x, c.x);
    EXPECT_EQ(got->text, c.text);
  }
  // A negative high bound is printed without what it was checked against.
  auto neg = FindBoundsError("panic: runtime error: slice bounds out of range [:-2]\n");
  ASSERT_TRUE(neg.has_value());
  EXPECT_EQ(neg->kinds, (1u << static_cast<unsigned>(BoundsKind::kSliceAlen)) |
                            (1u << static_cast<unsigned>(BoundsKind::kSliceAcap)));
  EXPECT_FALSE(FindBoundsError("panic: runtime error: integer divide by zero\n").has_value());
  EXPECT_FALSE(FindBoundsError("panic: runtime error: index out of range [x]\n").has_value());
}

}  // namespace
}  // namespace godx::compiler
