#include "compiler/asm_reader.h"

#include <fmt/format.h>

#include <optional>

#include "compiler/asm_bounds.h"
#include "compiler/messages.h"
#include "compiler/reader.h"
#include "core/line_cursor.h"
#include "core/plural.h"
#include "core/scanner.h"
#include "core/text.h"

namespace godx::compiler {

const char* CheckName(CheckKind c) {
  switch (c) {
    case CheckKind::kNone:
      return "call";
    case CheckKind::kBounds:
      return "bounds";
    case CheckKind::kNil:
      return "nil";
    case CheckKind::kDivide:
      return "divide";
    case CheckKind::kShift:
      return "shift";
    case CheckKind::kTypeAssertion:
      return "type-assertion";
    case CheckKind::kPanic:
      return "explicit panic";
    case CheckKind::kOther:
      return "other";
    case CheckKind::kFatal:
      return "fatal";
  }
  return "call";
}

CheckKind ClassifyCallee(std::string_view callee) {
  if (!StartsWith(callee, "runtime.")) return CheckKind::kNone;
  std::string_view f = callee.substr(8);
  if (EndsWith(f, ".abi0")) f.remove_suffix(5);
  if (StartsWith(f, "panicIndex") || StartsWith(f, "panicSlice") || StartsWith(f, "panicBounds") ||
      StartsWith(f, "goPanicIndex") || StartsWith(f, "goPanicSlice") ||
      StartsWith(f, "panicExtend") || StartsWith(f, "goPanicExtend"))
    return CheckKind::kBounds;
  if (f == "panicdivide" || f == "panicoverflow" || f == "panicfloat") return CheckKind::kDivide;
  if (f == "panicshift") return CheckKind::kShift;
  if (StartsWith(f, "panicdottype") || f == "panicnildottype") return CheckKind::kTypeAssertion;
  if (f == "panicmem" || f == "panicmemAddr" || f == "sigpanic") return CheckKind::kNil;
  if (f == "gopanic") return CheckKind::kPanic;
  if (f == "throw" || f == "fatal") return CheckKind::kFatal;
  if (f == "panicwrap" || StartsWith(f, "panicunsafe") || f == "panicrangestate" ||
      StartsWith(f, "panicmakeslice"))
    return CheckKind::kOther;
  return CheckKind::kNone;
}

namespace {

bool IsCallOp(std::string_view op) {
  return op == "CALL" || op == "BL" || op == "JAL" || op == "CALLL";
}

// "CALL runtime.panicIndex(SB)" → "runtime.panicIndex".
std::string_view CallTarget(std::string_view args) {
  while (!args.empty() && (args[0] == ' ' || args[0] == '\t')) args.remove_prefix(1);
  // Symbols end in "(SB)"; method names hold parentheses of their own ("main.(*T).get(SB)").
  size_t paren = args.find("(SB)");
  if (paren == std::string_view::npos) paren = args.find('(');
  if (paren == std::string_view::npos) return {};
  std::string_view t = args.substr(0, paren);
  // A register-indirect call ("CALL AX", "CALL (DX)") has no symbol.
  if (t.empty() || t.find(' ') != std::string_view::npos) return {};
  // Offsets within a symbol: "runtime.gopanic+0".
  size_t plus = t.find('+');
  return t.substr(0, plus);
}

// A byte test of memory whose only purpose is to fault on nil: "TESTB AX, (AX)" / "TESTB AL,
// 0(CX)".
bool IsNilProbe(std::string_view op, std::string_view args) {
  if (op != "TESTB") return false;
  size_t comma = args.find(',');
  if (comma == std::string_view::npos) return false;
  std::string_view mem = args.substr(comma + 1);
  while (!mem.empty() && mem[0] == ' ') mem.remove_prefix(1);
  if (StartsWith(mem, "0(")) mem.remove_prefix(1);
  return StartsWith(mem, "(");
}

class ListingReader {
 public:
  explicit ListingReader(Listing* l) : l_(l) {}

  void Line(std::string_view line, uint64_t number) {
    if (line.empty()) return;
    if (line[0] != '\t' && line[0] != ' ') {
      Header(line, number);
      return;
    }
    if (in_func_ && line[0] == '\t' && Compile(line, number)) return;
    if (in_func_ && line[0] == ' ' && Objdump(line)) return;
    if (in_func_ && objdump_func_) {  // an indented source line of objdump -S
      source_ = line;
      return;
    }
    ++l_->other_lines;
  }

  void Finish() {
    Close();
    if (undecoded_ > 0) {
      l_->warnings.push_back(fmt::format(
          "{} a PCDATA $4 value godx cannot decode, first at line {}: {}; "
          "their kind is reported as unknown",
          Plural(undecoded_, "bounds check has", "bounds checks have"), first_undecoded_line_,
          first_undecoded_why_));
    }
    if (without_pcdata_ > 0) {
      l_->warnings.push_back(fmt::format(
          "{} to runtime.panicBounds in -S functions {} no PCDATA $4 before them, first "
          "at line {}: their kind is unknown",
          Plural(without_pcdata_, "call"), without_pcdata_ == 1 ? "has" : "have",
          first_without_pcdata_line_));
    }
    l_->arch = x86_ops_ > 0 ? "x86" : arm64_ops_ > 0 ? "arm64" : "";
  }
  bool saw_s = false, saw_objdump = false, saw_bce = false;

 private:
  void Close() {
    if (in_func_) {
      AsmFunction& f = l_->functions.back();
      f.end = static_cast<uint32_t>(l_->instructions.size());
      if (f.file == 0 && f.first < f.end) f.file = l_->instructions[f.first].file;
    }
    in_func_ = false;
  }

  void Open(std::string_view name, std::string_view file) {
    Close();
    AsmFunction f;
    f.name = l_->pool.Intern(name);
    f.file = file.empty() ? 0 : l_->pool.Intern(file);
    f.first = f.end = static_cast<uint32_t>(l_->instructions.size());
    l_->functions.push_back(f);
    in_func_ = true;
    have_start_ = false;
    pending_pcdata_.reset();
  }

  void Header(std::string_view line, uint64_t number) {
    // objdump -S interleaves source lines, which start at column 0 like headers do.
    if (in_func_ && objdump_func_ && !StartsWith(line, "TEXT ")) {
      source_ = line;
      return;
    }
    size_t stext = line.find(" STEXT");
    if (stext != std::string_view::npos && stext > 0) {
      saw_s = true;
      Open(line.substr(0, stext), {});
      objdump_func_ = false;
      return;
    }
    if (StartsWith(line, "TEXT ")) {
      std::string_view rest = line.substr(5);
      size_t sb = rest.find("(SB)");
      if (sb != std::string_view::npos && sb > 0) {
        saw_objdump = true;
        std::string_view file = rest.substr(sb + 4);
        while (!file.empty() && file[0] == ' ') file.remove_prefix(1);
        Open(rest.substr(0, sb), file);
        objdump_func_ = true;
        return;
      }
    }
    Close();
    PositionedLine p;
    if (SplitPosition(line, &p)) {
      bool in = p.msg == "Found IsInBounds", slice = p.msg == "Found IsSliceInBounds";
      if (in || slice) {
        saw_bce = true;
        l_->bce.push_back(BceSite{l_->pool.Intern(p.file), p.line, p.col, slice});
        return;
      }
    }
    (void)number;
    ++l_->other_lines;
  }

  // `number` is the input line (for warnings); `pcdata` is false for objdump, which prints
  // no PCDATA.
  void Add(Instruction ins, std::string_view op, std::string_view args, uint64_t number,
           bool pcdata) {
    ins.pseudo = op == "TEXT" || op == "FUNCDATA" || op == "PCDATA";
    CountArch(op);
    if (op == "PCDATA") Pcdata(args);
    if (IsCallOp(op)) {
      ins.call = true;
      std::string_view target = CallTarget(args);
      if (!target.empty()) {
        ins.target = l_->pool.Intern(target);
        ins.check = ClassifyCallee(target);
        if (ins.check == CheckKind::kBounds) ins.bounds = Bounds(target, number, pcdata);
      }
    } else if (IsNilProbe(op, args)) {
      ins.check = CheckKind::kNil;
    }
    l_->instructions.push_back(ins);
  }

  // "$4, $1431": the value runtime.panicBounds64 looks up for the call that follows.
  void Pcdata(std::string_view args) {
    Scanner s(args);
    int64_t v = 0;
    s.SkipSpaces();
    if (!s.Literal("$4,")) return;
    s.SkipSpaces();
    if (s.Char('$') && s.Int(&v)) {
      s.SkipSpaces();
      if (s.AtEnd()) pending_pcdata_ = v;
    }
  }

  BoundsCheck Bounds(std::string_view target, uint64_t number, bool pcdata) {
    if (!TakesBoundsPcdata(target)) return BoundsFromCallee(target);
    BoundsCheck b;
    b.extend = target.find("panicExtend") != std::string_view::npos;
    if (!pcdata) {  // objdump: the kind is only in the binary's pcdata tables
      b.source = BoundsSource::kObjdump;
      return b;
    }
    if (!pending_pcdata_) {
      if (without_pcdata_++ == 0) first_without_pcdata_line_ = number;
      b.source = BoundsSource::kNoPcdata;
      return b;
    }
    auto d = DecodePanicBounds(*pending_pcdata_);
    if (!d.ok()) {
      if (undecoded_++ == 0) {
        first_undecoded_line_ = number;
        first_undecoded_why_ = d.status().message();
      }
      b.pcdata = *pending_pcdata_;
      b.source = BoundsSource::kUndecodable;
      return b;
    }
    d->extend = b.extend;
    return *d;
  }

  // Opcodes only one architecture's Go assembler spells: enough to name registers.
  void CountArch(std::string_view op) {
    if (op == "MOVQ" || op == "MOVL" || op == "LEAQ" || op == "LEAL" || op == "PUSHQ" ||
        op == "PUSHL")
      ++x86_ops_;
    else if (op == "STP" || op == "LDP")
      ++arm64_ops_;
  }

  StringId File(std::string_view f) {
    if (last_file_id_ != 0 && f == last_file_) return last_file_id_;
    last_file_id_ = l_->pool.Intern(f);
    last_file_ = l_->pool.Get(last_file_id_);
    return last_file_id_;
  }

  // "\t0x002e 00046 (/abs/main.go:14)\tCALL\truntime.panicIndex(SB)"
  bool Compile(std::string_view line, uint64_t number) {
    Scanner s(line.substr(1));
    uint64_t pc, dec;
    if (!s.Hex(&pc) || !s.Char(' ') || !s.Uint(&dec) || !s.Char(' ') || !s.Char('(')) return false;
    std::string_view rest = s.Rest();
    size_t close = rest.find(")\t");
    if (close == std::string_view::npos) return false;
    std::string_view pos = rest.substr(0, close);
    std::string_view text = rest.substr(close + 2);
    Instruction ins;
    ins.pc = ins.addr = pc;
    if (pos != "?") {
      size_t colon = pos.rfind(':');
      uint64_t ln = 0;
      Scanner ls(colon == std::string_view::npos ? std::string_view() : pos.substr(colon + 1));
      if (colon != std::string_view::npos && ls.Uint(&ln) && ls.AtEnd() && ln <= UINT32_MAX) {
        ins.file = File(pos.substr(0, colon));
        ins.line = static_cast<uint32_t>(ln);
      }
    }
    size_t tab = text.find('\t');
    std::string_view op = text.substr(0, tab);
    std::string_view args =
        tab == std::string_view::npos ? std::string_view() : text.substr(tab + 1);
    ins.text = text;
    Add(ins, op, args, number, true);
    return true;
  }

  // "  main.go:14\t\t0x480fee\t\te80dc3fdff\t\tCALL runtime.panicIndex(SB)\t"
  bool Objdump(std::string_view line) {
    std::string_view fields[4];
    int n = 0;
    size_t i = 0;
    while (i < line.size() && line[i] == ' ') ++i;
    while (i < line.size() && n < 4) {
      size_t j = n == 3 ? line.size() : line.find('\t', i);
      if (j == std::string_view::npos) j = line.size();
      fields[n++] = line.substr(i, j - i);
      i = j;
      while (i < line.size() && line[i] == '\t') ++i;
    }
    int f = 0;
    Instruction ins;
    if (n >= 1 && !StartsWith(fields[0], "0x")) {
      std::string_view pos = fields[0];
      size_t colon = pos.rfind(':');
      uint64_t ln = 0;
      Scanner ls(colon == std::string_view::npos ? std::string_view() : pos.substr(colon + 1));
      if (colon == std::string_view::npos || !ls.Uint(&ln) || !ls.AtEnd() || ln > UINT32_MAX)
        return false;
      ins.file = File(pos.substr(0, colon));
      ins.line = static_cast<uint32_t>(ln);
      f = 1;
    } else {
      ins.source = source_;
    }
    if (n < f + 3) return false;
    Scanner as(fields[f]);
    uint64_t addr;
    if (!as.Hex(&addr) || !as.AtEnd()) return false;
    std::string_view text = fields[f + 2];
    while (!text.empty() && (text.back() == '\t' || text.back() == ' ')) text.remove_suffix(1);
    if (!have_start_) {
      start_ = addr;
      have_start_ = true;
      l_->functions.back().start = addr;
    }
    if (addr < start_) return false;
    ins.addr = addr;
    ins.pc = addr - start_;
    size_t sp = text.find(' ');
    std::string_view op = text.substr(0, sp);
    std::string_view args = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
    ins.text = text;
    Add(ins, op, args, 0, false);
    return true;
  }

  Listing* l_;
  bool in_func_ = false;
  bool objdump_func_ = false;
  std::string_view source_;
  bool have_start_ = false;
  uint64_t start_ = 0;
  std::string_view last_file_;
  StringId last_file_id_ = 0;
  // The PCDATA $4 value in effect: like every pcdata table, it holds from its PCDATA line to the
  // next one in the function (runtime.panicBounds64 looks it up at the call's PC). The compiler
  // writes it just before each call, but the assembler may put padding in between (a NOP at
  // checks.go:11 in go1.26-escapes-S.txt).
  std::optional<int64_t> pending_pcdata_;
  uint64_t undecoded_ = 0, first_undecoded_line_ = 0;
  std::string first_undecoded_why_;
  uint64_t without_pcdata_ = 0, first_without_pcdata_line_ = 0;
  uint64_t x86_ops_ = 0, arm64_ops_ = 0;
};

}  // namespace

Result<Listing> ReadListing(const Input& input) {
  std::string_view data = input.data();
  if (data.empty()) {
    return Status::Error(fmt::format(
        "{}: empty input, expected a -gcflags=-S listing or go tool objdump output", input.name()));
  }
  if (LooksBinary(data.substr(0, 4096))) {
    return Status::Error(fmt::format(
        "{}: byte 0: binary data, expected the text of a -S listing or of go tool objdump (run "
        "'go tool objdump BINARY > listing.txt' first)",
        input.name()));
  }
  Listing l;
  l.text = data;
  ListingReader r(&l);
  LineCursor cur(data);
  std::string_view line;
  while (cur.Next(&line)) r.Line(line, cur.line_number());
  r.Finish();
  l.lines = cur.line_number();
  if (l.instructions.empty() && l.bce.empty()) {
    return Status::Error(fmt::format(
        "{}: line 1: expected a -S listing ('main.f STEXT size=...'), go tool objdump output "
        "('TEXT main.f(SB) file') or check_bce lines ('file.go:L:C: Found IsInBounds'), found '{}'",
        input.name(), FirstLine(data)));
  }
  std::string fmt;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!fmt.empty()) fmt += "+";
    fmt += name;
  };
  add(r.saw_s, "-S");
  add(r.saw_objdump, "objdump");
  add(r.saw_bce, "check_bce");
  l.format = fmt;
  return l;
}

namespace {

bool SameFunction(std::string_view listed, std::string_view asked) {
  if (listed == asked) return true;
  // Go ≤1.19 -S listings print the package being compiled as "".
  if (StartsWith(listed, "\"\".")) {
    std::string_view rest = listed.substr(2);
    return EndsWith(asked, rest) && asked.size() > rest.size();
  }
  return false;
}

}  // namespace

std::vector<TracebackFrame> ParseTracebackFrames(std::string_view text) {
  std::vector<TracebackFrame> frames;
  LineCursor cur(text);
  std::string_view line, prev;
  uint64_t prev_number = 0;
  std::vector<InlinedFrame> inlined;  // offset-less frames waiting for their physical frame
  while (cur.Next(&line)) {
    if (line.empty() || StartsWith(line, "goroutine ") || StartsWith(line, "created by "))
      inlined.clear();
    // "\t/src/main.go:14 +0x33" (newer releases may append " fp=... sp=... pc=...").
    if (!line.empty() && line[0] == '\t' && !prev.empty() && prev[0] != '\t') {
      std::string_view loc = line.substr(1);
      size_t plus = loc.find(" +0x");
      std::string_view fn = prev;
      if (StartsWith(fn, "created by ")) fn = {};
      // "main.f(0x1, 0x2)" / "main.f(...)" / "main.(*T).m()": drop the final argument list.
      if (!fn.empty() && fn.back() == ')') {
        int depth = 0;
        for (size_t k = fn.size(); k-- > 0;) {
          if (fn[k] == ')') ++depth;
          if (fn[k] == '(' && --depth == 0) {
            fn = fn.substr(0, k);
            break;
          }
        }
      } else {
        fn = {};
      }
      if (!fn.empty()) {
        TracebackFrame f;
        f.function = std::string(fn);
        std::string_view pos = plus == std::string_view::npos ? loc : loc.substr(0, plus);
        size_t colon = pos.rfind(':');
        Scanner ls(colon == std::string_view::npos ? std::string_view() : pos.substr(colon + 1));
        uint64_t ln = 0;
        if (colon != std::string_view::npos && ls.Uint(&ln) && ln <= UINT32_MAX) {
          f.file = std::string(pos.substr(0, colon));
          f.line = static_cast<uint32_t>(ln);
        }
        if (plus == std::string_view::npos) {
          // An inlined call: it has a line but no PC of its own.
          if (f.line != 0) inlined.push_back({f.function, f.file, f.line});
        } else if (Scanner os(loc.substr(plus + 2)); os.Hex(&f.offset)) {
          f.input_line = prev_number;
          f.inlined = std::move(inlined);
          inlined.clear();
          frames.push_back(std::move(f));
        }
      }
    }
    prev = line;
    prev_number = cur.line_number();
  }
  return frames;
}

Result<PanicSite> ResolveReturnAddress(const Listing& l, std::string_view spec) {
  // Accept "main.main+0x3f6" and "main.main()+0x3f6" (pasted from a traceback).
  size_t plus = spec.rfind('+');
  if (plus == std::string_view::npos || plus == 0) {
    return Status::Error(
        fmt::format("--at '{}': expected FUNCTION+0xOFFSET, e.g. main.main+0x3f6", spec));
  }
  std::string_view name = spec.substr(0, plus);
  if (EndsWith(name, "()")) name.remove_suffix(2);
  Scanner s(spec.substr(plus + 1));
  uint64_t off = 0;
  if (!(s.Hex(&off) || s.Uint(&off)) || !s.AtEnd()) {
    return Status::Error(fmt::format("--at '{}': the offset '{}' is not a number (0x3f6 or 1014)",
                                     spec, spec.substr(plus + 1)));
  }
  return ResolveOffset(l, name, off);
}

Result<PanicSite> ResolveOffset(const Listing& l, std::string_view name, uint64_t off) {
  std::string spec = fmt::format("{}+{:#x}", name, off);
  const AsmFunction* fn = nullptr;
  for (const auto& f : l.functions) {
    if (SameFunction(l.pool.Get(f.name), name)) {
      fn = &f;
      break;
    }
  }
  if (fn == nullptr) {
    return Status::Error(fmt::format("--at '{}': no function {} in the listing ({} functions)",
                                     spec, name, l.functions.size()));
  }
  const Instruction* before = nullptr;  // last real instruction that starts before `off`
  const Instruction* at = nullptr;      // the instruction that starts at `off`
  for (uint32_t i = fn->first; i < fn->end; ++i) {
    const Instruction& ins = l.instructions[i];
    if (ins.pseudo) continue;
    if (ins.pc < off) before = &ins;
    if (ins.pc == off && at == nullptr) at = &ins;
  }
  const Instruction* site = nullptr;
  if (before != nullptr && before->call)
    site = before;
  else if (at != nullptr)
    site = at;
  else
    site = before;
  if (site == nullptr || off == 0) {
    return Status::Error(
        fmt::format("--at '{}': offset {:#x} is outside {} (its instructions end at "
                    "{:#x})",
                    spec, off, name, fn->first < fn->end ? l.instructions[fn->end - 1].pc : 0));
  }
  PanicSite p;
  p.function = std::string(l.pool.Get(fn->name));
  p.file = std::string(l.pool.Get(site->file ? site->file : fn->file));
  p.line = site->line;
  p.offset = site->pc;
  p.return_offset = off;
  std::string text(site->text);
  for (char& c : text)
    if (c == '\t') c = ' ';
  p.instruction = text;
  p.callee = site->target ? std::string(l.pool.Get(site->target)) : "";
  p.check = site->check;
  p.bounds = site->bounds;
  p.arch = l.arch;
  std::string_view src = site->source;
  while (!src.empty() && (src[0] == ' ' || src[0] == '\t')) src.remove_prefix(1);
  p.source = std::string(src);
  // A fault at a non-call instruction is how nil dereferences surface (sigpanic); only an
  // instruction that touches memory can fault.
  if (!site->call && p.check == CheckKind::kNone) {
    if (site->text.find('(') != std::string_view::npos) {
      p.check = CheckKind::kNil;
    } else {
      p.note = fmt::format(
          "no call ends just before {:#x} and the instruction there does not "
          "touch memory: the listing is probably not from the binary that "
          "printed this traceback",
          off);
    }
  }
  return p;
}

int SniffListing(std::string_view head) {
  LineCursor cur(head);
  std::string_view line;
  int s = 0, objdump = 0, bce = 0, lines = 0;
  while (cur.Next(&line) && lines < 400) {
    ++lines;
    if (line.find(" STEXT ") != std::string_view::npos && line[0] != '\t') ++s;
    if (StartsWith(line, "TEXT ") && line.find("(SB)") != std::string_view::npos) ++objdump;
    if (EndsWith(line, ": Found IsInBounds") || EndsWith(line, ": Found IsSliceInBounds")) ++bce;
    if (StartsWith(line, "\t0x") && line.find(")\t") != std::string_view::npos) ++s;
  }
  if (s >= 2 || objdump >= 1) return 95;
  if (bce >= 1) return 70;
  return 0;
}

}  // namespace godx::compiler
