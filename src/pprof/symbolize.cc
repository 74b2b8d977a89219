#include "pprof/symbolize.h"

#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unordered_map>
#include <vector>

namespace godx::pprof {

namespace {

struct Symbol {
  uint64_t addr = 0, size = 0;
  std::string name;
};

// One opened binary: sorted function symbols, its DWARF (when present) and load segments.
class Binary {
 public:
  ~Binary() {
    if (dwarf_ != nullptr) dwarf_end(dwarf_);
    if (elf_ != nullptr) elf_end(elf_);
    if (fd_ >= 0) close(fd_);
  }

  Status Open(const std::string& path) {
    elf_version(EV_CURRENT);
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::Error(fmt::format("{}: cannot open the binary", path));
    elf_ = elf_begin(fd_, ELF_C_READ_MMAP, nullptr);
    if (elf_ == nullptr || elf_kind(elf_) != ELF_K_ELF) {
      return Status::Error(fmt::format("{}: not an ELF binary", path));
    }
    size_t phnum = 0;
    elf_getphdrnum(elf_, &phnum);
    for (size_t i = 0; i < phnum; ++i) {
      GElf_Phdr ph;
      if (gelf_getphdr(elf_, static_cast<int>(i), &ph) != nullptr && ph.p_type == PT_LOAD) loads_.push_back(ph);
    }
    // Function symbols: .symtab, else .dynsym.
    for (Elf64_Word want : {SHT_SYMTAB, SHT_DYNSYM}) {
      for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn != nullptr; scn = elf_nextscn(elf_, scn)) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == nullptr || sh.sh_type != want || sh.sh_entsize == 0) continue;
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (data == nullptr) continue;
        size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < n; ++i) {
          GElf_Sym sym;
          if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) continue;
          if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0) continue;
          const char* name = elf_strptr(elf_, sh.sh_link, sym.st_name);
          if (name == nullptr || *name == '\0') continue;
          std::string n = name;
          // Go names assembly functions' ABI wrappers "F.abi0" in the symbol table; its runtime
          // (and so every Go profile) calls them F.
          if (n.size() > 5 && n.compare(n.size() - 5, 5, ".abi0") == 0) n.resize(n.size() - 5);
          // A method value's wrapper "T.M-fm" holds M inlined; the runtime elides the wrapper frame
          // and names M, so profiles written by Go do too.
          if (n.size() > 3 && n.compare(n.size() - 3, 3, "-fm") == 0) n.resize(n.size() - 3);
          symbols_.push_back({sym.st_value, sym.st_size, std::move(n)});
        }
      }
      if (!symbols_.empty()) break;
    }
    std::sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) { return a.addr < b.addr; });
    dwarf_ = dwarf_begin_elf(elf_, DWARF_C_READ, nullptr);  // nullptr: no DWARF (-ldflags=-w)
    // Go writes no .debug_aranges, which dwarf_addrdie needs: index the units' ranges here.
    if (dwarf_ != nullptr) {
      Dwarf_Off off = 0, next = 0;
      size_t header = 0;
      while (dwarf_nextcu(dwarf_, off, &next, &header, nullptr, nullptr, nullptr) == 0) {
        Dwarf_Die cu;
        if (dwarf_offdie(dwarf_, off + header, &cu) != nullptr) {
          Dwarf_Addr base = 0, start = 0, end = 0;
          for (ptrdiff_t r = 0; (r = dwarf_ranges(&cu, r, &base, &start, &end)) > 0;) {
            units_.push_back({start, end, off + header});
          }
        }
        off = next;
      }
      std::sort(units_.begin(), units_.end(), [](const Unit& a, const Unit& b) { return a.start < b.start; });
    }
    return Status::Ok();
  }

  // The virtual address of a sampled address in `m` (its load segment's view of the file).
  uint64_t ToVaddr(const Mapping* m, uint64_t addr) const {
    if (m == nullptr || m->memory_start == 0) return addr;
    uint64_t file_off = addr - m->memory_start + m->file_offset;
    for (const GElf_Phdr& ph : loads_) {
      if (file_off >= ph.p_offset && file_off < ph.p_offset + ph.p_filesz) return file_off - ph.p_offset + ph.p_vaddr;
    }
    return addr;
  }

  const Symbol* SymbolAt(uint64_t vaddr) const {
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), vaddr,
                               [](uint64_t a, const Symbol& s) { return a < s.addr; });
    if (it == symbols_.begin()) return nullptr;
    --it;
    if (it->size != 0 && vaddr >= it->addr + it->size) return nullptr;
    return &*it;
  }

  // File and line of `vaddr` from the DWARF line table; {"", 0} without DWARF.
  std::pair<std::string, int> LineAt(uint64_t vaddr) const {
    if (dwarf_ == nullptr) return {"", 0};
    auto it = std::upper_bound(units_.begin(), units_.end(), vaddr,
                               [](uint64_t a, const Unit& u) { return a < u.start; });
    if (it == units_.begin()) return {"", 0};
    --it;
    if (vaddr >= it->end) return {"", 0};
    Dwarf_Die cu;
    if (dwarf_offdie(dwarf_, it->die, &cu) == nullptr) return {"", 0};
    Dwarf_Line* line = dwarf_getsrc_die(&cu, vaddr);
    if (line == nullptr) return {"", 0};
    int lineno = 0;
    dwarf_lineno(line, &lineno);
    const char* src = dwarf_linesrc(line, nullptr, nullptr);
    return {src == nullptr ? "" : src, lineno};
  }

 private:
  int fd_ = -1;
  Elf* elf_ = nullptr;
  Dwarf* dwarf_ = nullptr;
  std::vector<GElf_Phdr> loads_;
  std::vector<Symbol> symbols_;
  struct Unit {
    uint64_t start, end;
    Dwarf_Off die;
  };
  std::vector<Unit> units_;  // compile units' address ranges, by start
};

std::string BaseName(std::string_view p) {
  size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

}  // namespace

Result<SymbolizeStats> SymbolizeWithBinary(Profile* p, const std::string& path) {
  Binary bin;
  GODX_RETURN_IF_ERROR(bin.Open(path));
  // Which mappings the binary serves: the one named like it, else the first (the main binary).
  std::vector<uint8_t> serves(p->mappings.size(), 0);
  std::string base = BaseName(path);
  bool named = false;
  for (size_t i = 0; i < p->mappings.size(); ++i) {
    if (BaseName(p->Str(p->mappings[i].filename)) == base) serves[i] = named = true;
  }
  if (!named && !p->mappings.empty()) serves[0] = 1;

  SymbolizeStats st;
  std::unordered_map<std::string, uint32_t> fn_index;  // name + file -> function
  std::vector<Line> new_lines;
  new_lines.reserve(p->lines.size() + p->locations.size());
  // Locations keep their order; their lines are rebuilt into a fresh vector (a location given
  // a function gains one line).
  for (Location& loc : p->locations) {
    auto old = p->LinesOf(loc);
    bool mapped = loc.mapping == kNoIndex ? p->mappings.empty() : serves[loc.mapping] != 0;
    const Mapping* m = loc.mapping == kNoIndex ? nullptr : &p->mappings[loc.mapping];
    uint32_t begin = static_cast<uint32_t>(new_lines.size());
    if (old.empty() && mapped && loc.address != 0 && (m == nullptr || !m->has_functions)) {
      ++st.locations;
      // A return address points after the call: look up the call instruction, as pprof does.
      uint64_t vaddr = bin.ToVaddr(m, loc.address);
      uint64_t lookup = vaddr > 0 ? vaddr - 1 : vaddr;
      if (const Symbol* sym = bin.SymbolAt(lookup)) {
        auto [file, lineno] = bin.LineAt(lookup);
        std::string key = sym->name + '\0' + file;
        auto [it, added] = fn_index.emplace(key, static_cast<uint32_t>(p->functions.size()));
        if (added) {
          Function f;
          f.id = p->functions.size() + 1;
          f.name = p->strings.Intern(sym->name);
          f.system_name = f.name;
          f.filename = p->strings.Intern(file);
          p->functions.push_back(f);
        }
        new_lines.push_back(Line{it->second, lineno, 0});
        ++st.symbolized;
      }
    } else {
      new_lines.insert(new_lines.end(), old.begin(), old.end());
    }
    loc.line_begin = begin;
    loc.line_count = static_cast<uint32_t>(new_lines.size()) - begin;
  }
  p->lines = std::move(new_lines);
  for (size_t i = 0; i < p->mappings.size(); ++i) {
    if (serves[i] && st.symbolized > 0) {
      p->mappings[i].has_functions = true;
      p->mappings[i].has_filenames = true;
      p->mappings[i].has_line_numbers = true;
    }
  }
  return st;
}

Result<std::vector<std::pair<std::string, int>>> DwarfLines(const std::string& binary,
                                                           const std::vector<uint64_t>& vaddrs) {
  Binary bin;
  GODX_RETURN_IF_ERROR(bin.Open(binary));
  std::vector<std::pair<std::string, int>> out;
  out.reserve(vaddrs.size());
  for (uint64_t a : vaddrs) out.push_back(bin.LineAt(a));
  return out;
}

Status SymbolizeProfile(Profile* p, const PprofOptions& o) {
  if (o.symbolize == "none" || o.symbolize.rfind("remote", 0) == 0) return Status::Ok();
  if (!o.binary.empty()) return SymbolizeWithBinary(p, o.binary).status();
  const char* env = std::getenv("PPROF_BINARY_PATH");
  if (env == nullptr || *env == '\0') return Status::Ok();
  // pprof's search: each directory, by the mapping's base name, by its full path below the
  // directory, and by build id (DIR/BUILDID and DIR/.build-id/xx/rest.debug).
  std::string dirs = env;
  auto find = [&](const Mapping& m) -> std::string {
    std::string file(p->Str(m.filename)), id(p->Str(m.build_id));
    for (size_t start = 0; start <= dirs.size();) {
      size_t end = std::min(dirs.find(':', start), dirs.size());
      std::string dir = dirs.substr(start, end - start);
      start = end + 1;
      if (dir.empty()) continue;
      std::vector<std::string> candidates;
      if (!id.empty()) {
        candidates.push_back(dir + "/" + id);
        if (id.size() > 2) candidates.push_back(dir + "/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug");
      }
      if (!file.empty()) {
        candidates.push_back(dir + "/" + BaseName(file));
        candidates.push_back(dir + "/" + file);
      }
      for (const std::string& c : candidates) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(c, ec)) return c;
      }
    }
    return "";
  };
  for (size_t i = 0; i < p->mappings.size(); ++i) {
    if (p->mappings[i].has_functions) continue;
    if (std::string bin = find(p->mappings[i]); !bin.empty()) {
      GODX_RETURN_IF_ERROR(SymbolizeWithBinary(p, bin).status());
    }
  }
  return Status::Ok();
}

}  // namespace godx::pprof
