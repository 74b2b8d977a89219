// Renders reports as one self-contained HTML page (no network needed to view it): per report the
// title, summary facts, findings (most severe first), warnings and tables as plain HTML, then the
// charts for what the report's series hold, drawn in the browser by web/report.js with uPlot
// (both compiled into godx, see html_assets.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/report.h"

namespace godx {

struct HtmlOptions {
  std::string title;  // the page's title; empty: the first report's title
  // For `godx serve --watch`: the page asks the server for new data every this many seconds
  // (0: a static report).
  double refresh_s = 0;
  // HTML placed above the reports, as given (the served profile view's controls); the caller
  // escapes what it puts in.
  std::string controls_html;
};

std::string RenderHtml(const std::vector<Report>& reports, const HtmlOptions& options = {});

// The data a page draws from, as the page embeds it: per report its JSON envelope plus `title`,
// `facts` and `tables`. The server answers it for a live refresh.
Json HtmlPageData(const std::vector<Report>& reports);

// Text as HTML (&, <, >, " escaped).
std::string HtmlEscape(std::string_view s);

}  // namespace godx
