// The JSON envelope shared by every signal (docs/json-schema.md):
// {"kind", "source", "godx_version", "summary", <extra keys>, "findings", "warnings"}.
#pragma once

#include <string>
#include <vector>

#include "core/report.h"

namespace godx {

Json ReportToJson(const Report& report);
// One input: the object. Several: an array of objects, in input order.
std::string RenderJson(const std::vector<Report>& reports);

}  // namespace godx
