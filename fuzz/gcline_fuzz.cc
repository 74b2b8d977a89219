// libFuzzer target, differential: on every line of arbitrary bytes, the fast path for the common
// gctrace line (gclog/common_line.h) must either decline or give exactly what the general parser
// gives, and must never read past the 16 bytes its contract allows after the line.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "gclog/common_line.h"
#include "gclog/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // Exactly what the contract promises: the line, its '\n', 16 more bytes (ASan guards the rest).
    std::vector<char> buf(line.size() + 1 + 16, 'x');
    std::memcpy(buf.data(), line.data(), line.size());
    buf[line.size()] = '\n';
    godx::gclog::GcCycle fast;
    const char* stop = godx::gclog::ParseCommonGcLine(buf.data(), &fast);
    if (stop == nullptr) continue;
    if (stop > buf.data() + line.size()) __builtin_trap();  // read past the line
    auto general = godx::gclog::ParseGcLine(line);
    if (!general || !(fast == *general)) __builtin_trap();
  }
  return 0;
}
