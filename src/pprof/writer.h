// Encoding a Profile as profile.proto, the form `go tool pprof` and every pprof-aware tool read.
// Ids are renumbered 1..N in index order; the string table is the profile's StringPool.
#pragma once

#include <string>

#include "core/status.h"
#include "pprof/model.h"

namespace godx::pprof {

// The serialized message (not compressed).
std::string EncodeProto(const Profile& p);
// gzip-compressed bytes (what profile files on disk hold).
Result<std::string> Gzip(std::string_view raw, int level = 6);
// EncodeProto then Gzip.
Result<std::string> EncodeProfileFile(const Profile& p);

}  // namespace godx::pprof
