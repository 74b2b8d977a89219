// Renders a Report for people: title, summary facts, findings (most severe first), tables,
// warnings. Colour only when asked (the CLI asks when stdout is a terminal).
#pragma once

#include <string>
#include <vector>

#include "core/report.h"

namespace godx {

struct TextStyle {
  bool color = false;
};

std::string RenderText(const Report& report, const TextStyle& style);
// Aligned columns; numbers right-aligned where the table says so. Shared with other renderers.
std::string RenderTable(const Table& table, const TextStyle& style, int indent = 2);
// Display width of UTF-8 text (code points; every character we print is one column wide).
size_t DisplayWidth(std::string_view s);

}  // namespace godx
