#include "live/target.h"

#include <fmt/format.h>

#include <algorithm>

#include "live/agent_endpoint.h"
#include "live/proc.h"

namespace godx::live {

bool IsPidTarget(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::string> CaptureTarget(const std::string& target, const CaptureOptions& options,
                                  const std::string& dir) {
  std::optional<ProcessInfo> process;
  std::optional<Url> url;
  if (IsPidTarget(target)) {
    GODX_ASSIGN_OR_RETURN(ProcessInfo p, ReadProcess(std::stoll(target)));
    process = std::move(p);
  } else {
    auto u = ParseUrl(target);
    if (!u.ok()) {
      return Status::Error(
          fmt::format("{} (TARGET is a URL, a PID or a bundle directory)", u.status().message()));
    }
    url = PprofBase(*u);
    // A service on this machine: its process is found by its listening port, so the report gets
    // /proc data (threads, RSS against Go memory) too.
    if (IsLoopbackHost(u->host)) {
      int64_t pid = FindListenerPid(static_cast<uint16_t>(u->port));
      if (pid >= 0) {
        if (auto p = ReadProcess(pid); p.ok()) process = std::move(p).value();
      }
    }
  }
  if (url) {
    // A service that cannot be reached at all gets no bundle: there would be nothing in it, and
    // a report of it would read as a service that stopped answering rather than one that never
    // answered. One request for the pprof index, before anything is written.
    FetchOptions fo;
    fo.connect_timeout_s = std::min(3.0, std::max(0.5, options.timeout_s));
    fo.timeout_s = std::max(1.0, options.timeout_s);
    fo.max_bytes = 1 << 20;
    auto res = HttpGet(*url, url->path, fo);
    if (!res.ok() && IsUnreachable(res.status())) {
      return Status::Error(fmt::format("{}: nothing was captured and no bundle written",
                                       res.status().message()));
    }
  }
  Manifest m;
  m.target = target;
  m.target_kind = url ? "url" : "pid";
  GODX_ASSIGN_OR_RETURN(Bundle bundle, Bundle::Create(dir, std::move(m)));
  // A service running godx's agent (agent/) hands over a whole bundle taken inside it.
  if (url && CaptureFromAgent(ProbeAgent(*url, std::min(2.0, options.timeout_s)), options, &bundle))
    return dir;
  if (process) CaptureProcess(*process, &bundle);
  if (process && !url) {
    if (process->go_version.empty()) {
      bundle.manifest().facts["go_buildinfo_note"] = process->go_buildinfo_note;
    }
    std::vector<std::string> tried;
    url = ProbePprof(*process, 2.0, &tried);
    bundle.manifest().facts["pprof_probe"] = tried;
    (void)bundle.WriteManifest();
  }
  if (url) {
    CaptureUrl(*url, options, &bundle);
    if (process) {
      CaptureProcessEnd(process->pid, &bundle);
      (void)bundle.WriteManifest();
    }
  } else {
    bundle.manifest().complete = true;
    (void)bundle.WriteManifest();
  }
  return dir;
}

}  // namespace godx::live
