// Pieces of the legacy (pre-profile.proto) formats shared by the readers: the memory map that
// trails gperftools and old Go profiles, which assigns locations to binaries.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "pprof/model.h"

namespace godx::pprof {

// Finds the memory-map section in `rest` ("--- Memory map: ---" or "MAPPED_LIBRARIES:"; when
// `from_start` the whole of `rest` is the map), adds its executable mappings to `p` and links
// each location to the mapping holding its address, as pprof's ParseMemoryMap does (adjacent
// pieces merged, the main binary first, a catch-all mapping for unmapped addresses).
void AttachMemoryMap(std::string_view rest, bool from_start, Profile* p);

// The symbol lines that follow Java profiles (" 0x0000003 com.example.f (Source.java:3)"):
// names the locations of `locs` (address -> location index); Java locations then lose their
// addresses, as pprof aggregates them.
void AttachJavaLocations(std::string_view rest, const std::unordered_map<uint64_t, uint32_t>& locs, Profile* p);

}  // namespace godx::pprof
