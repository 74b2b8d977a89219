#include "live/smaps.h"

#include <fmt/format.h>

#include <fstream>
#include <vector>

#include "core/line_cursor.h"

namespace godx::live {

namespace {

// Below this address an anonymous mapping belongs to the Go runtime: the heap arenas start at
// 0xc000000000 (+ i<<40 hints) and, with Go 1.26's randomised heap base, below 2^46 on amd64;
// the kernel places mmap(NULL) mappings (syscall.Mmap, C malloc, thread stacks) top-down from
// just below 2^47. Non-PIE binaries' data and brk lie low too, but those are file-backed or
// [heap].
constexpr uint64_t kGoRangeEnd = uint64_t{1} << 46;
// glibc's malloc arenas are HEAP_MAX_SIZE (64 MiB) reservations aligned to their size: a
// read-write part at the aligned start, the rest PROT_NONE up to the next boundary.
constexpr uint64_t kArenaBytes = uint64_t{64} << 20;
// pthread stacks sit right above a PROT_NONE guard (one page by default, a few with
// pthread_attr_setguardsize); their size is the stack rlimit (8 MiB) or what the creator asked.
constexpr uint64_t kMaxGuard = 64 << 10;
constexpr uint64_t kMinStack = 16 << 10, kMaxStack = uint64_t{64} << 20;

struct Mapping {
  uint64_t start = 0, end = 0;
  bool rw = false, none = false;  // "rw-p"; "---p"
  std::string_view name;          // "", "[heap]", "/usr/lib/libc.so.6", "/tmp/x (deleted)"
  int64_t rss = 0;
};

bool ParseHexRange(std::string_view s, uint64_t* a, uint64_t* b) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= s.size()) return false;
  auto hex = [](std::string_view h, uint64_t* out) {
    if (h.size() > 16) return false;
    uint64_t v = 0;
    for (char c : h) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + uint64_t(d);
    }
    *out = v;
    return true;
  };
  return hex(s.substr(0, dash), a) && hex(s.substr(dash + 1), b) && *b >= *a;
}

// "55d0c0a4e000-55d0c0a50000 r--p 00000000 fe:00 123  /usr/bin/x" → a Mapping (rss 0).
bool ParseHeader(std::string_view line, Mapping* m) {
  std::string_view f[6];
  size_t n = 0, i = 0;
  while (n < 5) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i == start) return false;
    f[n++] = line.substr(start, i - start);
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (f[1].size() != 4 || !ParseHexRange(f[0], &m->start, &m->end)) return false;
  m->rw = f[1][0] == 'r' && f[1][1] == 'w';
  m->none = f[1].substr(0, 3) == "---";
  m->name = line.substr(i);
  return true;
}

int64_t ParseKb(std::string_view v) {
  int64_t n = 0;
  size_t i = 0;
  while (i < v.size() && v[i] == ' ') ++i;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    if (n > (INT64_MAX / 10) / 1024) return 0;
    n = n * 10 + (v[i] - '0');
  }
  return n * 1024;
}

bool IsFile(std::string_view name) { return !name.empty() && name[0] == '/'; }

}  // namespace

MemoryKinds ParseSmaps(std::string_view text, bool cut) {
  std::vector<Mapping> maps;
  LineCursor lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    char c = line[0];
    bool hex_start = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (hex_start) {
      Mapping m;
      if (ParseHeader(line, &m)) maps.push_back(m);
      continue;
    }
    if (!maps.empty() && line.starts_with("Rss:")) maps.back().rss = ParseKb(line.substr(4));
  }
  MemoryKinds k;
  k.cut = cut;
  k.mappings = int64_t(maps.size());
  for (size_t i = 0; i < maps.size(); ++i) {
    const Mapping& m = maps[i];
    if (m.name == "[heap]") {
      k.malloc += m.rss;
      continue;
    }
    if (m.name == "[stack]") {
      k.stacks += m.rss;
      ++k.stack_count;
      continue;
    }
    if (IsFile(m.name)) {
      k.file += m.rss;
      std::string key(m.name);
      if (k.files.size() >= kMaxSmapsFiles && !k.files.contains(key)) key = "(other files)";
      k.files[key] += m.rss;
      continue;
    }
    // Go 1.25+ names its mappings where the kernel allows it (CONFIG_ANON_VMA_NAME).
    if (m.name.starts_with("[anon: Go:")) {
      k.go_heap += m.rss;
      continue;
    }
    if (!m.name.empty() || !m.rw) continue;  // [vdso], [vvar], shared memory, guard regions
    const Mapping* prev = i > 0 ? &maps[i - 1] : nullptr;
    const Mapping* next = i + 1 < maps.size() ? &maps[i + 1] : nullptr;
    uint64_t size = m.end - m.start;
    if (prev && prev->none && prev->name.empty() && prev->end == m.start &&
        prev->end - prev->start <= kMaxGuard && size >= kMinStack && size <= kMaxStack) {
      k.stacks += m.rss;
      ++k.stack_count;
    } else if (m.start >= kGoRangeEnd && m.start % kArenaBytes == 0 &&
               (size == kArenaBytes ||
                (next && next->none && next->name.empty() && next->start == m.end &&
                 next->end == m.start + kArenaBytes))) {
      k.malloc += m.rss;
      ++k.malloc_arenas;
    } else if (m.start < kGoRangeEnd) {
      k.go_heap += m.rss;
    } else {
      k.anon_other += m.rss;
    }
  }
  return k;
}

Result<MemoryKinds> ReadMemoryKinds(int64_t pid, const std::string& proc_root, std::string* text) {
  std::string path = fmt::format("{}/{}/smaps", proc_root, pid);
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Error(fmt::format("{}: not readable", path));
  std::string buf;
  char chunk[65536];
  bool cut = false;
  while (f.read(chunk, sizeof chunk).gcount() > 0) {
    buf.append(chunk, static_cast<size_t>(f.gcount()));
    if (buf.size() >= kMaxSmapsBytes) {
      cut = true;
      // Keep whole mappings only: drop the one the cap cut.
      buf.resize(kMaxSmapsBytes);
      size_t last = buf.rfind("\nVmFlags:");
      size_t eol = last == std::string::npos ? last : buf.find('\n', last + 1);
      if (eol != std::string::npos) buf.resize(eol + 1);
      break;
    }
  }
  MemoryKinds k = ParseSmaps(buf, cut);
  if (text != nullptr) *text = std::move(buf);
  return k;
}

std::span<const MemoryKind> MemoryKindTable() {
  static const MemoryKind kKinds[] = {
      {"file", "file-backed mmap regions", &MemoryKinds::file},
      {"anon", "anonymous mappings outside the Go heap", &MemoryKinds::anon_other},
      {"malloc", "the C malloc arenas", &MemoryKinds::malloc},
      {"stacks", "thread stacks", &MemoryKinds::stacks},
      {"go_heap", "the Go heap", &MemoryKinds::go_heap},
  };
  return kKinds;
}

}  // namespace godx::live
