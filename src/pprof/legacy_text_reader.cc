// The legacy text profiles pprof still reads besides Go's own: gperftools' thread dumps
// ("--- threadz 1 ---", "--- Thread ... stack: ---") and Java's heapz/contentionz ("format =
// java"), plus the symbol table that follows Java's binary CPU profile. Parsing follows
// google/pprof's profile/legacy_profile.go and legacy_java_profile.go, so that the same samples,
// values and names come out.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "pprof/legacy.h"
#include "pprof/reader.h"

namespace godx::pprof {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// pprof's parseHexAddresses: every "0x[0-9a-f]+" of the line.
std::vector<uint64_t> HexAddresses(std::string_view s) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] != '0' || s[i + 1] != 'x' || !IsHexDigit(s[i + 2])) continue;
    size_t j = i + 2;
    uint64_t v = 0;
    while (j < s.size() && IsHexDigit(s[j])) {
      char c = s[j++];
      v = v << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    out.push_back(v);
    i = j - 1;
  }
  return out;
}

std::vector<std::string_view> Lines(std::string_view data) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < data.size()) {
    size_t nl = data.find('\n', start);
    if (nl == std::string_view::npos) nl = data.size();
    lines.push_back(data.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool IsMemoryMapSentinel(std::string_view line) {
  line = Trim(line);
  return line == "--- Memory map: ---" || line == "MAPPED_LIBRARIES:";
}

// "--- Thread 7f794ab90940 (name: main/14748) stack: ---".
bool IsThreadStart(std::string_view line) {
  if (line.substr(0, 11) != "--- Thread ") return false;
  return line.find(" (name: ") != std::string_view::npos && line.ends_with(") stack: ---");
}

int64_t ScaleHeap(int64_t* count, int64_t* size, int64_t rate) {
  if (*count == 0 || *size == 0) {
    *count = *size = 0;
    return 0;
  }
  if (rate <= 1) return 0;
  double avg = static_cast<double>(*size) / static_cast<double>(*count);
  double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  // Hostile values could overflow int64 once scaled: clamp rather than convert out of range.
  auto clamp = [](double v) {
    if (!(v < 9.2e18)) return INT64_MAX;
    if (!(v > -9.2e18)) return INT64_MIN;
    return static_cast<int64_t>(v);
  };
  *count = clamp(static_cast<double>(*count) * scale);
  *size = clamp(static_cast<double>(*size) * scale);
  return 0;
}

}  // namespace

bool LooksLikeLegacyText(std::string_view head) {
  std::string_view first;
  for (std::string_view l : Lines(head.substr(0, 4096))) {
    l = Trim(l);
    if (l.empty() || l[0] == '#') continue;
    first = l;
    break;
  }
  if (first.substr(0, 11) == "--- threadz" || IsThreadStart(first)) return true;
  if (first == "--- heapz 1 ---" || first == "--- contentionz 1 ---") {
    return head.find("format = java") != std::string_view::npos;
  }
  return false;
}

void AttachJavaLocations(std::string_view rest, const std::unordered_map<uint64_t, uint32_t>& locs, Profile* p) {
  std::unordered_map<std::string, uint32_t> fns;
  for (std::string_view line : Lines(rest)) {
    line = Trim(line);
    if (line.size() < 3 || line[0] != '0' || line[1] != 'x') continue;
    size_t i = 2;
    uint64_t addr = 0;
    bool any = false;
    while (i < line.size() && std::isxdigit(static_cast<unsigned char>(line[i]))) {
      char c = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i++])));
      addr = addr << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      any = true;
    }
    if (!any || i >= line.size() || (line[i] != ' ' && line[i] != '\t')) continue;
    std::string_view text = Trim(line.substr(i));
    auto it = locs.find(addr);
    if (it == locs.end()) continue;
    std::string func, file;
    int64_t lineno = 0;
    // "(.*)\s+\((.+):(-?\d+)\)$", else "(.*)\s+\((.*)\)$", else a JIT stub, else the text.
    bool done = false;
    if (!text.empty() && text.back() == ')') {
      for (size_t open = text.rfind('('); open != std::string_view::npos && open > 0;
           open = open == 0 ? std::string_view::npos : text.rfind('(', open - 1)) {
        if (text[open - 1] != ' ' && text[open - 1] != '\t') continue;
        std::string_view inner = text.substr(open + 1, text.size() - open - 2);
        std::string_view fn = Trim(text.substr(0, open));
        size_t colon = inner.rfind(':');
        if (colon != std::string_view::npos && colon > 0) {
          std::string_view num = inner.substr(colon + 1);
          std::string_view digits = !num.empty() && num[0] == '-' ? num.substr(1) : num;
          bool numeric = !digits.empty() &&
                         digits.find_first_not_of("0123456789") == std::string_view::npos;
          if (numeric) {
            func = std::string(fn);
            file = std::string(inner.substr(0, colon));
            int64_t n = std::strtoll(std::string(num).c_str(), nullptr, 10);
            lineno = n > 0 ? n : 0;
            done = true;
            break;
          }
        }
        func = std::string(fn);
        std::string_view path = inner;
        size_t slash = path.rfind('/');
        file = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
        if (file.empty()) file = ".";
        done = true;
        break;
      }
    }
    if (!done) func = text.find("generated stub/JIT") != std::string_view::npos ? "STUB" : std::string(text);
    auto [fit, fresh] = fns.emplace(func, 0);
    if (fresh) {
      Function f;
      f.id = p->functions.size() + 1;
      f.name = f.system_name = p->strings.Intern(func);
      f.filename = p->strings.Intern(file);
      p->functions.push_back(f);
      fit->second = static_cast<uint32_t>(p->functions.size() - 1);
    }
    Location& loc = p->locations[it->second];
    loc.line_begin = static_cast<uint32_t>(p->lines.size());
    loc.line_count = 1;
    p->lines.push_back(Line{fit->second, lineno, 0});
  }
  // pprof aggregates Java profiles without addresses.
  for (Location& loc : p->locations) loc.address = 0;
}

Result<Profile> ReadLegacyText(std::string_view name, std::string_view data) {
  std::vector<std::string_view> lines = Lines(data);
  size_t i = 0;
  while (i < lines.size() && (Trim(lines[i]).empty() || Trim(lines[i])[0] == '#')) ++i;
  if (i == lines.size()) return Status::Error(fmt::format("{}: empty legacy profile", name));
  std::string_view first = Trim(lines[i]);
  Profile p;
  auto s = [&](std::string_view x) { return p.strings.Intern(x); };
  std::unordered_map<uint64_t, uint32_t> locs;
  auto loc_for = [&](uint64_t addr) {
    auto [it, fresh] = locs.emplace(addr, static_cast<uint32_t>(p.locations.size()));
    if (fresh) {
      Location l;
      l.id = p.locations.size() + 1;
      l.address = addr;
      p.locations.push_back(l);
    }
    return it->second;
  };

  if (first.substr(0, 11) == "--- threadz" || IsThreadStart(first)) {
    p.format = SourceFormat::kLegacyThreadText;
    p.sample_types = {{s("thread"), s("count")}};
    p.period_type = {s("thread"), s("count")};
    p.period = 1;
    if (!IsThreadStart(first)) {
      for (++i; i < lines.size(); ++i) {
        if (IsMemoryMapSentinel(lines[i]) || (!lines[i].empty() && lines[i][0] == '-')) break;
      }
    }
    std::vector<std::vector<uint32_t>> stacks;
    std::vector<int64_t> counts;
    while (i < lines.size() && !IsMemoryMapSentinel(lines[i])) {
      std::string_view line = lines[i];
      if (line.substr(0, 23) == "---- no stack trace for") break;
      if (!IsThreadStart(Trim(line))) {
        return Status::Error(fmt::format("{}: line {}: expected '--- Thread ... stack: ---', got '{}'", name,
                                         i + 1, Trim(line).substr(0, 80)));
      }
      std::vector<uint64_t> addrs;
      bool same = false;
      for (++i; i < lines.size(); ++i) {
        std::string_view t = Trim(lines[i]);
        if (t.empty()) continue;
        if (t.substr(0, 3) == "---") break;
        if (t.find("same as previous thread") != std::string_view::npos) {
          same = true;
          continue;
        }
        auto a = HexAddresses(t);
        addrs.insert(addrs.end(), a.begin(), a.end());
      }
      if (same || addrs.empty()) {
        if (!counts.empty()) ++counts.back();
        continue;
      }
      std::vector<uint32_t> st;
      for (size_t k = 0; k < addrs.size(); ++k) st.push_back(loc_for(k > 0 ? addrs[k] - 1 : addrs[k]));
      stacks.push_back(std::move(st));
      counts.push_back(1);
    }
    for (size_t k = 0; k < stacks.size(); ++k) {
      auto& st = stacks[k];
      if (st.size() > 1 && p.locations[st[0]].address == p.locations[st[1]].address + 1) st.erase(st.begin() + 1);
      int64_t v = counts[k];
      p.AddSample(st, std::span<const int64_t>(&v, 1));
    }
    size_t off = 0;
    for (size_t k = 0; k < i && k < lines.size(); ++k) off += lines[k].size() + 1;
    AttachMemoryMap(data.substr(std::min(off, data.size())), /*from_start=*/false, &p);
    return p;
  }

  // Java heapz / contentionz.
  bool heap = first == "--- heapz 1 ---";
  if (!heap && first != "--- contentionz 1 ---") {
    return Status::Error(fmt::format("{}: line {}: expected a legacy profile header", name, i + 1));
  }
  p.format = SourceFormat::kJavaText;
  for (++i; i < lines.size(); ++i) {
    std::string_view line = Trim(lines[i]);
    if (line.empty()) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) break;
    std::string_view key = Trim(line.substr(0, eq)), value = Trim(line.substr(eq + 1));
    auto word = [](std::string_view x) {
      return !x.empty() && x.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ ") ==
                               std::string_view::npos;
    };
    if (!word(key) || !word(value)) break;
    std::string attr = std::string(heap ? "heap/" : "contention/") + std::string(key);
    if (attr == "heap/format" || attr == "contention/format") {
      if (value != "java") return Status::Error(fmt::format("{}: line {}: not a Java profile", name, i + 1));
    } else if (attr == "heap/resolution") {
      p.sample_types = {{s("inuse_objects"), s("count")}, {s("inuse_space"), s(value)}};
    } else if (attr == "contention/resolution") {
      p.sample_types = {{s("contentions"), s("count")}, {s("delay"), s(value)}};
    } else if (attr == "contention/sampling period") {
      p.period_type = {s("contentions"), s("count")};
      p.period = std::strtoll(std::string(value).c_str(), nullptr, 0);
    } else if (attr == "contention/ms since reset") {
      p.duration_nanos = std::strtoll(std::string(value).c_str(), nullptr, 0) * 1000 * 1000;
    } else {
      return Status::Error(fmt::format("{}: line {}: unknown Java profile attribute '{}'", name, i + 1, key));
    }
  }
  if (p.sample_types.empty()) {
    return Status::Error(fmt::format("{}: the Java profile has no 'resolution' attribute", name));
  }
  StringId bytes_key = s("bytes");
  for (; i < lines.size(); ++i) {
    std::string_view line = Trim(lines[i]);
    if (line.empty()) continue;
    // " *(\d+) +(\d+) +@ +([ x0-9a-f]*)"
    size_t at = line.find('@');
    if (at == std::string_view::npos) break;
    std::string_view nums = Trim(line.substr(0, at));
    size_t sp = nums.find(' ');
    if (sp == std::string_view::npos) break;
    std::string_view a = nums.substr(0, sp), b = Trim(nums.substr(sp));
    if (a.find_first_not_of("0123456789") != std::string_view::npos ||
        b.find_first_not_of("0123456789") != std::string_view::npos || a.empty() || b.empty()) {
      break;
    }
    int64_t v[2] = {std::strtoll(std::string(b).c_str(), nullptr, 10), std::strtoll(std::string(a).c_str(), nullptr, 10)};
    std::vector<uint32_t> st;
    for (uint64_t addr : HexAddresses(line.substr(at + 1))) st.push_back(loc_for(addr));
    Label lbl;
    bool has_label = false;
    if (heap) {
      if (v[0] == 0) {
        return Status::Error(fmt::format("{}: line {}: parsing sample {}: second value must be non-zero", name, i + 1, line));
      }
      lbl.key = bytes_key;
      lbl.num = v[1] / v[0];
      has_label = true;
      ScaleHeap(&v[0], &v[1], 524288);
    } else if (p.period != 0) {
      v[0] *= p.period;
      v[1] *= p.period;
    }
    p.AddSample(st, v, has_label ? std::span<const Label>(&lbl, 1) : std::span<const Label>());
  }
  size_t off = 0;
  for (size_t k = 0; k < i && k < lines.size(); ++k) off += lines[k].size() + 1;
  AttachJavaLocations(data.substr(std::min(off, data.size())), locs, &p);
  return p;
}

}  // namespace godx::pprof
