// The model of an assembly listing: `go build -gcflags=-S` / `go tool compile -S` output or
// `go tool objdump`, plus the `-d=ssa/check_bce/debug=1` "Found IsInBounds" lines. Instruction
// texts are views into Listing::text (the Input must outlive the listing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/string_pool.h"

namespace godx::compiler {

// The runtime check a panic site belongs to (the `check` field of `godx asm --json`).
enum class CheckKind : uint8_t {
  kNone,    // an ordinary instruction or call
  kBounds,  // runtime.panicIndex*, panicSlice*, panicBounds (Go 1.26+), goPanic*, panicExtend*
  kNil,     // panicmem, sigpanic, or an implicit faulting load (TESTB AX, (AX))
  kDivide,  // panicdivide, panicoverflow, panicfloat
  kShift,   // panicshift
  kTypeAssertion,  // panicdottypeE/I, panicnildottype, panicdottype
  kPanic,          // gopanic: an explicit panic()
  kOther,          // panicwrap, panicunsafe*, panicrangestate, panicmakeslice*
  kFatal,          // throw, fatal: unrecoverable
};
const char* CheckName(CheckKind c);
// The check a call to `callee` ("runtime.panicIndex", "runtime.panicIndex.abi0") performs.
CheckKind ClassifyCallee(std::string_view callee);

// Which comparison a bounds panic site guards (internal/abi.BoundsErrorCode, in that order): the
// old entry point's name (runtime.panicSliceB, Go ≤1.25) or the PCDATA $4 value before a call to
// runtime.panicBounds (Go 1.26+) says it. asm_bounds.h decodes and names them.
enum class BoundsKind : uint8_t {
  kUnknown,     // panicBounds without its PCDATA (objdump listings, or a value godx cannot decode)
  kIndex,       // s[x]: 0 <= x < len(s)
  kSliceAlen,   // s[:x]: x <= len(s)
  kSliceAcap,   // s[:x]: x <= cap(s)
  kSliceB,      // s[x:y]: x <= y
  kSlice3Alen,  // s[::x]: x <= len(s)
  kSlice3Acap,  // s[::x]: x <= cap(s)
  kSlice3B,     // s[:x:y]: x <= y
  kSlice3C,     // s[x:y:]: x <= y
  kConvert,     // (*[x]T)(s): x <= len(s)
};

// Whether the failing operand x was a signed integer (runtime.panicIndex vs panicIndexU).
// PCDATA $4 records it only for an x held in a register, so a constant x leaves it unknown.
enum class Signedness : uint8_t { kUnknown, kSigned, kUnsigned };

// One operand of a PCDATA $4 encoding: a register number (0-15, an index into the registers
// panicBounds saves, e.g. 3 = BX on amd64) or a constant (0-31).
struct BoundsOperand {
  bool in_register = false;
  uint8_t value = 0;
};

// Where a BoundsCheck's kind came from, or why it is unknown.
enum class BoundsSource : uint8_t {
  kCallee,       // the entry point's name (Go ≤1.25)
  kPcdata,       // the PCDATA $4 value before runtime.panicBounds (-S listings, Go 1.26+)
  kObjdump,      // runtime.panicBounds in objdump, which prints no PCDATA
  kNoPcdata,     // runtime.panicBounds in -S without a PCDATA $4 before it
  kUndecodable,  // a PCDATA $4 value DecodePanicBounds rejects (`pcdata` holds it)
};

struct BoundsCheck {
  BoundsKind kind = BoundsKind::kUnknown;
  BoundsSource source = BoundsSource::kCallee;
  Signedness x_sign = Signedness::kUnknown;
  bool extend = false;  // panicExtend*: a 64-bit x on a 32-bit target (register value hi<<2|lo)
  bool has_operands = false;  // x and y below come from PCDATA $4
  BoundsOperand x, y;
  int64_t pcdata = -1;  // the PCDATA $4 value, -1 when none was read
};

struct Instruction {
  uint64_t pc = 0;    // offset from the function's entry
  uint64_t addr = 0;  // absolute address (objdump); equals pc for -S listings
  StringId file = 0;  // as printed: absolute path (-S) or base name (objdump)
  uint32_t line = 0;  // 0 when unknown ("(?)")
  bool call = false;
  bool pseudo = false;  // TEXT, FUNCDATA, PCDATA: no machine code
  CheckKind check = CheckKind::kNone;
  StringId target = 0;    // call target ("runtime.panicIndex")
  BoundsCheck bounds;     // check == kBounds: which comparison failed
  std::string_view text;  // "CALL runtime.panicIndex(SB)" (opcode and operands)
  // objdump -S: the source line printed above the instruction (its file:line is not printed).
  std::string_view source;
};

struct AsmFunction {
  StringId name = 0;
  StringId file = 0;            // objdump's header file, else the first instruction's file
  uint64_t start = 0;           // entry address (objdump), 0 for -S
  uint32_t first = 0, end = 0;  // instruction range in Listing::instructions
};

// A bounds check that survived prove (-d=ssa/check_bce/debug=1 or -json isInBounds).
struct BceSite {
  StringId file = 0;
  uint32_t line = 0, col = 0;
  bool slice = false;  // IsSliceInBounds
};

struct Listing {
  StringPool pool;
  std::string_view text;
  std::vector<AsmFunction> functions;
  std::vector<Instruction> instructions;
  std::vector<BceSite> bce;
  std::string format;  // "-S", "objdump", "check_bce", or a combination joined by "+"
  // "x86" (amd64, 386) or "arm64" when the instructions show it, else empty: only used to name
  // the registers a PCDATA $4 value numbers.
  std::string arch;
  uint64_t lines = 0;
  uint64_t other_lines = 0;
  uint64_t malformed = 0;
  uint64_t first_malformed_line = 0;
  std::vector<std::string> warnings;
};

// Where a traceback frame's return address lands (`godx asm --at`, `godx stacks` with an objdump).
struct PanicSite {
  std::string function;
  std::string file;
  uint32_t line = 0;
  uint64_t offset = 0;         // the site's offset in the function
  uint64_t return_offset = 0;  // the offset that was asked about
  std::string instruction;     // "CALL runtime.panicIndex(SB)"
  std::string callee;          // "runtime.panicIndex" (empty for a faulting instruction)
  std::string source;          // objdump -S only: the source text above the instruction
  CheckKind check = CheckKind::kNone;
  BoundsCheck bounds;  // check == kBounds
  std::string arch;    // Listing::arch, to name bounds registers
  // Set when the offset fits the listing badly (no call before it, no memory access at it):
  // the listing is probably from another build.
  std::string note;
};

}  // namespace godx::compiler
