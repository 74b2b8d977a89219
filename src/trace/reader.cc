#include "trace/reader.h"

#include <fmt/format.h>

#include "trace/reader_internal.h"

namespace godx::trace {

namespace {

// Header versions some Go release wrote (the format version, not always the release: Go 1.11-1.18
// write "go 1.11", 1.23-1.24 "go 1.23", 1.26-1.27 "go 1.26").
bool KnownVersion(int minor) {
  switch (minor) {
    case 5: case 7: case 8: case 9: case 10: case 11: case 19: case 21:
    case 22: case 23: case 25: case 26:
      return true;
    default:
      return false;
  }
}

// The minor version in "go 1.N trace" followed by NULs to 16 bytes; -1 when the bytes are not
// one.
int HeaderMinor(std::string_view data) {
  if (data.size() < kHeaderSize || data.substr(0, 5) != "go 1.") return -1;
  size_t i = 5;
  int minor = 0;
  while (i < 8 && data[i] >= '0' && data[i] <= '9') minor = minor * 10 + (data[i++] - '0');
  if (i == 5 || data.substr(i, 6) != " trace") return -1;
  for (i += 6; i < kHeaderSize; ++i) {
    if (data[i] != '\0') return -1;
  }
  return minor;
}

}  // namespace

Result<int> ParseHeader(std::string_view data, const std::string& name) {
  int minor = HeaderMinor(data);
  if (minor < 0) {
    return internal::ErrorAt(name, 0,
                             "expected a Go execution trace header (\"go 1.N trace\" padded with "
                             "NULs to 16 bytes)");
  }
  if (!KnownVersion(minor)) {
    return internal::ErrorAt(name, 0, fmt::format("unknown trace format version go 1.{}", minor));
  }
  return minor;
}

int SniffTrace(std::string_view head) { return HeaderMinor(head) >= 0 ? 100 : 0; }

Result<TraceInfo> ReadTraceBytes(std::string_view data, const std::string& name, EventSink& sink,
                                 const ReadOptions& options) {
  GODX_ASSIGN_OR_RETURN(int minor, ParseHeader(data, name));
  if (minor >= 22) return internal::ReadNewFormat(data, name, minor, sink, options);
  return internal::ReadOldFormat(data, name, minor, sink, options);
}

Result<TraceInfo> ReadTrace(const Input& input, EventSink& sink, const ReadOptions& options) {
  auto info = ReadTraceBytes(input.data(), input.name(), sink, options);
  if (info.ok() && !input.cut_note().empty() && info->cut.empty()) info->cut = input.cut_note();
  return info;
}

}  // namespace godx::trace
