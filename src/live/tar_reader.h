// Reads the tar stream the in-process agent (agent/, /debug/godx/bundle) sends: POSIX ustar
// members of plain regular files, as Go's archive/tar writes them. Anything else (directories,
// links, GNU/PAX extensions, names with '/') is refused: a bundle holds plain file names only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace godx::live {

// One member. `data` views the input: it lives as long as the bytes given to ReadTar.
struct TarMember {
  std::string name;
  std::string_view data;
};

struct TarContents {
  std::vector<TarMember> members;
  // Set when the stream ends inside a member or its header (a service that died mid-answer): the
  // members before it are whole and kept. Names the byte offset.
  std::string cut;
};

// `name` names the input in error messages. A header that is not ustar, fails its checksum or
// describes something other than a plain file is an error naming its offset; a stream cut short
// is not (see TarContents::cut).
Result<TarContents> ReadTar(std::string_view bytes, const std::string& name);

}  // namespace godx::live
