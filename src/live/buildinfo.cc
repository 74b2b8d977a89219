#include "live/buildinfo.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "core/varint.h"

namespace godx::live {

namespace {

constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr uint8_t kFlagVersionInline = 0x2;
constexpr uint64_t kMaxScan = uint64_t{64} << 20;
constexpr uint64_t kMaxBlob = uint64_t{4} << 20;

bool ReadString(std::string_view s, size_t* pos, std::string_view* out) {
  uint64_t n;
  if (!ReadUvarint(s, pos, &n) || n > s.size() - *pos) return false;
  *out = s.substr(*pos, n);
  *pos += n;
  return true;
}

// The module info: "path\t<main package>\nmod\t<module>\t<version>\t<sum>\n..." wrapped in 16-byte
// sentinels.
std::string ModulePath(std::string_view mod) {
  std::string path;
  size_t pos = 0;
  while (pos < mod.size()) {
    size_t nl = mod.find('\n', pos);
    std::string_view line = mod.substr(pos, nl == std::string_view::npos ? mod.npos : nl - pos);
    pos = nl == std::string_view::npos ? mod.size() : nl + 1;
    size_t at = line.find("mod\t");
    if (at != std::string_view::npos && (at == 0 || line.substr(0, at).find('\t') == line.npos)) {
      std::string_view rest = line.substr(at + 4);
      return std::string(rest.substr(0, rest.find('\t')));
    }
    at = line.find("path\t");
    if (at != std::string_view::npos && path.empty()) path = std::string(line.substr(at + 5));
  }
  return path;
}

}  // namespace

Result<GoBuildInfo> ParseGoBuildInfo(std::string_view blob) {
  if (blob.substr(0, kMagic.size()) != kMagic) {
    return Status::Error("offset 0: expected the Go build info magic '\\xff Go buildinf:'");
  }
  if (blob.size() < 32) {
    return Status::Error(fmt::format("offset {}: build info header cut short", blob.size()));
  }
  uint8_t flags = static_cast<uint8_t>(blob[15]);
  if ((flags & kFlagVersionInline) == 0) {
    return Status::Error(
        "offset 15: pre-Go 1.18 build info (pointers into the data segment), which godx does not "
        "follow; run 'go version -m' on the binary");
  }
  size_t pos = 32;
  std::string_view version, mod;
  if (!ReadString(blob, &pos, &version)) {
    return Status::Error(fmt::format("offset {}: expected the Go version string", pos));
  }
  GoBuildInfo info;
  info.go_version = std::string(version);
  if (ReadString(blob, &pos, &mod)) info.module_path = ModulePath(mod);
  return info;
}

namespace {

template <typename T>
T Load(const std::vector<char>& b, size_t off) {
  T v{};
  if (off + sizeof(T) <= b.size()) std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

enum class Section { kFound, kAbsent, kNoTable };

// Offset and size of .go.buildinfo in a little-endian ELF file. kAbsent when the section table
// was read and has no such section (not a Go binary); kNoTable when there is no usable table.
Section FindSection(std::ifstream& f, uint64_t file_size, uint64_t* off, uint64_t* size) {
  constexpr Section kNoTable = Section::kNoTable;
  std::vector<char> eh(64);
  f.seekg(0);
  if (!f.read(eh.data(), 64)) return kNoTable;
  bool is64 = eh[4] == 2;
  if (eh[5] != 1) return kNoTable;  // big-endian: leave it to the scan
  uint64_t shoff = is64 ? Load<uint64_t>(eh, 0x28) : Load<uint32_t>(eh, 0x20);
  uint16_t shentsize = Load<uint16_t>(eh, is64 ? 0x3A : 0x2E);
  uint16_t shnum = Load<uint16_t>(eh, is64 ? 0x3C : 0x30);
  uint16_t shstrndx = Load<uint16_t>(eh, is64 ? 0x3E : 0x32);
  if (shnum == 0 || shentsize < (is64 ? 64 : 40) || shstrndx >= shnum) return kNoTable;
  uint64_t table = uint64_t(shnum) * shentsize;
  if (shoff > file_size || table > file_size - shoff || table > (uint64_t{1} << 24)) {
    return kNoTable;
  }
  std::vector<char> sh(table);
  f.seekg(static_cast<std::streamoff>(shoff));
  if (!f.read(sh.data(), static_cast<std::streamsize>(table))) return kNoTable;
  auto sec = [&](uint32_t i, uint64_t* o, uint64_t* s) {
    size_t base = size_t(i) * shentsize;
    *o = is64 ? Load<uint64_t>(sh, base + 0x18) : Load<uint32_t>(sh, base + 0x10);
    *s = is64 ? Load<uint64_t>(sh, base + 0x20) : Load<uint32_t>(sh, base + 0x14);
  };
  uint64_t str_off, str_size;
  sec(shstrndx, &str_off, &str_size);
  if (str_off > file_size || str_size > file_size - str_off || str_size > (1u << 20)) {
    return kNoTable;
  }
  std::vector<char> names(str_size);
  f.seekg(static_cast<std::streamoff>(str_off));
  if (!f.read(names.data(), static_cast<std::streamsize>(str_size))) return kNoTable;
  for (uint32_t i = 0; i < shnum; ++i) {
    uint32_t name = Load<uint32_t>(sh, size_t(i) * shentsize);
    if (name >= names.size()) continue;
    std::string_view n(names.data() + name, strnlen(names.data() + name, names.size() - name));
    if (n == ".go.buildinfo") {
      sec(i, off, size);
      return *off <= file_size && *size <= file_size - *off ? Section::kFound : kNoTable;
    }
  }
  return Section::kAbsent;
}

}  // namespace

Result<GoBuildInfo> ReadGoBuildInfo(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return Status::Error(fmt::format("{}: cannot read the binary", path));
  uint64_t file_size = static_cast<uint64_t>(f.tellg());
  char magic[4] = {};
  f.seekg(0);
  if (!f.read(magic, 4) || std::memcmp(magic,
                                       "\x7f"
                                       "ELF",
                                       4) != 0) {
    return Status::Error(fmt::format("{}: offset 0: not an ELF binary", path));
  }
  uint64_t off = 0, size = 0;
  std::string blob;
  Section found = FindSection(f, file_size, &off, &size);
  if (found == Section::kAbsent) {
    // Every Go binary since 1.13 has the section; a binary whose table lacks it is not Go (its
    // bytes may still hold the magic, e.g. in a tool that reads Go binaries).
    return Status::Error(fmt::format(
        "{}: no Go build info (no .go.buildinfo section: not a Go program, or built before Go "
        "1.13)",
        path));
  }
  if (found == Section::kFound) {
    blob.resize(std::min(size, kMaxBlob));
    f.clear();
    f.seekg(static_cast<std::streamoff>(off));
    f.read(blob.data(), static_cast<std::streamsize>(blob.size()));
    return ParseGoBuildInfo(blob);
  }
  // No usable section table (stripped of it): look for the 16-byte aligned magic.
  f.clear();
  f.seekg(0);
  constexpr size_t kChunk = 1 << 20;
  std::string buf(kChunk + 64, '\0');
  uint64_t base = 0;
  while (base < std::min(file_size, kMaxScan)) {
    f.clear();
    f.seekg(static_cast<std::streamoff>(base));
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    size_t got = static_cast<size_t>(f.gcount());
    std::string_view view(buf.data(), got);
    for (size_t at = view.find(kMagic); at != view.npos; at = view.find(kMagic, at + 1)) {
      if ((base + at) % 16 != 0) continue;
      std::string tail(std::min<uint64_t>(kMaxBlob, file_size - (base + at)), '\0');
      f.clear();
      f.seekg(static_cast<std::streamoff>(base + at));
      f.read(tail.data(), static_cast<std::streamsize>(tail.size()));
      tail.resize(static_cast<size_t>(f.gcount()));
      return ParseGoBuildInfo(tail);
    }
    if (got < buf.size()) break;
    base += kChunk;
  }
  return Status::Error(
      fmt::format("{}: no Go build info (not a Go program, or built before Go 1.13)", path));
}

}  // namespace godx::live
