// pprof's -topproto: the top table (after pprof's trimming) as a profile.proto with two sample
// types, cum and flat, one single-frame sample per node; encoded by pprof/writer.h.
#pragma once

#include <string>

#include "core/status.h"
#include "pprof/model.h"
#include "pprof/text_report.h"

namespace godx::pprof {

// The profile pprof builds (tests compare it with pprof's, decoded).
Profile TopProfile(const Profile& p, ReportContext& ctx);
// gzip-compressed profile.proto bytes, as `go tool pprof -topproto` writes.
Result<std::string> TopProto(const Profile& p, ReportContext& ctx);

}  // namespace godx::pprof
