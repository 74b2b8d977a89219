#include "live/proc.h"

#include <dirent.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/line_cursor.h"
#include "live/buildinfo.h"

namespace godx::live {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "  123456 kB" → bytes; "42" → 42. -1 when not a number.
int64_t ParseValue(std::string_view v) {
  v = Trim(v);
  int64_t n = 0;
  size_t i = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    if (n > (INT64_MAX / 10) - 10) return -1;
    n = n * 10 + (v[i] - '0');
  }
  if (i == 0) return -1;
  std::string_view unit = Trim(v.substr(i));
  if (unit == "kB") return n > INT64_MAX / 1024 ? -1 : n * 1024;
  return n;
}

// Calls fn(key, value) for each "Key:\tvalue" line.
template <typename Fn>
void ForEachKey(std::string_view text, Fn fn) {
  LineCursor lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fn(line.substr(0, colon), line.substr(colon + 1));
  }
}

bool ReadSmallFile(const std::string& path, std::string* out, size_t cap = 1 << 20) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->clear();
  char buf[8192];
  while (out->size() < cap && f.read(buf, sizeof buf).gcount() > 0) {
    out->append(buf, static_cast<size_t>(f.gcount()));
  }
  if (out->size() > cap) out->resize(cap);
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool ParseHex(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = HexDigit(c);
    if (d < 0) return false;
    v = v * 16 + uint64_t(d);
  }
  *out = v;
  return true;
}

// /proc/net/tcp prints addresses as the kernel's in-memory words in host byte order (x86: little
// endian), 4 bytes per word.
std::string FormatAddress(std::string_view hex, bool v6) {
  auto byte_at = [&](size_t word, size_t b) {
    uint64_t w = 0;
    ParseHex(hex.substr(word * 8, 8), &w);
    return static_cast<unsigned>((w >> (8 * b)) & 0xff);
  };
  if (!v6)
    return fmt::format("{}.{}.{}.{}", byte_at(0, 0), byte_at(0, 1), byte_at(0, 2), byte_at(0, 3));
  unsigned char bytes[16];
  for (size_t w = 0; w < 4; ++w) {
    for (size_t b = 0; b < 4; ++b) bytes[w * 4 + b] = static_cast<unsigned char>(byte_at(w, b));
  }
  bool zero = true, loop = true, mapped = true;
  for (int i = 0; i < 16; ++i) {
    if (bytes[i] != 0) zero = false;
    if (bytes[i] != (i == 15 ? 1 : 0)) loop = false;
  }
  for (int i = 0; i < 12; ++i) {
    if (bytes[i] != (i >= 10 ? 0xff : 0)) mapped = false;
  }
  if (zero) return "::";
  if (loop) return "::1";
  if (mapped) return fmt::format("::ffff:{}.{}.{}.{}", bytes[12], bytes[13], bytes[14], bytes[15]);
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    if (i) out += ':';
    out += fmt::format("{:x}", (bytes[i] << 8) | bytes[i + 1]);
  }
  return out;
}

}  // namespace

Result<ProcStatus> ParseProcStatus(std::string_view text, const std::string& name) {
  ProcStatus st;
  bool has_name = false, has_pid = false;
  ForEachKey(text, [&](std::string_view k, std::string_view v) {
    if (k == "Name") {
      st.name = std::string(Trim(v));
      has_name = true;
    } else if (k == "Pid") {
      st.pid = ParseValue(v);
      has_pid = st.pid >= 0;
    } else if (k == "Threads") {
      st.threads = ParseValue(v);
    } else if (k == "VmRSS") {
      st.vm_rss = ParseValue(v);
    } else if (k == "RssAnon") {
      st.rss_anon = ParseValue(v);
    } else if (k == "RssFile") {
      st.rss_file = ParseValue(v);
    } else if (k == "RssShmem") {
      st.rss_shmem = ParseValue(v);
    } else if (k == "VmHWM") {
      st.vm_hwm = ParseValue(v);
    } else if (k == "VmSwap") {
      st.vm_swap = ParseValue(v);
    } else if (k == "Cpus_allowed_list") {
      st.cpus_allowed = CountCpuList(Trim(v));
    }
  });
  if (!has_name || !has_pid) {
    return Status::Error(
        fmt::format("{}: expected /proc/PID/status text with 'Name:' and 'Pid:' lines", name));
  }
  return st;
}

int64_t CountCpuList(std::string_view list) {
  int64_t count = 0;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view part = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    size_t dash = part.find('-');
    int64_t lo = ParseValue(part.substr(0, dash));
    int64_t hi = dash == std::string_view::npos ? lo : ParseValue(part.substr(dash + 1));
    if (lo < 0 || hi < lo || hi - lo > 1 << 20) return -1;
    count += hi - lo + 1;
  }
  return count > 0 ? count : -1;
}

SmapsRollup ParseSmapsRollup(std::string_view text) {
  SmapsRollup s;
  ForEachKey(text, [&](std::string_view k, std::string_view v) {
    if (k == "Rss")
      s.rss = ParseValue(v);
    else if (k == "Pss")
      s.pss = ParseValue(v);
    else if (k == "Anonymous")
      s.anonymous = ParseValue(v);
    else if (k == "LazyFree")
      s.lazy_free = ParseValue(v);
    else if (k == "AnonHugePages")
      s.anon_huge_pages = ParseValue(v);
    else if (k == "Swap")
      s.swap = ParseValue(v);
    else if (k == "Private_Dirty")
      s.private_dirty = ParseValue(v);
  });
  return s;
}

std::vector<Listener> ParseNetTcp(std::string_view text, bool v6) {
  // "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout
  // inode" "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0
  // 12345 ..."
  std::vector<Listener> out;
  LineCursor lines(text);
  std::string_view line;
  size_t addr_len = v6 ? 32 : 8;
  while (lines.Next(&line) && out.size() < 65536) {
    std::string_view fields[10];
    size_t n = 0, i = 0;
    while (n < 10) {
      while (i < line.size() && line[i] == ' ') ++i;
      if (i >= line.size()) break;
      size_t start = i;
      while (i < line.size() && line[i] != ' ') ++i;
      fields[n++] = line.substr(start, i - start);
    }
    if (n < 10 || fields[3] != "0A") continue;
    std::string_view local = fields[1];
    size_t colon = local.find(':');
    uint64_t port, inode = 0;
    if (colon != addr_len || !ParseHex(local.substr(colon + 1), &port) || port > 65535) continue;
    std::string_view inode_s = fields[9];
    for (char c : inode_s) {
      if (c < '0' || c > '9' || inode > UINT64_MAX / 10 - 10) {
        inode = 0;
        break;
      }
      inode = inode * 10 + uint64_t(c - '0');
    }
    if (inode == 0) continue;
    uint64_t check;
    bool hex_ok = true;
    for (size_t w = 0; w < addr_len; w += 8)
      hex_ok = hex_ok && ParseHex(local.substr(w, 8), &check);
    if (!hex_ok) continue;
    out.push_back(
        Listener{FormatAddress(local.substr(0, addr_len), v6), static_cast<uint16_t>(port), inode});
  }
  return out;
}

uint64_t SocketInode(std::string_view link) {
  if (link.substr(0, 8) != "socket:[" || link.back() != ']') return 0;
  uint64_t v = 0;
  for (char c : link.substr(8, link.size() - 9)) {
    if (c < '0' || c > '9' || v > UINT64_MAX / 10 - 10) return 0;
    v = v * 10 + uint64_t(c - '0');
  }
  return v;
}

Result<ProcessInfo> ReadProcess(int64_t pid, const std::string& proc_root) {
  ProcessInfo p;
  p.pid = pid;
  std::string dir = fmt::format("{}/{}", proc_root, pid);
  if (!ReadSmallFile(dir + "/status", &p.status_text)) {
    return Status::Error(fmt::format(
        "pid {}: no such process ({}/status is not readable); is the PID right and still running?",
        pid, dir));
  }
  GODX_ASSIGN_OR_RETURN(p.status, ParseProcStatus(p.status_text, dir + "/status"));
  if (ReadSmallFile(dir + "/smaps_rollup", &p.smaps_rollup_text)) {
    p.smaps = ParseSmapsRollup(p.smaps_rollup_text);
  }
  std::string cmdline;
  if (ReadSmallFile(dir + "/cmdline", &cmdline, 64 << 10)) {
    size_t start = 0;
    for (size_t i = 0; i <= cmdline.size(); ++i) {
      if (i == cmdline.size() || cmdline[i] == '\0') {
        if (i > start) p.cmdline.emplace_back(cmdline.substr(start, i - start));
        start = i + 1;
      }
    }
  }
  // GOMAXPROCS set in the environment wins over the CPU count (another user's environ is not
  // readable: then it stays unknown).
  std::string environ;
  if (ReadSmallFile(dir + "/environ", &environ, 1 << 20)) {
    size_t at = 0;
    while (at < environ.size()) {
      size_t end = environ.find('\0', at);
      if (end == std::string::npos) end = environ.size();
      std::string_view var(environ.data() + at, end - at);
      if (var.starts_with("GOMAXPROCS=")) p.gomaxprocs_env = ParseValue(var.substr(11));
      at = end + 1;
    }
  }
  char buf[4096];
  ssize_t n = readlink((dir + "/exe").c_str(), buf, sizeof buf - 1);
  if (n > 0) p.exe = std::string(buf, static_cast<size_t>(n));
  // Socket inodes the process holds; counting fds on the way (capped: a process with millions of
  // fds is itself a finding, counting them all is not needed).
  std::vector<uint64_t> inodes;
  if (DIR* d = opendir((dir + "/fd").c_str())) {
    p.fds = 0;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      ++p.fds;
      if (inodes.size() >= 4096) continue;
      ssize_t m = readlink((dir + "/fd/" + e->d_name).c_str(), buf, sizeof buf - 1);
      if (m > 0) {
        uint64_t inode = SocketInode(std::string_view(buf, static_cast<size_t>(m)));
        if (inode) inodes.push_back(inode);
      }
    }
    closedir(d);
  }
  for (bool v6 : {false, true}) {
    std::string text;
    if (!ReadSmallFile(dir + (v6 ? "/net/tcp6" : "/net/tcp"), &text, 16 << 20)) continue;
    for (auto& l : ParseNetTcp(text, v6)) {
      for (uint64_t inode : inodes) {
        if (inode == l.inode) {
          p.listeners.push_back(l);
          break;
        }
      }
    }
  }
  // /proc/PID/exe opens the running binary even when its file was replaced or deleted.
  auto info = ReadGoBuildInfo(dir + "/exe");
  if (info.ok()) {
    p.go_version = info->go_version;
    p.go_module = info->module_path;
  } else {
    p.go_buildinfo_note = info.status().message();
  }
  return p;
}

int64_t FindListenerPid(uint16_t port, const std::string& proc_root) {
  std::vector<uint64_t> inodes;
  for (bool v6 : {false, true}) {
    std::string text;
    if (!ReadSmallFile(proc_root + (v6 ? "/net/tcp6" : "/net/tcp"), &text, 64 << 20)) continue;
    for (const auto& l : ParseNetTcp(text, v6)) {
      if (l.port != port) continue;
      if (l.address == "127.0.0.1" || l.address == "0.0.0.0" || l.address == "::" ||
          l.address == "::1" || l.address == "::ffff:127.0.0.1") {
        inodes.push_back(l.inode);
      }
    }
  }
  if (inodes.empty()) return -1;
  DIR* d = opendir(proc_root.c_str());
  if (d == nullptr) return -1;
  int64_t found = -1;
  char buf[256];
  int processes = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    if (++processes > 4096) break;
    std::string fd_dir = proc_root + "/" + e->d_name + "/fd";
    DIR* fds = opendir(fd_dir.c_str());
    if (fds == nullptr) continue;  // another user's process
    int n = 0;
    while (dirent* f = readdir(fds)) {
      if (f->d_name[0] == '.') continue;
      if (++n > 65536) break;
      ssize_t m = readlink((fd_dir + "/" + f->d_name).c_str(), buf, sizeof buf - 1);
      if (m <= 0) continue;
      uint64_t inode = SocketInode(std::string_view(buf, static_cast<size_t>(m)));
      for (uint64_t want : inodes) {
        if (inode == want) found = std::strtoll(e->d_name, nullptr, 10);
      }
      if (found >= 0) break;
    }
    closedir(fds);
    if (found >= 0) break;
  }
  closedir(d);
  return found;
}

Json ProcessToJson(const ProcessInfo& p) {
  auto num = [](int64_t v) { return v < 0 ? Json(nullptr) : Json(v); };
  Json listeners = Json::array();
  for (const auto& l : p.listeners) listeners.push_back(fmt::format("{}:{}", l.address, l.port));
  return Json{{"pid", p.pid},
              {"name", p.status.name},
              {"exe", p.exe},
              {"cmdline", p.cmdline},
              {"threads", num(p.status.threads)},
              {"rss_bytes", num(p.status.vm_rss)},
              {"rss_anon_bytes", num(p.status.rss_anon)},
              {"rss_file_bytes", num(p.status.rss_file)},
              {"peak_rss_bytes", num(p.status.vm_hwm)},
              {"swap_bytes", num(p.status.vm_swap)},
              {"lazy_free_bytes", num(p.smaps.lazy_free)},
              {"anon_huge_pages_bytes", num(p.smaps.anon_huge_pages)},
              {"fds", num(p.fds)},
              {"listeners", listeners},
              {"go_version", p.go_version.empty() ? Json(nullptr) : Json(p.go_version)},
              {"go_module", p.go_module.empty() ? Json(nullptr) : Json(p.go_module)}};
}

}  // namespace godx::live
