// pprof's -callgrind output (the callgrind format KCachegrind and QCachegrind read), exactly as
// `go tool pprof -callgrind` writes it: address granularity (PreparePprofReport sets it), no
// trimming, values in the smallest unit any node needs.
#pragma once

#include <string>

#include "pprof/model.h"
#include "pprof/text_report.h"

namespace godx::pprof {

std::string Callgrind(const Profile& p, ReportContext& ctx);

}  // namespace godx::pprof
