// godx's side of the in-process agent (agent/ in this repository, module godx.dev/agent). A
// service that mounts it answers GET /debug/godx/ with {"format": "godx-agent/1", ...} and serves
// a whole capture bundle, taken inside the process, at /debug/godx/bundle (a tar stream of the
// files and manifest godx's own capture writes), and the goroutine/thread and memory cross-check at
// /debug/godx/crosscheck. `godx doctor URL` and `godx watch URL` use them when present: one
// request instead of one per endpoint, the flight recorder's window (the seconds *before* the
// capture) as trace.out, and the process's own /proc view for a service godx cannot see in /proc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "core/status.h"
#include "live/bundle.h"
#include "live/capture.h"

namespace godx::live {

struct WatchSample;

inline constexpr std::string_view kAgentFormat = "godx-agent/1";

struct AgentInfo {
  Url base;  // ".../debug/godx/"
  std::string agent_version, go_version, program;
  int64_t pid = -1;
  bool flight_recorder = false;
  // Whether the same service also serves net/http/pprof (its index answers 200); a service with
  // the agent alone is sampled through the agent.
  bool pprof = true;
};

// The agent's base beside a pprof base: "/x/debug/pprof/" → "/x/debug/godx/".
Url AgentBase(const Url& pprof_base);

// Parses the index the agent serves at /debug/godx/; an error when it is not the agent's.
Result<AgentInfo> ParseAgentIndex(std::string_view body, const Url& base);

// One GET of the agent's index beside `pprof_base` (at most `timeout_s`): the agent, or nullopt
// when the service does not serve it (404, another answer, unreachable). When it does, one GET of
// the pprof index says whether pprof is served too.
std::optional<AgentInfo> ProbeAgent(const Url& pprof_base, double timeout_s);

// Fetches /debug/godx/bundle?cpu=&trace= and records what it holds in `bundle`: each entry of the
// agent's manifest with its file, the agent's facts (go_version, go_module, ...) and its pid.
// Fails, having added nothing, when the agent does not answer with a readable tar (the caller
// then captures endpoint by endpoint). A stream cut short keeps the files that arrived whole and
// leaves the manifest incomplete.
Status FetchAgentBundle(const AgentInfo& agent, const CaptureOptions& options, Bundle* bundle);

// FetchAgentBundle when `agent` is set; false (with the reason as the manifest fact
// "agent_error") when the caller must capture endpoint by endpoint instead.
bool CaptureFromAgent(const std::optional<AgentInfo>& agent, const CaptureOptions& options,
                      Bundle* bundle);

// Fills what a watch sample lacks from /debug/godx/crosscheck: threads and RSS from the process's
// own /proc/self/status, for a service whose /proc godx cannot read (another host or container),
// and the goroutine count and heap for a service without net/http/pprof or expvar. Fields the
// agent cannot give (-1) stay unset; a failure adds one line to `errors`.
void PollAgentCrossCheck(const AgentInfo& agent, double timeout_s, WatchSample* sample,
                         std::vector<std::string>* errors);

}  // namespace godx::live
