// pprof's -dot output (its internal/graph dotgraph.go) over the trimmed graph pprof draws: the
// same nodes, edges, labels, colours and sizes as `go tool pprof -dot`; and the pictures pprof
// makes from it (-svg, -png, -pdf, -ps, -gif, -eps) by running Graphviz's `dot`, as pprof does.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "pprof/model.h"
#include "pprof/text_report.h"

namespace godx::pprof {

// The DOT text. `ctx` must come from PreparePprofReport with a graph output format.
std::string Dot(const Profile& p, ReportContext& ctx);

// Renders DOT text with `dot -T<format>` (format: svg, png, pdf, ps, gif, eps). An error when
// Graphviz is missing says so, as pprof's does.
Result<std::string> RenderDot(std::string_view dot_text, std::string_view format);

// pprof's ShortenFunctionName: "github.com/x/y.(*T).M" -> "y.(*T).M".
std::string ShortenFunctionName(std::string_view name);

}  // namespace godx::pprof
