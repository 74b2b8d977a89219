// Pieces of the legacy (pre-profile.proto) formats shared by the readers: the memory map that
// trails gperftools and old Go profiles, which assigns locations to binaries.
#pragma once

#include <string_view>

#include "pprof/model.h"

namespace godx::pprof {

// Finds the memory-map section in `rest` ("--- Memory map: ---" or "MAPPED_LIBRARIES:"; when
// `from_start` the whole of `rest` is the map), adds its executable mappings to `p` and links
// each location to the mapping holding its address, as pprof's ParseMemoryMap does (adjacent
// pieces merged, the main binary first, a catch-all mapping for unmapped addresses).
void AttachMemoryMap(std::string_view rest, bool from_start, Profile* p);

}  // namespace godx::pprof
