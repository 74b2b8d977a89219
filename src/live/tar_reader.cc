#include "live/tar_reader.h"

#include <fmt/format.h>

namespace godx::live {

namespace {

constexpr size_t kBlock = 512;

// Octal numbers in header fields: digits, padded with spaces or NULs.
bool ParseOctal(std::string_view field, uint64_t* out) {
  uint64_t v = 0;
  bool digits = false;
  for (char c : field) {
    if (c == ' ' || c == '\0') {
      if (digits) break;
      continue;
    }
    if (c < '0' || c > '7') return false;
    if (v > (uint64_t{1} << 60)) return false;
    v = v * 8 + uint64_t(c - '0');
    digits = true;
  }
  *out = v;
  return digits;
}

std::string_view CString(std::string_view field) {
  size_t nul = field.find('\0');
  return nul == std::string_view::npos ? field : field.substr(0, nul);
}

bool AllZero(std::string_view block) {
  return block.find_first_not_of('\0') == std::string_view::npos;
}

}  // namespace

Result<TarContents> ReadTar(std::string_view bytes, const std::string& name) {
  TarContents out;
  size_t at = 0;
  while (true) {
    if (bytes.empty()) return Status::Error(fmt::format("{}: empty, expected a tar stream", name));
    if (at >= bytes.size()) {
      out.cut = fmt::format("the tar stream ends at offset {} without its end blocks", bytes.size());
      return out;
    }
    if (bytes.size() - at < kBlock) {
      out.cut = fmt::format("the tar stream ends at offset {} inside a header", bytes.size());
      return out;
    }
    std::string_view h = bytes.substr(at, kBlock);
    if (AllZero(h)) return out;  // the end-of-archive blocks
    uint64_t sum = 0, want = 0;
    for (size_t i = 0; i < kBlock; ++i) {
      sum += (i >= 148 && i < 156) ? uint64_t(' ') : uint64_t(static_cast<unsigned char>(h[i]));
    }
    if (!ParseOctal(h.substr(148, 8), &want) || want != sum) {
      return Status::Error(
          fmt::format("{}: offset {}: not a tar header (checksum {} != {})", name, at, want, sum));
    }
    if (h.substr(257, 5) != "ustar") {
      return Status::Error(fmt::format("{}: offset {}: not a ustar header", name, at));
    }
    char type = h[156];
    std::string member(CString(h.substr(0, 100)));
    std::string_view prefix = CString(h.substr(345, 155));
    if (type != '0' && type != '\0') {
      return Status::Error(fmt::format(
          "{}: offset {}: member '{}' is of type '{}', expected a plain file", name, at, member,
          type));
    }
    if (!prefix.empty() || member.empty() || member.find('/') != std::string::npos ||
        member == "." || member == "..") {
      return Status::Error(
          fmt::format("{}: offset {}: member '{}' is not a plain file name", name, at, member));
    }
    uint64_t size = 0;
    if (!ParseOctal(h.substr(124, 12), &size)) {
      return Status::Error(fmt::format("{}: offset {}: bad size field", name, at));
    }
    at += kBlock;
    if (size > bytes.size() - at) {
      out.cut = fmt::format("the tar stream ends at offset {} inside '{}' ({} of {} bytes)",
                            bytes.size(), member, bytes.size() - at, size);
      return out;
    }
    out.members.push_back({std::move(member), bytes.substr(at, size)});
    at += (size + kBlock - 1) / kBlock * kBlock;
  }
}

}  // namespace godx::live
