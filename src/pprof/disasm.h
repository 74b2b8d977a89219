// pprof's -disasm and -weblist: the functions of the program's binary that match a regexp,
// disassembled by binutils' objdump (as upstream pprof runs it), each instruction annotated with
// the samples at its address and the source line objdump reads from DWARF. Symbols, their
// selection, order and the ROUTINE text follow `go tool pprof` (cmd/pprof): the ELF symbol table
// by name and size, regexp on the symbol name. Only the instruction text differs from Go's own
// disassembler (objdump prints GNU syntax, AT&T or -intel_syntax's Intel).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "pprof/model.h"
#include "pprof/text_report.h"

namespace godx::pprof {

// One disassembled instruction (pprof's plugin.Inst, without the function objdump names).
struct Instruction {
  uint64_t address = 0;
  std::string text;
  std::string file;  // full path as the DWARF line table has it ("" when unknown)
  int64_t line = 0;
};

// Parses `objdump --line-numbers` output as pprof's binutils.disassemble does: "ADDR: text"
// instruction lines carry the last "FILE:LINE" seen; any other line resets the location.
std::vector<Instruction> ParseObjdump(std::string_view out);

// Runs objdump on [start, end) of `binary`. Errors name the binary and objdump's exit status.
Result<std::vector<Instruction>> Disassemble(const std::string& binary, uint64_t start, uint64_t end,
                                             bool intel_syntax);

// -disasm=REGEX on a profile prepared by PreparePprofReport (address granularity, no inlines).
Result<std::string> DisasmOutput(const Profile& p, ReportContext& ctx);

// -weblist=REGEX: one self-contained HTML page, each matching function's source lines with
// their samples, every line unfolding into its instructions.
Result<std::string> WeblistOutput(const Profile& p, ReportContext& ctx);

}  // namespace godx::pprof
