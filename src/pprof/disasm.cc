#include "pprof/disasm.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

#include "pprof/callgraph.h"
#include "pprof/measurement.h"
#include "pprof/symbolize.h"

extern char** environ;

namespace godx::pprof {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Base(std::string_view p) {
  size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

// An ELF symbol as Go's cmd/internal/objfile lists it; code '?' marks symbols pprof ignores.
struct ElfSymbol {
  std::string name;
  uint64_t addr = 0, size = 0;
  char code = '?';
};

// The symbols and the executable load address of one binary.
struct ElfInfo {
  std::vector<ElfSymbol> symbols;
  uint64_t load_address = 0;
  bool has_load = false;
};

Result<ElfInfo> ReadElf(const std::string& path) {
  elf_version(EV_CURRENT);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(fmt::format("{}: cannot open the binary", path));
  struct FdGuard {
    int fd;
    ~FdGuard() { close(fd); }
  } fd_guard{fd};
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  std::unique_ptr<Elf, int (*)(Elf*)> elf_guard(elf, elf_end);
  if (elf == nullptr || elf_kind(elf) != ELF_K_ELF) return Status::Error(fmt::format("{}: not an ELF binary", path));
  ElfInfo info;
  size_t nph = 0;
  elf_getphdrnum(elf, &nph);
  for (size_t i = 0; i < nph; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr) continue;
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) != 0 && !info.has_load) {
      info.load_address = ph.p_vaddr;
      info.has_load = true;
    }
  }
  size_t shnum = 0;
  elf_getshdrnum(elf, &shnum);
  std::vector<uint64_t> section_flags(shnum);
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) != nullptr) section_flags[elf_ndxscn(scn)] = sh.sh_flags;
  }
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr) continue;
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 1; i < n; ++i) {  // Go's elf.Symbols skips the null symbol
      GElf_Sym s;
      if (gelf_getsym(data, static_cast<int>(i), &s) == nullptr) continue;
      const char* name = elf_strptr(elf, sh.sh_link, s.st_name);
      ElfSymbol sym{name != nullptr ? name : "", s.st_value, s.st_size, '?'};
      if (s.st_shndx == SHN_UNDEF) {
        sym.code = 'U';
      } else if (s.st_shndx == SHN_COMMON) {
        sym.code = 'B';
      } else if (s.st_shndx < shnum) {
        switch (section_flags[s.st_shndx] & (SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR)) {
          case SHF_ALLOC | SHF_EXECINSTR: sym.code = 'T'; break;
          case SHF_ALLOC: sym.code = 'R'; break;
          case SHF_ALLOC | SHF_WRITE: sym.code = 'D'; break;
          default: break;
        }
      }
      if (GELF_ST_BIND(s.st_info) == STB_LOCAL && sym.code != '?') sym.code = static_cast<char>(sym.code + ('a' - 'A'));
      info.symbols.push_back(std::move(sym));
    }
  }
  std::stable_sort(info.symbols.begin(), info.symbols.end(),
                   [](const ElfSymbol& a, const ElfSymbol& b) { return a.addr < b.addr; });
  return info;
}

// A matching symbol of one binary (pprof's objSymbol) and the profile nodes in it.
struct SymbolNodes {
  std::string name, binary;
  uint64_t start = 0, end = 0;  // end inclusive, as pprof's Sym.End
  uint64_t offset = 0;          // profile address minus object address (pprof's ObjAddr)
  std::vector<GraphNode*> nodes;
};

// The binary that holds a mapping's code: the one on the command line for the main mapping (as
// symbolisation picks it), else the mapping's file where it exists, else its base name under
// $PPROF_BINARY_PATH.
std::string BinaryFor(const Profile& p, size_t mapping, const PprofOptions& o) {
  std::string file(p.Str(p.mappings[mapping].filename));
  if (!o.binary.empty()) {
    bool named = false;
    for (const Mapping& m : p.mappings) named = named || Base(p.Str(m.filename)) == Base(o.binary);
    if (named ? Base(file) == Base(o.binary) : mapping == 0) return o.binary;
  }
  std::error_code ec;
  if (!file.empty() && std::filesystem::is_regular_file(file, ec)) return file;
  if (const char* env = std::getenv("PPROF_BINARY_PATH"); env != nullptr && !file.empty()) {
    std::string dirs = env;
    for (size_t start = 0; start <= dirs.size();) {
      size_t end = std::min(dirs.find(':', start), dirs.size());
      std::string c = dirs.substr(start, end - start) + "/" + Base(file);
      start = end + 1;
      if (std::filesystem::is_regular_file(c, ec)) return c;
    }
  }
  return "";
}

// pprof's symbolsFromBinaries + nodesPerSymbol: the matching symbols of every mapping whose
// file has matching sampled nodes, each with the nodes whose address falls inside it, ordered
// by name then start address. Symbols without samples are dropped.
Result<std::vector<SymbolNodes>> MatchingSymbols(const Profile& p, const PprofOptions& o, const RE2& rx,
                                                 Graph& g, std::vector<std::string>* warnings) {
  std::unordered_map<std::string_view, bool> files;
  for (const GraphNode* n : g.nodes) {
    if (!n->info.objfile.empty() && RE2::PartialMatch(n->info.PrintableName(), rx)) files[n->info.objfile] = true;
  }
  std::vector<SymbolNodes> out;
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    const Mapping& m = p.mappings[i];
    if (!files.count(p.Str(m.filename))) continue;
    std::string bin = BinaryFor(p, i, o);
    if (bin.empty()) {
      warnings->push_back(fmt::format("{}: binary not found (give it on the command line or in $PPROF_BINARY_PATH)",
                                      p.Str(m.filename)));
      continue;
    }
    auto elf = ReadElf(bin);
    if (!elf.ok()) {
      warnings->push_back(elf.status().message());
      continue;
    }
    uint64_t offset = m.memory_start != 0 && elf->has_load ? m.memory_start - elf->load_address : 0;
    for (const ElfSymbol& s : elf->symbols) {
      if (s.code == '?' || !RE2::PartialMatch(s.name, rx)) continue;
      SymbolNodes sn{s.name, bin, s.addr, s.addr + s.size - 1, offset, {}};
      for (GraphNode* n : g.nodes) {
        uint64_t a = n->info.address - offset;
        if (a >= sn.start && a < sn.end) sn.nodes.push_back(n);
      }
      if (!sn.nodes.empty()) out.push_back(std::move(sn));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const SymbolNodes& a, const SymbolNodes& b) {
    return a.name != b.name ? a.name < b.name : a.start < b.start;
  });
  return out;
}

// One annotated instruction (pprof's assemblyInstruction).
struct AsmLine {
  uint64_t address = 0;
  std::string instruction, function, file;  // file: base name
  std::string full_file;
  int64_t line = 0;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  int64_t FlatValue() const { return flat_div == 0 ? flat : flat / flat_div; }
  int64_t CumValue() const { return cum_div == 0 ? cum : cum / cum_div; }
};

// pprof's annotateAssembly: each instruction sums the samples from its address up to the next
// instruction's; a sampled instruction without a DWARF line takes the sample's.
std::vector<AsmLine> Annotate(const std::vector<Instruction>& insts, std::vector<GraphNode*> samples,
                              uint64_t offset) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const GraphNode* a, const GraphNode* b) { return a->info.address < b->info.address; });
  std::vector<AsmLine> out;
  size_t s = 0;
  for (size_t i = 0; i < insts.size(); ++i) {
    AsmLine a;
    a.address = insts[i].address;
    a.instruction = insts[i].text;
    a.line = insts[i].line;
    a.full_file = insts[i].file;
    if (!insts[i].file.empty()) a.file = Base(insts[i].file);
    uint64_t next = i + 1 < insts.size() ? insts[i + 1].address : ~uint64_t{0};
    for (; s < samples.size(); ++s) {
      const GraphNode* n = samples[s];
      if (n->info.address - offset >= next) break;
      a.flat_div += n->flat_div;
      a.flat += n->flat;
      a.cum_div += n->cum_div;
      a.cum += n->cum;
      if (!n->info.file.empty() && a.file.empty()) a.file = Base(n->info.file);
      if (n->info.lineno != 0 && a.line == 0) a.line = n->info.lineno;
      if (!n->info.name.empty() && a.function.empty()) a.function = std::string(n->info.name);
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<RE2*> CompileRegex(const PprofOptions& o, std::unique_ptr<RE2>* holder) {
  RE2::Options ro;
  ro.set_log_errors(false);
  *holder = std::make_unique<RE2>(o.output_regex, ro);
  if (!(*holder)->ok()) {
    return Status::Error(fmt::format("parsing argument regexp {}: {}", o.output_regex, (*holder)->error()));
  }
  return holder->get();
}

std::unique_ptr<Graph> AddressGraph(const ReportContext& ctx, GraphBuilder* b) {
  b->SetTrimPath(ctx.options.trim_path, ctx.options.source_path);
  GraphOptions go;
  go.sample_index = ctx.sample_index;
  go.mean = ctx.options.mean;
  go.drop_negative = ctx.options.drop_negative;
  go.obj_names = true;
  go.edges = false;
  return b->Build(go);
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<Instruction> ParseObjdump(std::string_view out) {
  static const RE2 asm_re(R"(^\s*([[:xdigit:]]+):\s+(.*))");
  static const RE2 file_line_re(R"(^;?\s?(.*):([0-9]+))");
  static const RE2 function_re(R"(^;?\s?(\S.*)\(\):)");
  static const RE2 function_llvm_re(R"(^([[:xdigit:]]+)?\s?(.*):)");
  std::vector<Instruction> insts;
  std::string file;
  int64_t line = 0;
  while (!out.empty()) {
    size_t nl = out.find('\n');
    std::string_view raw = out.substr(0, nl);
    out.remove_prefix(nl == std::string_view::npos ? out.size() : nl + 1);
    std::string_view input = Trim(raw);
    std::string addr, text, f, ln;
    if (RE2::PartialMatch(input, asm_re, &addr, &text)) {
      char* end = nullptr;
      uint64_t a = std::strtoull(addr.c_str(), &end, 16);
      if (end != nullptr && *end == '\0' && addr.size() <= 16) {
        insts.push_back(Instruction{a, text, file, line});
        continue;
      }
    }
    if (RE2::PartialMatch(input, file_line_re, &f, &ln)) {
      if (ln.size() <= 9) {
        file = f;
        line = std::atoll(ln.c_str());
      }
      continue;
    }
    // A function header (objdump's "name():" or "ADDR <name>:") keeps the location: only the
    // function would change, which godx, like `go tool pprof`, takes from the samples.
    if (RE2::PartialMatch(input, function_re) || RE2::PartialMatch(input, function_llvm_re)) continue;
    file.clear();
    line = 0;
  }
  return insts;
}

Result<std::vector<Instruction>> Disassemble(const std::string& binary, uint64_t start, uint64_t end,
                                             bool intel_syntax) {
  std::vector<std::string> args = {"objdump", "--disassemble", "--no-show-raw-insn", "--line-numbers",
                                   fmt::format("--start-address={:#x}", start),
                                   fmt::format("--stop-address={:#x}", end)};
  if (intel_syntax) {
    args.push_back("-M");
    args.push_back("intel");
  }
  args.push_back(binary);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipefd[2];
  if (pipe(pipefd) != 0) return Status::Error("cannot create a pipe for objdump");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipefd[0]);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "objdump", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    return Status::Error(fmt::format("cannot run objdump (binutils) for -disasm: {}", std::strerror(rc)));
  }
  std::string out;
  char buf[1 << 16];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Error(fmt::format("{}: objdump failed (exit status {})", binary,
                                     WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  std::vector<Instruction> insts = ParseObjdump(out);
  if (std::none_of(insts.begin(), insts.end(), [](const Instruction& i) { return i.line != 0; })) {
    std::vector<uint64_t> addrs;
    for (const Instruction& i : insts) addrs.push_back(i.address);
    GODX_ASSIGN_OR_RETURN(auto lines, DwarfLines(binary, addrs));
    for (size_t i = 0; i < insts.size(); ++i) std::tie(insts[i].file, insts[i].line) = lines[i];
  }
  return insts;
}

Result<std::string> DisasmOutput(const Profile& p, ReportContext& ctx) {
  const PprofOptions& o = ctx.options;
  std::unique_ptr<RE2> holder;
  GODX_ASSIGN_OR_RETURN(RE2 * rx, CompileRegex(o, &holder));
  GraphBuilder b(p);
  auto g = AddressGraph(ctx, &b);
  std::string out = fmt::format("Total: {}\n", ctx.FormatValue(ctx.total));
  GODX_ASSIGN_OR_RETURN(auto syms, MatchingSymbols(p, o, *rx, *g, &ctx.warnings));
  if (syms.empty()) return Status::Error(fmt::format("no matches found for regexp {}", o.output_regex));
  auto value_or_dot = [&](int64_t v) { return v == 0 ? std::string(".") : ctx.FormatValue(v); };
  for (const SymbolNodes& s : syms) {
    int64_t flat_sum = 0, cum_sum = 0;
    for (const GraphNode* n : s.nodes) flat_sum += n->FlatValue(), cum_sum += n->CumValue();
    GODX_ASSIGN_OR_RETURN(auto insts, Disassemble(s.binary, s.start, s.end, o.intel_syntax));
    auto lines = Annotate(insts, s.nodes, s.offset);
    out += fmt::format("ROUTINE ======================== {}\n", s.name);
    out += fmt::format("{:>10} {:>10} (flat, cum) {} of Total\n", ctx.FormatValue(flat_sum),
                       ctx.FormatValue(cum_sum), measurement::Percentage(cum_sum, ctx.total));
    std::string function, file;
    int64_t line = 0;
    for (const AsmLine& n : lines) {
      std::string loc;
      if (n.function != function || n.file != file || n.line != line) {
        function = n.function, file = n.file, line = n.line;
        if (!n.function.empty()) loc = n.function + " ";
        if (!n.file.empty()) {
          loc += n.file;
          if (n.line != 0) loc += fmt::format(":{}", n.line);
        }
      }
      std::string flat = value_or_dot(n.FlatValue()), cum = value_or_dot(n.CumValue());
      if (loc.empty()) {
        out += fmt::format("{:>10} {:>10} {:>10x}: {}\n", flat, cum, n.address, n.instruction);
      } else if (n.instruction.size() < 40) {
        out += fmt::format("{:>10} {:>10} {:>10x}: {:<40};{}\n", flat, cum, n.address, n.instruction, loc);
      } else {
        out += fmt::format("{:>74};{}\n", "", loc);
        out += fmt::format("{:>10} {:>10} {:>10x}: {}\n", flat, cum, n.address, n.instruction);
      }
    }
  }
  return out;
}

Result<std::string> WeblistOutput(const Profile& p, ReportContext& ctx) {
  const PprofOptions& o = ctx.options;
  std::unique_ptr<RE2> holder;
  GODX_ASSIGN_OR_RETURN(RE2 * rx, CompileRegex(o, &holder));
  GraphBuilder b(p);
  auto g = AddressGraph(ctx, &b);
  GODX_ASSIGN_OR_RETURN(auto syms, MatchingSymbols(p, o, *rx, *g, &ctx.warnings));
  if (syms.empty()) return Status::Error(fmt::format("no matches found for regexp {}", o.output_regex));
  auto value_or_dot = [&](int64_t v) { return v == 0 ? std::string(".") : ctx.FormatValue(v); };
  std::unordered_map<std::string, std::vector<std::string>> sources;
  auto source_line = [&](const std::string& path, int64_t line) -> std::string {
    auto it = sources.find(path);
    if (it == sources.end()) {
      std::vector<std::string> lines{""};
      std::ifstream f(TrimSourcePath(path, o.trim_path, o.source_path));
      if (!f) f.open(path);
      for (std::string l; std::getline(f, l);) lines.push_back(l);
      it = sources.emplace(path, std::move(lines)).first;
    }
    return line > 0 && line < static_cast<int64_t>(it->second.size()) ? it->second[static_cast<size_t>(line)] : "";
  };
  std::string html =
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>godx pprof -weblist</title>\n"
      "<style>body{font-family:sans-serif}h2{font-size:110%}pre{margin:0}"
      ".src{cursor:pointer}.src:hover{background:#eef}.hot{color:#b00}"
      "details>summary{list-style:none}details>summary::-webkit-details-marker{display:none}"
      ".asm{color:#555;background:#f6f6f6}td{padding:0 6px;font-family:monospace;white-space:pre;text-align:right}"
      "td.t{text-align:left}</style>\n</head>\n<body>\n";
  html += fmt::format("<h1>{}</h1>\n<p>Total: {}</p>\n", HtmlEscape(o.output_regex), HtmlEscape(ctx.FormatValue(ctx.total)));
  for (const SymbolNodes& s : syms) {
    // Nodes of one address are its inlined frames (weblist keeps them): flat is the innermost
    // frame's alone, cum is each frame's, so the address counts flat summed and cum once.
    std::map<uint64_t, std::pair<int64_t, int64_t>> per_address;
    for (const GraphNode* n : s.nodes) {
      auto& v = per_address[n->info.address - s.offset];
      v.first += n->FlatValue();
      v.second = std::max(v.second, n->CumValue());
    }
    int64_t flat_sum = 0, cum_sum = 0;
    for (const auto& [a, v] : per_address) flat_sum += v.first, cum_sum += v.second;
    GODX_ASSIGN_OR_RETURN(auto insts, Disassemble(s.binary, s.start, s.end, o.intel_syntax));
    // Each instruction sums the samples up to the next instruction, as -disasm does.
    struct Row {
      std::vector<size_t> insts;
      int64_t flat = 0, cum = 0;
    };
    std::map<std::pair<std::string, int64_t>, Row> rows;  // by file, line
    std::vector<std::pair<int64_t, int64_t>> inst_values(insts.size());
    auto it = per_address.begin();
    for (size_t i = 0; i < insts.size(); ++i) {
      uint64_t next = i + 1 < insts.size() ? insts[i + 1].address : ~uint64_t{0};
      for (; it != per_address.end() && it->first < next; ++it) {
        if (it->first < insts[i].address) continue;
        inst_values[i].first += it->second.first;
        inst_values[i].second += it->second.second;
      }
      Row& r = rows[{insts[i].file, insts[i].line}];
      r.insts.push_back(i);
      r.flat += inst_values[i].first;
      r.cum += inst_values[i].second;
    }
    html += fmt::format("<h2>{}</h2>\n<p>{} {} (flat, cum) {} of Total</p>\n<table>\n", HtmlEscape(s.name),
                        HtmlEscape(ctx.FormatValue(flat_sum)), HtmlEscape(ctx.FormatValue(cum_sum)),
                        HtmlEscape(measurement::Percentage(cum_sum, ctx.total)));
    std::string last_file = "\x01";
    for (const auto& [key, r] : rows) {
      const auto& [file, line] = key;
      if (file != last_file) {
        html += fmt::format("<tr><td class=\"t\" colspan=\"4\"><b>{}</b></td></tr>\n",
                            HtmlEscape(file.empty() ? "(no source line)" : file));
        last_file = file;
      }
      html += fmt::format(
          "<tbody class=\"src{}\" onclick=\"var n=this.nextElementSibling;n.hidden=!n.hidden\"><tr><td>{}</td>"
          "<td>{}</td><td>{}</td><td class=\"t\">{}</td></tr></tbody>\n<tbody class=\"asm\" hidden>\n",
          r.flat != 0 ? " hot" : "", line, HtmlEscape(value_or_dot(r.flat)), HtmlEscape(value_or_dot(r.cum)),
          HtmlEscape(file.empty() ? "" : source_line(file, line)));
      for (size_t i : r.insts) {
        html += fmt::format("<tr><td>{:x}</td><td>{}</td><td>{}</td><td class=\"t\">{}</td></tr>\n", insts[i].address,
                            HtmlEscape(value_or_dot(inst_values[i].first)),
                            HtmlEscape(value_or_dot(inst_values[i].second)), HtmlEscape(insts[i].text));
      }
      html += "</tbody>\n";
    }
    html += "</table>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace godx::pprof
