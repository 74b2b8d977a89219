// Which bounds check a panic site performs: Go 1.26+'s PCDATA $4 (abi.PCDATA_PanicBounds)
// values before calls to runtime.panicBounds, the entry points older releases call
// (runtime.panicIndex, panicSliceB, ...), and the runtime's own message for the failure
// ("index out of range [4] with length 4"). See docs/formats/asm-listings.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/asm_model.h"
#include "core/status.h"

namespace godx::compiler {

// "index", "slice-alen", "slice-acap", "slice-b", "slice3-alen", "slice3-acap", "slice3-b",
// "slice3-c", "convert", "unknown": the names `godx asm` prints and writes to JSON.
const char* BoundsKindName(BoundsKind k);

// Decodes a PCDATA $4 value the way runtime.panicBounds64 does (internal/abi.BoundsDecode, the
// same in Go 1.26 and 1.27): value = c*9 + code, where c says whether x and y are registers or
// constants, which ones, and (for a register x) whether x is signed. Fails on a negative value or
// on bits left over: an encoding this godx does not know.
Result<BoundsCheck> DecodePanicBounds(int64_t value);

// Whether a call to `callee` takes its kind from the PCDATA $4 value before it:
// runtime.panicBounds and, on 32-bit targets, runtime.panicExtend (Go 1.26+).
bool TakesBoundsPcdata(std::string_view callee);

// Kind and signedness from an entry point of Go ≤1.25 ("runtime.panicSliceAcapU" → slice-acap,
// unsigned; "runtime.panicExtendIndex" → index, signed, extend; the wasm goPanic* bodies alike).
// kUnknown for panicBounds/panicExtend (their kind is in PCDATA) and for other callees.
BoundsCheck BoundsFromCallee(std::string_view callee);

// "index, signed", "slice-b", "slice-acap, unsigned"; for kUnknown why, e.g. "kind not in
// objdump listings from Go 1.26 on; use -S".
std::string BoundsLabel(const BoundsCheck& b);

// A site's check as titles and tables name it: "nil", "bounds (index, signed)",
// "bounds (kind not in objdump listings from Go 1.26 on; use -S)".
std::string CheckLabel(CheckKind check, const BoundsCheck& b);

// The register panicBounds saved as number `n`, named as the listing's architecture
// (Listing::arch) names it: "BX" (x86), "R3" (arm64), otherwise "reg3". An extended (64-bit on
// 32-bit) x names its two halves, "DX:AX".
std::string BoundsRegister(uint8_t n, bool extend, std::string_view arch);

// The runtime's message for this check with the operands the listing names, e.g. "index out of
// range [BX] with length CX" or "slice bounds out of range [1:0]"; "x" and "y" where the listing
// does not say (Go ≤1.25 entry points). Empty for kUnknown.
std::string BoundsMessage(const BoundsCheck& b, std::string_view arch);

// A bounds panic message as the runtime prints it (runtime/error.go boundsError).
struct BoundsError {
  uint32_t kinds = 0;  // bit (1 << BoundsKind) for each kind that prints this text
  int64_t x = 0;
  bool has_y = false;  // a negative x is printed without y
  int64_t y = 0;
  std::string text;  // "index out of range [4] with length 4"
};

// The first bounds panic message ("panic: runtime error: index out of range [4] with length 4")
// in a traceback's text.
std::optional<BoundsError> FindBoundsError(std::string_view text);

// Empty when the check fits the message (a kind that prints it, and constant operands equal to
// the printed values), else why not.
std::string BoundsMismatch(const BoundsCheck& b, const BoundsError& e);

}  // namespace godx::compiler
