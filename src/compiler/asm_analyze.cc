#include "compiler/asm_analyze.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "compiler/asm_bounds.h"
#include "compiler/asm_reader.h"
#include "compiler/release.h"
#include "compiler/messages.h"
#include "core/plural.h"
#include "core/units.h"

namespace godx::compiler {

namespace {

constexpr size_t kChecks = static_cast<size_t>(CheckKind::kFatal) + 1;
constexpr size_t kEvidenceLines = 6;
using Counts = std::array<uint64_t, kChecks>;
constexpr size_t kBoundsKinds = static_cast<size_t>(BoundsKind::kConvert) + 1;

uint64_t Total(const Counts& c) {
  uint64_t n = 0;
  for (size_t i = 1; i < kChecks; ++i) n += c[i];
  return n;
}

bool IsRuntime(std::string_view name) {
  return StartsWith(name, "runtime.") || StartsWith(name, "runtime/") ||
         StartsWith(name, "internal/");
}

std::string BaseName(std::string_view p) {
  size_t slash = p.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

Json OperandJson(const BoundsCheck& b, const BoundsOperand& o, bool is_x, std::string_view arch) {
  if (!b.has_operands) return nullptr;
  if (o.in_register) return Json{{"register", BoundsRegister(o.value, is_x && b.extend, arch)}};
  return Json{{"constant", o.value}};
}

// The "bounds" object of a site (docs/formats/asm-listings.md).
Json BoundsJson(const BoundsCheck& b, std::string_view arch) {
  Json signed_x = nullptr;
  if (b.x_sign != Signedness::kUnknown) signed_x = b.x_sign == Signedness::kSigned;
  std::string message = BoundsMessage(b, arch);
  return Json{{"kind", BoundsKindName(b.kind)},
              {"label", BoundsLabel(b)},
              {"signed", signed_x},
              {"extend", b.extend},
              {"x", OperandJson(b, b.x, true, arch)},
              {"y", OperandJson(b, b.y, false, arch)},
              {"pcdata", b.pcdata >= 0 ? Json(b.pcdata) : Json(nullptr)},
              {"message", message.empty() ? Json(nullptr) : Json(message)}};
}

// Where the operands of a decoded check are, e.g. "x (the index) in BX, signed; y (the length) in
// CX; from PCDATA $4, $1431".
std::string BoundsEvidence(const PanicSite& p) {
  const BoundsCheck& b = p.bounds;
  std::string message = BoundsMessage(b, p.arch);
  switch (b.source) {
    case BoundsSource::kCallee:
      return fmt::format("{} ({}: which value failed is not in the listing)", message, p.callee);
    case BoundsSource::kPcdata: {
      auto where = [&](const BoundsOperand& o, bool is_x) {
        return o.in_register
                   ? fmt::format("in {}", BoundsRegister(o.value, is_x && b.extend, p.arch))
                   : fmt::format("the constant {}", o.value);
      };
      return fmt::format("{} (PCDATA $4, ${}: x {}, y {})", message, b.pcdata, where(b.x, true),
                         where(b.y, false));
    }
    case BoundsSource::kObjdump:
      return "objdump prints no PCDATA, and Go 1.26+ calls runtime.panicBounds for every bounds "
             "check: run go build -gcflags=-S on the same source for the kind";
    case BoundsSource::kNoPcdata:
    case BoundsSource::kUndecodable:
      return BoundsLabel(b);
  }
  return "";
}

}  // namespace

Report AnalyzeListing(const Listing& l, const std::string& source, const AsmOptions& o,
                      const AnalyzeOptions& analyze) {
  Report r;
  r.kind = "asm";
  r.source = source;
  r.warnings = l.warnings;

  struct Site {
    const AsmFunction* fn;
    const Instruction* ins;
  };
  std::vector<Site> sites;
  Counts all{}, probes{};
  std::array<uint64_t, kBoundsKinds> kinds{};
  std::array<uint64_t, 5> unknown_why{};  // by BoundsSource
  std::map<std::string, Counts> by_file;
  std::vector<std::pair<const AsmFunction*, Counts>> by_func;
  size_t skipped_runtime = 0;
  for (const auto& f : l.functions) {
    std::string_view name = l.pool.Get(f.name);
    if (!o.include_runtime && IsRuntime(name)) {
      ++skipped_runtime;
      continue;
    }
    Counts c{};
    for (uint32_t i = f.first; i < f.end; ++i) {
      const Instruction& ins = l.instructions[i];
      if (ins.check == CheckKind::kNone) continue;
      if (!ins.call) {
        ++probes[static_cast<size_t>(ins.check)];
        continue;
      }
      ++c[static_cast<size_t>(ins.check)];
      ++all[static_cast<size_t>(ins.check)];
      if (ins.check == CheckKind::kBounds) {
        ++kinds[static_cast<size_t>(ins.bounds.kind)];
        if (ins.bounds.kind == BoundsKind::kUnknown)
          ++unknown_why[static_cast<size_t>(ins.bounds.source)];
      }
      ++by_file[std::string(l.pool.Get(ins.file ? ins.file : f.file))]
               [static_cast<size_t>(ins.check)];
      sites.push_back({&f, &ins});
    }
    by_func.push_back({&f, c});
  }
  uint64_t bce_in = 0, bce_slice = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> bce_by_file;
  std::set<std::tuple<StringId, uint32_t, uint32_t, bool>> bce_seen;
  for (const auto& b : l.bce) {
    if (!bce_seen.insert({b.file, b.line, b.col, b.slice}).second) continue;  // repeated lines
    auto& slot = bce_by_file[std::string(l.pool.Get(b.file))];
    if (b.slice)
      ++bce_slice, ++slot.second;
    else
      ++bce_in, ++slot.first;
  }

  uint64_t panic_sites = Total(all);
  size_t with_sites = 0;
  for (const auto& [f, c] : by_func) with_sites += Total(c) > 0;
  r.title = fmt::format("Panic sites: {} in {} of {} functions ({} listing)",
                        FormatCount(panic_sites), with_sites, by_func.size(), l.format);
  r.facts.push_back(
      {"By check", fmt::format("{} bounds · {} nil · {} divide · {} shift · {} type "
                               "assertion · {} explicit panic · {} other",
                               all[1], all[2], all[3], all[4], all[5], all[6], all[7] + all[8])});
  if (all[static_cast<size_t>(CheckKind::kBounds)] > 0) {
    std::string by_kind;
    for (size_t k = 1; k < kBoundsKinds; ++k) {
      if (kinds[k] == 0) continue;
      if (!by_kind.empty()) by_kind += " · ";
      by_kind += fmt::format("{} {}", kinds[k], BoundsKindName(static_cast<BoundsKind>(k)));
    }
    if (kinds[0] > 0) {
      if (!by_kind.empty()) by_kind += " · ";
      uint64_t objdump = unknown_why[static_cast<size_t>(BoundsSource::kObjdump)];
      by_kind += fmt::format("{} of unknown kind", kinds[0]);
      if (objdump == kinds[0])
        by_kind += " (runtime.panicBounds: the kind is not in objdump listings from Go 1.26 on; "
                   "use -S)";
      else
        by_kind += " (see warnings)";
    }
    r.facts.push_back({"Bounds checks", by_kind});
  }
  if (probes[static_cast<size_t>(CheckKind::kNil)] > 0)
    r.facts.push_back(
        {"Nil probes",
         fmt::format("{} (TESTB on memory)",
                     Plural(probes[static_cast<size_t>(CheckKind::kNil)], "implicit nil check"))});
  if (!l.bce.empty())
    r.facts.push_back({"check_bce", fmt::format("{} IsInBounds · {} IsSliceInBounds in {} files",
                                                bce_in, bce_slice, bce_by_file.size())});
  SetGoRelease(r, InferListingRelease(l));
  if (skipped_runtime > 0)
    r.facts.push_back(
        {"Runtime",
         fmt::format("{} not counted (--include-runtime)",
                     Plural(skipped_runtime, "runtime function"))});

  std::stable_sort(by_func.begin(), by_func.end(),
                   [](const auto& x, const auto& y) { return Total(x.second) > Total(y.second); });
  uint64_t bounds = all[static_cast<size_t>(CheckKind::kBounds)];
  if (bounds > 0) {
    Finding f;
    f.id = "bounds-checks";
    f.severity = Severity::kInfo;
    f.title = fmt::format("{} {} in the listing", Plural(bounds, "bounds check"),
                          bounds == 1 ? "remains" : "remain");
    for (const auto& [fn, c] : by_func) {
      if (f.evidence.size() >= kEvidenceLines || c[1] == 0) break;
      f.evidence.push_back(
          fmt::format("{}: {}", l.pool.Get(fn->name), Plural(c[1], "bounds check")));
    }
    f.advice =
        "In a hot loop, one early check (`_ = s[n-1]`, or re-slicing `s = s[:n]`) lets the "
        "compiler prove the later indexes and drop their checks. Verify with "
        "-gcflags=-d=ssa/check_bce/debug=1.";
    r.findings.push_back(std::move(f));
  }
  if (bce_in + bce_slice > 0) {
    Finding f;
    f.id = "check-bce";
    f.severity = Severity::kInfo;
    f.title = fmt::format("{} {} prove (check_bce)", Plural(bce_in + bce_slice, "bounds check"),
                          bce_in + bce_slice == 1 ? "survives" : "survive");
    std::vector<std::pair<std::string, uint64_t>> files;
    for (const auto& [file, c] : bce_by_file) files.push_back({file, c.first + c.second});
    std::stable_sort(files.begin(), files.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    for (size_t i = 0; i < files.size() && i < kEvidenceLines; ++i)
      f.evidence.push_back(fmt::format("{}: {}", files[i].first, files[i].second));
    f.advice =
        "Each line is an index or slice expression that still checks its bounds at run time.";
    r.findings.push_back(std::move(f));
  }

  {
    Table t;
    t.title = "Panic sites per function";
    t.columns = {"function", "file",        "bounds", "nil",   "divide",
                 "shift",    "type assert", "panic",  "other", "total"};
    t.right = {false, false, true, true, true, true, true, true, true, true};
    for (const auto& [fn, c] : by_func) {
      if (Total(c) == 0) continue;
      if (t.rows.size() >= o.top) {
        ++t.omitted_rows;
        continue;
      }
      t.rows.push_back({std::string(l.pool.Get(fn->name)), BaseName(l.pool.Get(fn->file)),
                        std::to_string(c[1]), std::to_string(c[2]), std::to_string(c[3]),
                        std::to_string(c[4]), std::to_string(c[5]), std::to_string(c[6]),
                        std::to_string(c[7] + c[8]), std::to_string(Total(c))});
    }
    if (!t.rows.empty()) r.tables.push_back(std::move(t));
  }
  {
    Table t;
    t.title = "Panic sites per file";
    t.columns = {"file",        "bounds", "nil",   "divide", "shift",
                 "type assert", "panic",  "other", "total",  "check_bce"};
    t.right = {false, true, true, true, true, true, true, true, true, true};
    std::set<std::string> files;
    for (const auto& [f, c] : by_file) files.insert(f);
    for (const auto& [f, c] : bce_by_file) files.insert(f);
    for (const auto& f : files) {
      if (t.rows.size() >= o.top) {
        ++t.omitted_rows;
        continue;
      }
      Counts c = by_file.count(f) ? by_file[f] : Counts{};
      auto bc = bce_by_file.count(f) ? bce_by_file[f] : std::pair<uint64_t, uint64_t>{0, 0};
      t.rows.push_back({f, std::to_string(c[1]), std::to_string(c[2]), std::to_string(c[3]),
                        std::to_string(c[4]), std::to_string(c[5]), std::to_string(c[6]),
                        std::to_string(c[7] + c[8]), std::to_string(Total(c)),
                        std::to_string(bc.first + bc.second)});
    }
    if (!t.rows.empty()) r.tables.push_back(std::move(t));
  }
  {
    Table t;
    t.title = "Panic sites by source line";
    t.columns = {"function", "line", "offset", "check", "bounds kind", "calls"};
    t.right = {false, false, true, false, false, false};
    for (const auto& s : sites) {
      if (t.rows.size() >= o.top) {
        ++t.omitted_rows;
        continue;
      }
      t.rows.push_back({std::string(l.pool.Get(s.fn->name)),
                        fmt::format("{}:{}", BaseName(l.pool.Get(s.ins->file)), s.ins->line),
                        fmt::format("{:#x}", s.ins->pc), CheckName(s.ins->check),
                        s.ins->check == CheckKind::kBounds ? BoundsLabel(s.ins->bounds) : "",
                        std::string(l.pool.Get(s.ins->target))});
    }
    if (!t.rows.empty()) r.tables.push_back(std::move(t));
  }

  Json& s = r.summary;
  s["format"] = l.format;
  s["functions"] = by_func.size();
  s["functions_with_panic_sites"] = with_sites;
  s["panic_sites"] = panic_sites;
  Json bc = Json::object();
  for (size_t i = 1; i < kChecks; ++i) bc[CheckName(static_cast<CheckKind>(i))] = all[i];
  s["by_check"] = bc;
  Json bk = Json::object();
  for (size_t k = 0; k < kBoundsKinds; ++k)
    bk[BoundsKindName(static_cast<BoundsKind>(k))] = kinds[k];
  s["by_bounds_kind"] = bk;
  s["nil_probes"] = probes[static_cast<size_t>(CheckKind::kNil)];
  s["check_bce"] = Json{{"is_in_bounds", bce_in}, {"is_slice_in_bounds", bce_slice}};
  s["instructions"] = l.instructions.size();
  s["lines"] = l.lines;
  if (!analyze.json) return r;
  Json sj = Json::array();
  for (const auto& x : sites)
    sj.push_back(Json{{"function", l.pool.Get(x.fn->name)},
                      {"file", l.pool.Get(x.ins->file ? x.ins->file : x.fn->file)},
                      {"line", x.ins->line},
                      {"offset", x.ins->pc},
                      {"check", CheckName(x.ins->check)},
                      {"callee", l.pool.Get(x.ins->target)},
                      {"bounds", x.ins->check == CheckKind::kBounds
                                     ? BoundsJson(x.ins->bounds, l.arch)
                                     : Json(nullptr)}});
  r.extra["sites"] = std::move(sj);
  return r;
}

Json SiteJson(const PanicSite& p) {
  return Json{{"function", p.function},
              {"file", p.file},
              {"line", p.line},
              {"offset", p.offset},
              {"return_offset", p.return_offset},
              {"instruction", p.instruction},
              {"callee", p.callee.empty() ? Json(nullptr) : Json(p.callee)},
              {"source", p.source.empty() ? Json(nullptr) : Json(p.source)},
              {"check", CheckName(p.check)},
              {"bounds", p.check == CheckKind::kBounds ? BoundsJson(p.bounds, p.arch)
                                                       : Json(nullptr)}};
}

Report SiteReport(const PanicSite& p, const std::string& source, const std::string& spec) {
  Report r;
  r.kind = "asm";
  r.source = source;
  bool panic = p.check != CheckKind::kNone;
  r.title = fmt::format("{}: {} at {}{}{}", spec,
                        panic ? fmt::format("{} check", CheckName(p.check)) : "a call", p.file,
                        p.line > 0 ? fmt::format(":{}", p.line) : "",
                        p.check == CheckKind::kBounds ? fmt::format(" ({})", BoundsLabel(p.bounds))
                                                      : "");
  r.facts.push_back({"Function", p.function});
  r.facts.push_back({"Source", p.line > 0 ? fmt::format("{}:{}", p.file, p.line)
                                          : fmt::format("{} (objdump -S prints no line)", p.file)});
  if (!p.source.empty()) r.facts.push_back({"Code", p.source});
  r.facts.push_back({"Instruction", fmt::format("{:#x}  {}", p.offset, p.instruction)});
  r.facts.push_back(
      {"Check", p.note.empty() ? CheckLabel(p.check, p.bounds) : "unknown (see warnings)"});
  if (p.check == CheckKind::kBounds) r.facts.push_back({"Bounds", BoundsEvidence(p)});
  if (p.return_offset != p.offset)
    r.facts.push_back(
        {"Return address", fmt::format("{:#x} (the traceback's offset; the call is the "
                                       "instruction before it)",
                                       p.return_offset)});
  if (!p.note.empty()) r.warnings.push_back(p.note);
  r.summary["check"] = CheckName(p.check);
  r.summary["bounds_kind"] =
      p.check == CheckKind::kBounds ? Json(BoundsKindName(p.bounds.kind)) : Json(nullptr);
  r.summary["panic_sites"] = panic ? 1 : 0;
  r.extra["site"] = SiteJson(p);
  return r;
}

Result<Report> TracebackReport(const Listing& l, const std::vector<TracebackFrame>& frames,
                               const std::string& source, const std::string& traceback_name,
                               std::string_view traceback_text) {
  Report r;
  r.kind = "asm";
  r.source = source;
  Table t;
  t.title = "Traceback frames resolved against the listing";
  t.columns = {"#", "function", "traceback", "instruction", "check"};
  t.right = {true, false, false, false, false};
  Json fj = Json::array();
  const PanicSite* first_check = nullptr;
  const TracebackFrame* first_frame = nullptr;
  std::vector<PanicSite> sites;
  sites.reserve(frames.size());
  size_t resolved = 0, mismatched = 0;
  std::string first_mismatch;
  size_t row = 0, inlined_frames = 0;
  for (const TracebackFrame& f : frames) {
    auto site = ResolveOffset(l, f.function, f.offset);
    std::string where = fmt::format("{}:{} +{:#x}", BaseName(f.file), f.line, f.offset);
    // The offset of a frame with inlined calls above it lies in the innermost inlined body, and
    // the listing names that body's position for it: the site row is the innermost one.
    Json inl = Json::array();
    for (size_t k = 0; k < f.inlined.size(); ++k) {
      const InlinedFrame& in = f.inlined[k];
      ++inlined_frames;
      std::string instruction = fmt::format("inlined into {}", f.function);
      std::string check;
      if (k == 0 && site.ok()) {
        instruction = fmt::format("{:#x} {} (in {})", site->offset, site->instruction, f.function);
        check = CheckLabel(site->check, site->bounds);
      }
      t.rows.push_back({std::to_string(row++), in.function + " (inlined)",
                        fmt::format("{}:{}", BaseName(in.file), in.line), instruction, check});
      inl.push_back(Json{{"function", in.function}, {"file", in.file}, {"line", in.line}});
    }
    if (!site.ok()) {
      t.rows.push_back({std::to_string(row++), f.function, where, "(not in the listing)", ""});
      fj.push_back(Json{{"function", f.function},
                        {"file", f.file},
                        {"line", f.line},
                        {"offset", f.offset},
                        {"inlined", std::move(inl)},
                        {"site", nullptr}});
      continue;
    }
    ++resolved;
    sites.push_back(*site);
    const PanicSite& s = sites.back();
    // The listing's line for the site must be the traceback's line (the innermost inlined call's
    // when there is one): otherwise the listing was taken from another build.
    const uint32_t want = f.inlined.empty() ? f.line : f.inlined.front().line;
    if (!s.note.empty() && mismatched++ == 0)
      first_mismatch = f.function + ": " + s.note;
    else if (s.line != 0 && want != 0 && s.line != want) {
      if (mismatched++ == 0)
        first_mismatch = fmt::format("{}: traceback line {} but the listing says {}", f.function,
                                     want, s.line);
    }
    if (first_check == nullptr && s.check != CheckKind::kNone) {
      first_check = &s;
      first_frame = &f;
    }
    t.rows.push_back(
        {std::to_string(row++), f.function, where,
         f.inlined.empty() ? fmt::format("{:#x} {}", s.offset, s.instruction)
                           : fmt::format("inlined call to {}", f.inlined.back().function),
         f.inlined.empty() ? CheckLabel(s.check, s.bounds) : ""});
    fj.push_back(Json{{"function", f.function},
                      {"file", f.file},
                      {"line", f.line},
                      {"offset", f.offset},
                      {"inlined", std::move(inl)},
                      {"site", SiteJson(s)}});
  }
  if (resolved == 0) {
    return Status::Error(fmt::format(
        "{}: none of the {} frames of {} is a function of this listing; was it taken from the "
        "same binary (go tool objdump BINARY)?",
        source, frames.size(), traceback_name));
  }
  if (mismatched > 0) {
    r.warnings.push_back(
        fmt::format("{} {} not fit the listing (first: {}): it may come "
                    "from another build",
                    Plural(mismatched, "frame"), mismatched == 1 ? "does" : "do", first_mismatch));
  }
  if (first_check != nullptr) {
    const bool bounds = first_check->check == CheckKind::kBounds;
    // Inside an inlined call the check belongs to the inlined function, at its line.
    std::string where =
        first_frame->inlined.empty()
            ? fmt::format("{} at {}:{}", first_frame->function, BaseName(first_frame->file),
                          first_frame->line)
            : fmt::format("{} (inlined into {} at {}:{}) at {}:{}",
                          first_frame->inlined.front().function, first_frame->function,
                          BaseName(first_frame->file), first_frame->line,
                          BaseName(first_frame->inlined.front().file),
                          first_frame->inlined.front().line);
    r.title = fmt::format("{}: {} check in {}{}", traceback_name, CheckName(first_check->check),
                          where,
                          bounds ? fmt::format(" ({})", BoundsLabel(first_check->bounds)) : "");
    r.facts.push_back(
        {"Instruction", fmt::format("{:#x}  {}", first_check->offset, first_check->instruction)});
    r.facts.push_back({"Check", CheckLabel(first_check->check, first_check->bounds)});
    if (bounds) {
      r.facts.push_back({"Bounds", BoundsEvidence(*first_check)});
      // The runtime's message names the kind too: check the listing against it, and say what it
      // tells when the listing cannot (objdump of Go 1.26+).
      if (auto e = FindBoundsError(traceback_text)) {
        std::string mismatch = BoundsMismatch(first_check->bounds, *e);
        std::string fit = "fits the check";
        if (first_check->bounds.kind == BoundsKind::kUnknown) {
          std::vector<std::string> names;
          for (size_t k = 1; k < kBoundsKinds; ++k)
            if (e->kinds & (1u << k)) names.push_back(BoundsKindName(static_cast<BoundsKind>(k)));
          fit = fmt::format("the runtime prints this for {} checks", fmt::join(names, " or "));
        } else if (!mismatch.empty()) {
          fit = "does not fit the listing (see warnings)";
          r.warnings.push_back(fmt::format("{}: it may come from another build", mismatch));
        }
        r.facts.push_back({"Panic message", fmt::format("{}: {}", e->text, fit)});
      }
    }
    r.extra["site"] = SiteJson(*first_check);
  } else {
    r.title = fmt::format("{}: {} frames resolved, none stopped at a runtime check", traceback_name,
                          resolved);
    r.extra["site"] = nullptr;
  }
  r.facts.push_back(
      {"Frames", fmt::format("{} in the traceback{}, {} in the listing", frames.size(),
                             inlined_frames > 0
                                 ? fmt::format(" (and {} inlined call{} within them)",
                                               inlined_frames, inlined_frames == 1 ? "" : "s")
                                 : "",
                             resolved)});
  r.tables.push_back(std::move(t));
  r.summary["frames"] = frames.size();
  r.summary["resolved_frames"] = resolved;
  r.summary["inlined_frames"] = inlined_frames;
  r.summary["check"] = first_check ? Json(CheckName(first_check->check)) : Json(nullptr);
  r.summary["bounds_kind"] = first_check && first_check->check == CheckKind::kBounds
                                 ? Json(BoundsKindName(first_check->bounds.kind))
                                 : Json(nullptr);
  r.summary["panic_sites"] = first_check ? 1 : 0;
  r.extra["frames"] = std::move(fj);
  SetGoRelease(r, InferListingRelease(l));
  return r;
}

Result<Report> AnalyzeListingInput(const Input& input, const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(Listing l, ReadListing(input));
  return AnalyzeListing(l, input.name(), AsmOptions{}, options);
}

}  // namespace godx::compiler
