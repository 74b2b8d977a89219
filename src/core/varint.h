// Checked varint decoding (protobuf and Go's execution-trace formats): a one-byte fast path and a
// loop that never reads past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace godx {

// Reads an unsigned LEB128 varint at data[*pos]; advances *pos. False on truncation or a varint
// longer than 10 bytes.
inline bool ReadUvarint(std::string_view data, size_t* pos, uint64_t* out) {
  size_t p = *pos;
  if (p < data.size() && static_cast<unsigned char>(data[p]) < 0x80) {
    *out = static_cast<unsigned char>(data[p]);
    *pos = p + 1;
    return true;
  }
  uint64_t v = 0;
  for (int shift = 0; shift < 70 && p < data.size(); shift += 7, ++p) {
    auto b = static_cast<unsigned char>(data[p]);
    if (shift == 63 && b > 1) return false;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *out = v;
      *pos = p + 1;
      return true;
    }
  }
  return false;
}

}  // namespace godx
