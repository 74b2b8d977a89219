// Small checks on text input shared by every text reader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace godx {

// True when the first bytes look like binary data rather than text (NUL bytes, or many control
// characters). Used to give "expected text" errors instead of parsing garbage.
bool LooksBinary(std::string_view head);

// First line of `s`, cut to at most `max` bytes, with control characters replaced, for quoting
// input in one-line error messages.
std::string_view FirstLine(std::string_view s, size_t max = 60);

}  // namespace godx

namespace godx {

// Where `marker` starts in `line`: 0 when the line starts with it, or an offset within the first
// `max_prefix` bytes when a log prefix (timestamp, pod name) stands before it and the byte just
// before the marker is a space, tab, or punctuation. npos when absent.
size_t FindMarker(std::string_view line, std::string_view marker, size_t max_prefix = 96);
// The rule FindMarker applies to the byte before a marker behind a prefix: a space, a tab, or
// ASCII punctuation other than '_' and '.' (for readers that look for several markers at once).
bool IsMarkerBoundary(char before);

// Where `needle` first occurs in `text` (npos when absent), for searching whole inputs.
// std::string_view::find looks for the needle's first byte with memchr and compares from there: on
// a needle that starts with a common byte (' ', ':') it stops every few bytes and reads a large
// input at well under 1 GB/s. glibc's memmem (two-way matching) keeps its speed on any needle.
size_t FindText(std::string_view text, std::string_view needle);

// Appends code point `cp` to `out` as UTF-8 (for \u escapes in Go-quoted and JSON strings).
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace godx
