// Turns a Dump into a Report: the crash summary first, findings (leak suspects, deadlock shape,
// lock convoys, goroutines stuck in syscalls, runaway creation, data races), then the buckets.
// Thresholds are documented in docs/formats/goroutine-dumps.md ("Findings").
#pragma once

#include <string>

#include "core/input.h"
#include "core/report.h"
#include "core/wait_reason.h"
#include "stacks/model.h"
#include "stacks/reader.h"

namespace godx::stacks {

struct ViewOptions {
  size_t top = 20;     // buckets shown in text (0: all)
  size_t frames = 12;  // frames shown per bucket in text (0: all)
};

// The wait class of a bucket: its wait reason normalised across releases, refined by its frames
// where the reason is ambiguous (before Go 1.21 a WaitGroup.Wait printed as "semacquire").
WaitClass BucketWaitClass(const Dump& dump, const Bucket& bucket);
// The same for one of the bucket's states (its goroutines need not all be in the same one).
WaitClass BucketWaitClass(const Dump& dump, const Bucket& bucket, StringId state);
// The name of that class as every view shows it (text "By wait", summary.by_wait_class, each
// bucket's wait_class): core's WaitClassName, except that `select {}` ("select (no cases)") is
// named apart from waits on a nil channel.
std::string BucketWaitLabel(const Dump& dump, const Bucket& bucket);
std::string BucketWaitLabel(const Dump& dump, const Bucket& bucket, StringId state);

// Index of the first frame in user code (not runtime, not the standard library), or -1.
int UserFrame(const Dump& dump, const std::vector<Frame>& frames);

// "main.worker at main.go:42" (file shortened to its base name).
std::string FrameSite(const Dump& dump, const Frame& f);
// A bucket's name: the site of its first user frame, or of its innermost frame.
std::string BucketName(const Dump& dump, const Bucket& bucket);

Report AnalyzeDump(const Dump& dump, const AnalyzeOptions& options = {},
                   const ViewOptions& view = {});
// ReadDump + AnalyzeDump: the row `godx analyze` uses.
// AnalyzeDump, unless the text the dump was read from holds two or more processes' dumps
// interleaved line by line behind distinct prefixes (two docker compose services crashing at
// once): then each process's lines are read and analysed apart, and the reports merged
// (core/interleave.h). `path` is read again only when the dump holds lines it could not place.
Report AnalyzeDumpAt(const Dump& dump, const std::string& path, const AnalyzeOptions& options = {},
                     const ViewOptions& view = {});
Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options = {});

// The JSON forms shared with `godx stacks diff`.
Json FrameJson(const Dump& dump, const Frame& f);
Json BucketJson(const Dump& dump, const Bucket& b);

}  // namespace godx::stacks
