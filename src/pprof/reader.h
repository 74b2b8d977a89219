// Reading profiles: profile.proto (gzipped or not) and the text forms Go writes with ?debug=1
// (heap/allocs, block/mutex contention, goroutine/threadcreate counts), keeping the function
// names and labels that text carries.
#pragma once

#include <string_view>

#include "core/input.h"
#include "core/status.h"
#include "pprof/model.h"

namespace godx::pprof {

struct ReadOptions {
  // Caps on what input drives us to allocate; a profile beyond them is an error, not an OOM.
  uint64_t max_samples = uint64_t{1} << 31;
  uint64_t max_stack_depth = 1 << 20;
  // Inlined frames per location (Go's inliner nests a handful); a cap keeps a location referenced
  // a million times from expanding into billions of frames.
  uint64_t max_lines_per_location = 1024;
};

// Reads any supported form. `name` is used in error messages ("<name>: byte N: ...").
Result<Profile> ReadProfile(std::string_view name, std::string_view data,
                            const ReadOptions& options = {});
// A profile.proto cut short cannot be shown (Go writes the string table last); the error then
// says the input was cut and where.
Result<Profile> ReadProfile(const Input& input, const ReadOptions& options = {});

// The individual readers (ReadProfile picks one by content).
Result<Profile> ReadProto(std::string_view name, std::string_view data, const ReadOptions& options);
Result<Profile> ReadGoText(std::string_view name, std::string_view data, const ReadOptions& options);
// gperftools' binary CPU profile, which Go also wrote before Go 1.9.
Result<Profile> ReadLegacyCpu(std::string_view name, std::string_view data);
bool LooksLikeLegacyCpu(std::string_view head);
// gperftools' thread dumps and Java's heapz/contentionz text (legacy_text_reader.cc).
Result<Profile> ReadLegacyText(std::string_view name, std::string_view data);
bool LooksLikeLegacyText(std::string_view head);

// 0..100: how sure we are that `head` (decompressed) starts a profile godx reads.
int SniffProfile(std::string_view head);
// True when `head` starts like one of Go's debug=1 text profiles.
bool LooksLikeGoText(std::string_view head);
// True when `head` parses as the first fields of a profile.proto message.
bool LooksLikeProto(std::string_view head);

}  // namespace godx::pprof
