// gperftools' binary CPU profile (also what Go wrote before 1.9) and the /proc/self/maps-style
// memory map that trails legacy profiles. Values and address adjustments follow google/pprof's
// profile/legacy_profile.go so that `top` agrees with `go tool pprof`.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/line_cursor.h"
#include "pprof/legacy.h"
#include "pprof/reader.h"

namespace godx::pprof {

namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

struct Cursor {
  std::string_view s;
  size_t i = 0;
  void Spaces() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  bool AtSpace() const { return i < s.size() && (s[i] == ' ' || s[i] == '\t'); }
  bool Hex(uint64_t* v) {
    size_t j = i;
    if (s.substr(j, 2) == "0x") j += 2;
    size_t start = j;
    uint64_t x = 0;
    while (j < s.size() && IsHex(s[j]) && j - start < 16) {
      char c = s[j];
      x = x << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
      ++j;
    }
    if (j == start) return false;
    i = j;
    *v = x;
    return true;
  }
  std::string_view Token() {
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    std::string_view t = s.substr(i, j - i);
    i = j;
    return t;
  }
};

bool IsPerm(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (c != '-' && c != 'r' && c != 'w' && c != 'x' && c != 'p' && c != 's') return false;
  }
  return true;
}

bool IsDev(std::string_view t) {
  size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == t.size()) return false;
  for (size_t k = 0; k < t.size(); ++k) {
    if (k != colon && !IsHex(t[k])) return false;
  }
  return true;
}

struct MapEntry {
  uint64_t start = 0, limit = 0, offset = 0;
  std::string file, build_id;
};

// One line of /proc/self/maps ("start-end perms offset dev inode file") or the brief form
// ("start-end: file (@offset) buildid"). False when the line is neither; *skip when the mapping
// is not executable.
bool ParseMapLine(std::string_view line, MapEntry* m, bool* skip) {
  *skip = false;
  Cursor c{line};
  c.Spaces();
  if (!c.Hex(&m->start)) return false;
  if (c.i < line.size() && line[c.i] == '-') ++c.i;
  c.Spaces();
  if (!c.Hex(&m->limit)) return false;
  if (c.i < line.size() && line[c.i] == ':') ++c.i;
  if (c.i < line.size() && !c.AtSpace()) return false;
  c.Spaces();
  std::string_view perm;
  size_t save = c.i;
  std::string_view t = c.Token();
  if (IsPerm(t)) {
    perm = t;
    c.Spaces();
    save = c.i;
    t = c.Token();
  }
  // Full /proc/maps form: offset dev inode [file].
  Cursor full = c;
  full.i = save;
  uint64_t off;
  if (full.Hex(&off) && full.AtSpace()) {
    full.Spaces();
    std::string_view dev = full.Token();
    full.Spaces();
    std::string_view inode = full.Token();
    bool digits = !inode.empty() && std::all_of(inode.begin(), inode.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (IsDev(dev) && digits) {
      full.Spaces();
      m->offset = off;
      m->file = std::string(full.Token());
      *skip = !perm.empty() && perm.find('x') == std::string_view::npos;
      return true;
    }
  }
  // Brief form: [file] [(@offset)] [buildid].
  c.i = save;
  c.Spaces();
  std::string_view file = c.Token();
  if (!file.empty() && file.starts_with("(@")) {
    c.i = save;
    file = {};
  }
  m->file = std::string(file);
  c.Spaces();
  if (line.substr(c.i, 2) == "(@") {
    c.i += 2;
    if (!c.Hex(&m->offset)) return false;
    if (c.i < line.size() && line[c.i] == ')') ++c.i;
    c.Spaces();
  }
  std::string_view bid = c.Token();
  if (!bid.empty() && std::all_of(bid.begin(), bid.end(), IsHex)) m->build_id = std::string(bid);
  *skip = !perm.empty() && perm.find('x') == std::string_view::npos;
  return true;
}

bool IsSentinel(std::string_view line) {
  return line.find("--- Memory map: ---") != std::string_view::npos ||
         line.find("MAPPED_LIBRARIES:") != std::string_view::npos;
}

bool IsLibrary(std::string_view file) {
  size_t so = file.find(".so");
  while (so != std::string_view::npos) {
    size_t after = so + 3;
    if (after == file.size()) return true;
    if ((file[after] == '.' || file[after] == '_') && after + 1 < file.size() &&
        file[after + 1] >= '0' && file[after + 1] <= '9') {
      return true;
    }
    so = file.find(".so", so + 1);
  }
  return false;
}

// "$name" -> value, one pass per attribute (a value naming itself must not loop), and bounded:
// hostile attributes could otherwise double a line per attribute.
std::string Substitute(std::string line, const std::vector<std::pair<std::string, std::string>>& attrs) {
  constexpr size_t kMaxLine = 1 << 16;
  for (const auto& [k, v] : attrs) {
    if (k.size() <= 1) continue;
    for (size_t pos = line.find(k); pos != std::string::npos; pos = line.find(k, pos + v.size())) {
      if (line.size() - k.size() + v.size() > kMaxLine) return line;
      line.replace(pos, k.size(), v);
    }
  }
  return line;
}

}  // namespace

void AttachMemoryMap(std::string_view rest, bool from_start, Profile* p) {
  std::vector<MapEntry> maps;
  LineCursor lines(rest);
  std::string_view line;
  bool in_map = from_start;
  std::vector<std::pair<std::string, std::string>> attrs;
  while (lines.Next(&line)) {
    if (!in_map) {
      in_map = IsSentinel(line);
      continue;
    }
    // glog prefixes ("I0102 10:00:00.000 file.cc:12] ") are dropped.
    size_t bracket = line.find("] ");
    if (bracket != std::string_view::npos && line.substr(0, bracket).find(':') != std::string_view::npos &&
        line.substr(0, bracket).find('[') == std::string_view::npos) {
      line = line.substr(bracket + 2);
    }
    std::string text = Substitute(std::string(line), attrs);
    MapEntry m;
    bool skip;
    if (!ParseMapLine(text, &m, &skip)) {
      size_t eq = text.find('=');
      if (eq != std::string::npos) {
        auto trim = [](std::string s) {
          size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
          return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
        };
        if (attrs.size() < 64) {
          attrs.push_back({fmt::format("${}", trim(text.substr(0, eq))), trim(text.substr(eq + 1))});
        }
      }
      continue;
    }
    if (!skip) maps.push_back(std::move(m));
    if (maps.size() > 100000) break;  // absurd maps stop here
  }
  // Merge adjacent pieces of one binary.
  std::vector<MapEntry> merged;
  for (auto& m : maps) {
    if (!merged.empty()) {
      MapEntry& l = merged.back();
      bool same_file = l.file.empty() || m.file.empty() || l.file == m.file;
      bool same_id = l.build_id.empty() || m.build_id.empty() || l.build_id == m.build_id;
      bool offsets = l.offset == 0 || m.offset == 0 || l.offset + (l.limit - l.start) == m.offset;
      if (same_file && same_id && l.limit == m.start && offsets) {
        l.limit = m.limit;
        if (!m.file.empty()) l.file = m.file;
        if (!m.build_id.empty()) l.build_id = m.build_id;
        continue;
      }
    }
    merged.push_back(std::move(m));
  }
  // The main binary first: the first file that is not a library or a [pseudo] file.
  for (size_t i = 0; i < merged.size(); ++i) {
    std::string f = merged[i].file;
    for (size_t pos; (pos = f.find("(deleted)")) != std::string::npos;) f.erase(pos, 9);
    size_t a = f.find_first_not_of(" \t");
    if (a == std::string::npos) continue;
    f = f.substr(a);
    if (IsLibrary(f) || f[0] == '[') continue;
    std::swap(merged[0], merged[i]);
    break;
  }
  if (!merged.empty() && merged[0].file.starts_with("/anon_hugepage") && merged.size() > 1 &&
      merged[0].limit == merged[1].start) {
    merged.erase(merged.begin());
  }
  if (!merged.empty() && merged[0].start - merged[0].offset == 0x400000) {
    merged[0].start = 0x400000;
    merged[0].offset = 0;
  }
  uint32_t base = static_cast<uint32_t>(p->mappings.size());
  for (const auto& m : merged) {
    Mapping mp;
    mp.id = p->mappings.size() + 1;
    mp.memory_start = m.start;
    mp.memory_limit = m.limit;
    mp.file_offset = m.offset;
    mp.filename = p->strings.Intern(m.file);
    mp.build_id = p->strings.Intern(m.build_id);
    p->mappings.push_back(mp);
  }
  uint32_t fake = kNoIndex;
  for (Location& l : p->locations) {
    if (l.mapping != kNoIndex || l.address == 0) continue;
    for (uint32_t i = base; i < p->mappings.size() && l.mapping == kNoIndex; ++i) {
      const Mapping& m = p->mappings[i];
      if (m.memory_start <= l.address && l.address < m.memory_limit) l.mapping = i;
    }
    for (uint32_t i = base; i < p->mappings.size() && l.mapping == kNoIndex; ++i) {
      Mapping& m = p->mappings[i];
      if (m.file_offset != 0 && m.memory_start - m.file_offset <= l.address && l.address < m.memory_start) {
        m.memory_start -= m.file_offset;
        m.file_offset = 0;
        l.mapping = i;
      }
    }
    if (l.mapping == kNoIndex) {
      if (fake == kNoIndex) {
        fake = static_cast<uint32_t>(p->mappings.size());
        Mapping mp;
        mp.id = fake + 1;
        mp.memory_limit = UINT64_MAX;
        p->mappings.push_back(mp);
      }
      l.mapping = fake;
    }
  }
}

Result<Profile> ReadLegacyCpu(std::string_view name, std::string_view data) {
  using Get = bool (*)(std::string_view, size_t*, uint64_t*);
  static constexpr Get kGets[] = {
      [](std::string_view b, size_t* i, uint64_t* v) {
        if (b.size() - *i < 4) return false;
        uint64_t x = 0;
        for (int k = 3; k >= 0; --k) x = x << 8 | static_cast<unsigned char>(b[*i + static_cast<size_t>(k)]);
        *v = x, *i += 4;
        return true;
      },
      [](std::string_view b, size_t* i, uint64_t* v) {
        if (b.size() - *i < 4) return false;
        uint64_t x = 0;
        for (int k = 0; k < 4; ++k) x = x << 8 | static_cast<unsigned char>(b[*i + static_cast<size_t>(k)]);
        *v = x, *i += 4;
        return true;
      },
      [](std::string_view b, size_t* i, uint64_t* v) {
        if (b.size() - *i < 8) return false;
        uint64_t x = 0;
        for (int k = 7; k >= 0; --k) x = x << 8 | static_cast<unsigned char>(b[*i + static_cast<size_t>(k)]);
        *v = x, *i += 8;
        return true;
      },
      [](std::string_view b, size_t* i, uint64_t* v) {
        if (b.size() - *i < 8) return false;
        uint64_t x = 0;
        for (int k = 0; k < 8; ++k) x = x << 8 | static_cast<unsigned char>(b[*i + static_cast<size_t>(k)]);
        *v = x, *i += 8;
        return true;
      },
  };
  for (Get get : kGets) {
    size_t i = 0;
    uint64_t h[5];
    bool ok = true;
    for (auto& w : h) ok = ok && get(data, &i, &w);
    if (!ok || h[0] != 0 || h[1] != 3 || h[2] > 1 || h[3] == 0 || h[4] != 0) continue;
    // The third header word is 1 for a Java application: no return-address adjustment, no
    // signal-frame heuristics, and a symbol table instead of a memory map after the samples.
    const bool java = h[2] == 1;
    Profile p;
    p.format = SourceFormat::kLegacyCpu;
    auto s = [&](std::string_view x) { return p.strings.Intern(x); };
    p.period = static_cast<int64_t>(h[3]) * 1000;
    p.period_type = {s("cpu"), s("nanoseconds")};
    p.sample_types = {{s("samples"), s("count")}, {s("cpu"), s("nanoseconds")}};
    AddressLocations locs(&p);
    std::vector<std::vector<uint32_t>> stacks;
    std::vector<uint64_t> counts;
    std::vector<uint64_t> addrs;
    bool ended = false;
    while (i < data.size()) {
      size_t at = i;
      uint64_t count, n;
      if (!get(data, &i, &count) || !get(data, &i, &n) || n > (data.size() - i) / 4) {
        return Status::Error(fmt::format("{}: byte {}: expected a legacy CPU sample (count, depth, "
                                         "addresses) or the end marker",
                                         name, at));
      }
      addrs.resize(n);
      for (auto& a : addrs) {
        if (!get(data, &i, &a)) {
          return Status::Error(fmt::format("{}: byte {}: legacy CPU sample cut short", name, at));
        }
      }
      if (count == 0 && n == 1 && addrs[0] == 0) {
        ended = true;
        break;
      }
      std::vector<uint32_t> st;
      for (size_t k = 0; k < addrs.size(); ++k) {
        uint64_t a = k > 0 && !java ? addrs[k] - 1 : addrs[k];
        st.push_back(locs.For(a));
      }
      stacks.push_back(std::move(st));
      counts.push_back(count);
    }
    if (!ended) p.notes.push_back("the profile ends without its end-of-data marker (cut?)");
    // Frames pushed by the signal handler: when (nearly) every sample has the same second frame,
    // drop it, up to twice (pprof's heuristic, one odd sample allowed per 32).
    size_t margin = stacks.size() / 32;
    for (int iter = 0; iter < (java ? 0 : 2); ++iter) {
      std::map<uint64_t, size_t> second;
      for (const auto& st : stacks) {
        if (st.size() > 1) ++second[p.locations[st[1]].address];
      }
      for (const auto& [addr, count] : second) {
        if (count + margin >= stacks.size()) {
          for (auto& st : stacks) {
            if (st.size() > 1 && p.locations[st[1]].address == addr) st.erase(st.begin() + 1);
          }
          break;
        }
      }
    }
    std::string_view rest = data.substr(i);
    // The leaf may appear twice: once from the signal context and once, adjusted by -1, from
    // unwinding.
    for (auto& st : stacks) {
      if (!java && st.size() > 1 && p.locations[st[0]].address == p.locations[st[1]].address + 1) {
        st.erase(st.begin() + 1);
      }
    }
    for (size_t k = 0; k < stacks.size(); ++k) {
      int64_t v[2] = {static_cast<int64_t>(counts[k]), static_cast<int64_t>(counts[k]) * p.period};
      p.AddSample(stacks[k], v);
    }
    if (java) {
      std::unordered_map<uint64_t, uint32_t> by_address;
      for (uint32_t li = 0; li < p.locations.size(); ++li) by_address.emplace(p.locations[li].address, li);
      AttachJavaLocations(rest, by_address, &p);
      return p;
    }
    AttachMemoryMap(rest, /*from_start=*/true, &p);
    return p;
  }
  return Status::Error(fmt::format("{}: byte 0: expected a legacy CPU profile header", name));
}

bool LooksLikeLegacyCpu(std::string_view head) {
  // Only the header must parse: a head may end inside a sample.
  auto r = ReadLegacyCpu("sniff", head.substr(0, 64));
  if (r.ok()) return true;
  return r.status().message().find("byte 0:") == std::string::npos;
}

}  // namespace godx::pprof
