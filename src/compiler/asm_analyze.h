// Turns a Listing into Reports: panic sites per function and per source file (`godx asm`), and
// the site a traceback offset points at (`godx asm --at FUNC+0xOFF`).
#pragma once

#include <string>
#include <string_view>

#include "compiler/asm_model.h"
#include "compiler/asm_reader.h"
#include "core/input.h"
#include "core/report.h"

namespace godx::compiler {

struct AsmOptions {
  size_t top = 20;               // rows per table
  bool include_runtime = false;  // count sites inside runtime.* functions too
};

Report AnalyzeListing(const Listing& l, const std::string& source, const AsmOptions& options = {},
                      const AnalyzeOptions& analyze = {});

// The report of one resolved site; `site` also goes to the JSON envelope as "site".
Report SiteReport(const PanicSite& site, const std::string& source, const std::string& spec);
Json SiteJson(const PanicSite& site);

// Every frame of a traceback resolved against the listing of the same binary: which check each
// frame stopped in. `site` (in the JSON) is the innermost frame that stopped at a runtime check.
// `traceback_text`, when given, is searched for the runtime's bounds message ("index out of
// range [4] with length 4"), which is checked against the bounds check found. Fails when no
// frame belongs to the listing.
Result<Report> TracebackReport(const Listing& l, const std::vector<TracebackFrame>& frames,
                               const std::string& source, const std::string& traceback_name,
                               std::string_view traceback_text = {});

// ReadListing + AnalyzeListing: the row `godx analyze` uses.
Result<Report> AnalyzeListingInput(const Input& input, const AnalyzeOptions& options = {});

}  // namespace godx::compiler
