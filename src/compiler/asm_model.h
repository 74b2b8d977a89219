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

struct Instruction {
  uint64_t pc = 0;    // offset from the function's entry
  uint64_t addr = 0;  // absolute address (objdump); equals pc for -S listings
  StringId file = 0;  // as printed: absolute path (-S) or base name (objdump)
  uint32_t line = 0;  // 0 when unknown ("(?)")
  bool call = false;
  bool pseudo = false;  // TEXT, FUNCDATA, PCDATA: no machine code
  CheckKind check = CheckKind::kNone;
  StringId target = 0;    // call target ("runtime.panicIndex")
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
  // Set when the offset fits the listing badly (no call before it, no memory access at it):
  // the listing is probably from another build.
  std::string note;
};

}  // namespace godx::compiler
