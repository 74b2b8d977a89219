// An SVG drawn by a program godx runs (Graphviz's dot for the call graph), made safe to place
// inside a report page: the page's policy forbids scripts from data and any network access, and
// the labels carry names from the profile, which godx does not trust.
#pragma once

#include <string>
#include <string_view>

namespace godx {

// Keeps only drawing elements (svg, g, title, text, path, polygon, polyline, ellipse, circle,
// rect, line) and their geometry and paint attributes; <a> becomes <g> (its link and tooltip
// go), and everything else (the XML prologue, DOCTYPE, comments, scripts, styles, images,
// foreignObject, event handlers, href, url(...) paints) is dropped with its content. Text is
// re-escaped. The result is XML that parses as SVG on its own.
std::string SanitizeSvg(std::string_view svg);

}  // namespace godx
