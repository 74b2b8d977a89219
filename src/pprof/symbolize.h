// Symbolisation of address-only profiles from the program's binary, as `go tool pprof BINARY
// PROFILE` does locally: function names from the ELF symbol table, file and line from the DWARF
// line table (elfutils' libdw). Profiles written without symbols (perf-style converters, C++
// profilers, Go profiles stripped on the way) become readable when the binary is at hand.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "pprof/model.h"
#include "pprof/options.h"

namespace godx::pprof {

struct SymbolizeStats {
  size_t locations = 0;   // address-only locations looked at
  size_t symbolized = 0;  // of them, given a function
};

// Symbolises the address-only locations of the mappings the binary at `binary` serves (the
// main mapping when the profile names no file). Mappings that already have functions are left
// alone. An unreadable binary is an error naming it.
Result<SymbolizeStats> SymbolizeWithBinary(Profile* p, const std::string& binary);

// pprof's local symbolisation step: the binary given on the command line, else each mapping's
// file found under $PPROF_BINARY_PATH (directories, ':'-separated; by base name or
// build id, as pprof looks). Nothing happens with -symbolize=none or when no binary is found.
Status SymbolizeProfile(Profile* p, const PprofOptions& o);

// The DWARF file and line of each address of `binary` ({"", 0} where it has none), for
// -disasm/-weblist when objdump's own line lookup finds nothing (binutils 2.40 reads no lines
// from Go 1.26's DWARF 5).
Result<std::vector<std::pair<std::string, int>>> DwarfLines(const std::string& binary,
                                                           const std::vector<uint64_t>& vaddrs);

}  // namespace godx::pprof
