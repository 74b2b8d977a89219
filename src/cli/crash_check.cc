#include "cli/crash_check.h"

#include <fmt/format.h>

#include "compiler/asm_bounds.h"
#include "compiler/asm_reader.h"
#include "core/input.h"

namespace godx::cli {

Status AddCrashCheck(const std::string& dump_path, const std::string& listing_path,
                     Report* report) {
  if (!report->extra.contains("crash") || !report->extra["crash"].is_object()) return Status::Ok();
  Json& crash = report->extra["crash"];
  if (!crash.contains("culprit") || !crash["culprit"].is_object()) return Status::Ok();
  const std::string function = crash["culprit"].value("function", "");
  const uint32_t line = crash["culprit"].value("line", 0u);
  if (dump_path == "-") {
    return Status::Error("stacks: --objdump needs the dump in a file (its +0x offsets are read again)");
  }
  GODX_ASSIGN_OR_RETURN(Input dump, Input::Open(dump_path));
  GODX_ASSIGN_OR_RETURN(Input listing_input, Input::Open(listing_path));
  GODX_ASSIGN_OR_RETURN(compiler::Listing listing, compiler::ReadListing(listing_input));
  // The first frame of the dump with the culprit's function and line: the crashing goroutine is
  // printed first in a crash.
  // A culprit inlined into its caller has no offset of its own: the caller's frame below it
  // holds the PC, which lies in the inlined body.
  for (const auto& f : compiler::ParseTracebackFrames(dump.data())) {
    const compiler::InlinedFrame* inlined = nullptr;
    for (const auto& in : f.inlined)
      if (inlined == nullptr && in.function == function && in.line == line) inlined = &in;
    if (inlined == nullptr && (f.function != function || f.line != line)) continue;
    GODX_ASSIGN_OR_RETURN(compiler::PanicSite site,
                          compiler::ResolveOffset(listing, f.function, f.offset));
    const bool bounds = site.check == compiler::CheckKind::kBounds;
    // The listing names the innermost inlined position for the PC.
    const uint32_t want = f.inlined.empty() ? f.line : f.inlined.front().line;
    std::string what = fmt::format(
        "{} check{}: {} at {}:{}{} (+{:#x} in {}, the call before +{:#x})",
        compiler::CheckName(site.check),
        bounds ? " (" + compiler::BoundsLabel(site.bounds) + ")" : "", site.instruction,
        site.file, site.line,
        inlined ? fmt::format(" in {}, inlined into {}", inlined->function, f.function) : "",
        site.offset, f.function, f.offset);
    report->facts.push_back({"Check hit", what});
    for (Finding& finding : report->findings) {
      for (const std::string& e : finding.evidence) {
        if (e.rfind("first frame in user code", 0) == 0) {
          finding.evidence.push_back("it hit a " + what);
          break;
        }
      }
    }
    if (!site.note.empty()) {
      report->warnings.push_back(listing_path + ": " + site.note);
    } else if (site.line != 0 && want != 0 && site.line != want) {
      report->warnings.push_back(fmt::format(
          "{}: the traceback puts {}+{:#x} at line {} but the listing at line {}: it may come "
          "from another build",
          listing_path, f.function, f.offset, want, site.line));
    }
    crash["check"] = Json{{"function", site.function},
                          {"inlined_function", inlined ? Json(inlined->function) : Json(nullptr)},
                          {"file", site.file},
                          {"line", site.line},
                          {"offset", site.offset},
                          {"instruction", site.instruction},
                          {"check", compiler::CheckName(site.check)},
                          {"bounds_kind", bounds ? Json(compiler::BoundsLabel(site.bounds))
                                                 : Json(nullptr)}};
    return Status::Ok();
  }
  report->warnings.push_back(fmt::format(
      "{}: no +0x offset for the culprit frame {} at line {}; the check it hit is unknown",
      dump_path, function, line));
  return Status::Ok();
}

}  // namespace godx::cli
