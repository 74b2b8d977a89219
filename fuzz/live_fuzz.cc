// libFuzzer target: everything godx parses from a live process or a bundle — /proc status,
// smaps_rollup and net/tcp text, expvar JSON, the goroutine count line and the debug=1 count
// profiles (goroutine, goroutineleak), the Go build info blob,
// bundle manifests, stderr line classification and durations — must never crash, hang or
// allocate without bound on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/line_cursor.h"
#include "live/buildinfo.h"
#include "live/bundle.h"
#include "live/duration.h"
#include "live/expvar.h"
#include "live/goroutine_profile.h"
#include "live/proc.h"
#include "live/runner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace godx::live;
  (void)ParseProcStatus(in, "fuzz");
  (void)ParseSmapsRollup(in);
  (void)ParseNetTcp(in, false);
  (void)ParseNetTcp(in, true);
  (void)SocketInode(in);
  (void)ParseExpvars(in, "fuzz");
  (void)GoroutineTotal(in);
  (void)ReadCountProfile(in, "fuzz");
  (void)ParseGoBuildInfo(in);
  (void)ParseManifest(in, "fuzz");
  (void)ParseDurationSeconds(in.substr(0, 80));
  (void)MergeGodebug(in.substr(0, size / 2), in.substr(size / 2));
  godx::LineCursor lines(in);
  std::string_view line;
  while (lines.Next(&line)) (void)(IsRuntimeLine(line) || StartsTraceback(line));
  return 0;
}
