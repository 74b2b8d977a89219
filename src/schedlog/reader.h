// Reads GODEBUG=schedtrace=N[,scheddetail=1] output of every Go release, interleaved with gctrace
// lines and program output.
#pragma once

#include <string_view>
#include <vector>

#include "core/input.h"
#include "core/interleave.h"
#include "core/status.h"
#include "schedlog/model.h"

namespace godx::schedlog {

Result<SchedTrace> ReadSchedTrace(const Input& input);

// Parses one "SCHED Nms: key=value ..." record (any release). On success fills `sample` (its
// line and queue position unset) and `queues` with the per-P local run queues; on failure `stop`
// (if given) is how many bytes parsed.
bool ParseSchedLine(std::string_view text, SchedSample* sample, std::vector<int32_t>* queues,
                    size_t* stop, std::vector<int32_t>* schedticks = nullptr);
int SniffSchedTrace(std::string_view head);

// Finds a "SCHED Nms:" record in `line` for SplitInterleaved (core/interleave.h): where it starts
// after any prefix, and its time (schedtrace numbers no records).
bool SchedSequenceKey(std::string_view line, size_t* start, SequenceKey* key);

}  // namespace godx::schedlog
