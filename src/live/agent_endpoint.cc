#include "live/agent_endpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/report.h"
#include "live/tar_reader.h"
#include "live/watch.h"

namespace godx::live {

namespace {

// A JSON integer field, or nullopt when absent, not a number, or -1 (the agent's "unknown").
std::optional<int64_t> Known(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  int64_t v = it->get<int64_t>();
  return v == -1 ? std::nullopt : std::optional<int64_t>(v);
}

std::string Seconds(double s) { return fmt::format("{:.3f}", std::max(0.0, s)); }

}  // namespace

Url AgentBase(const Url& pprof_base) {
  Url base = pprof_base;
  size_t at = base.path.rfind("debug/pprof/");
  base.path = (at == std::string::npos ? std::string("/") : base.path.substr(0, at)) + "debug/godx/";
  return base;
}

Result<AgentInfo> ParseAgentIndex(std::string_view body, const Url& base) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", std::string()) != kAgentFormat) {
    return Status::Error(
        fmt::format("{}: not the godx agent's index (no \"format\": \"{}\")", base.ToString(),
                    kAgentFormat));
  }
  AgentInfo a;
  a.base = base;
  a.agent_version = j.value("agent_version", std::string());
  a.go_version = j.value("go_version", std::string());
  a.program = j.value("program", std::string());
  a.pid = Known(j, "pid").value_or(-1);
  a.flight_recorder = j.value("flight_recorder", false);
  return a;
}

std::optional<AgentInfo> ProbeAgent(const Url& pprof_base, double timeout_s) {
  Url base = AgentBase(pprof_base);
  FetchOptions fo;
  fo.connect_timeout_s = std::min(3.0, timeout_s);
  fo.timeout_s = timeout_s;
  fo.max_bytes = 64 << 10;
  auto res = HttpGet(base, base.path, fo);
  if (!res.ok() || res->status != 200) return std::nullopt;
  auto a = ParseAgentIndex(res->body, base);
  if (!a.ok()) return std::nullopt;
  auto index = HttpGet(pprof_base, pprof_base.path, fo);
  a->pprof = !index.ok() || index->status != 404;
  return std::move(a).value();
}

Status FetchAgentBundle(const AgentInfo& agent, const CaptureOptions& options, Bundle* bundle) {
  // The agent takes the CPU profile and, without a flight recorder, the trace before it answers
  // the last byte: the deadline is the request's plus their lengths.
  FetchOptions fo;
  fo.connect_timeout_s = std::min(3.0, options.timeout_s);
  fo.timeout_s = options.timeout_s + options.cpu_s + (agent.flight_recorder ? 0 : options.trace_s);
  fo.max_bytes = options.max_bytes;
  std::string path = fmt::format("{}bundle?cpu={}&trace={}", agent.base.path,
                                 Seconds(options.cpu_s), Seconds(options.trace_s));
  std::string source = agent.base.ToString() + "bundle";
  GODX_ASSIGN_OR_RETURN(FetchResult res, HttpGet(agent.base, path, fo));
  if (res.status != 200) {
    std::string first = res.body.substr(0, std::min<size_t>(res.body.find('\n'), 120));
    return Status::Error(fmt::format("{}: HTTP {}: {}", source, res.status, first));
  }
  GODX_ASSIGN_OR_RETURN(TarContents tar, ReadTar(res.body, source));
  std::map<std::string, std::string_view> files;
  for (const auto& m : tar.members) files[m.name] = m.data;
  std::optional<Manifest> theirs;
  if (auto it = files.find(std::string(kManifestName)); it != files.end()) {
    auto parsed = ParseManifest(it->second, source + ": manifest.json");
    if (!parsed.ok()) return parsed.status();
    theirs = std::move(parsed).value();
  } else if (tar.members.empty()) {
    return Status::Error(fmt::format("{}: {}; nothing arrived", source, tar.cut));
  }

  Manifest& m = bundle->manifest();
  m.url = agent.base.ToString();
  if (agent.pid >= 0) m.pid = agent.pid;
  m.facts["agent"] = fmt::format("{} (godx-agent {})", agent.base.ToString(), agent.agent_version);
  if (theirs) {
    for (auto& [key, value] : theirs->facts.items()) {
      if (!m.facts.contains(key)) m.facts[key] = value;
    }
    for (BundleEntry e : theirs->entries) {
      std::string_view data;
      if (!e.file.empty()) {
        auto it = files.find(e.file);
        if (it == files.end()) {
          e.error = "listed by the agent but not in its answer";
          e.file.clear();
        } else {
          data = it->second;
          e.bytes = data.size();
        }
      }
      GODX_RETURN_IF_ERROR(bundle->Add(std::move(e), data));
    }
  } else {
    // The answer was cut before the manifest (it comes last): keep the files that arrived.
    for (const auto& member : tar.members) {
      BundleEntry e{member.name, "from the agent (its manifest was cut off)", source, UtcNow(), 0,
                    member.data.size(), false, ""};
      GODX_RETURN_IF_ERROR(bundle->Add(std::move(e), member.data));
    }
  }
  if (!tar.cut.empty()) m.facts["agent_cut"] = tar.cut;
  m.complete = theirs && theirs->complete && tar.cut.empty() && !res.truncated;
  return bundle->WriteManifest();
}

bool CaptureFromAgent(const std::optional<AgentInfo>& agent, const CaptureOptions& options,
                      Bundle* bundle) {
  if (!agent) return false;
  Status st = FetchAgentBundle(*agent, options, bundle);
  if (st.ok()) return true;
  bundle->manifest().facts["agent_error"] = st.message();
  (void)bundle->WriteManifest();
  return false;
}

void PollAgentCrossCheck(const AgentInfo& agent, double timeout_s, WatchSample* sample,
                         std::vector<std::string>* errors) {
  FetchOptions fo;
  fo.connect_timeout_s = std::min(3.0, timeout_s);
  fo.timeout_s = timeout_s;
  fo.max_bytes = 64 << 10;
  std::string url = agent.base.ToString() + "crosscheck";
  auto res = HttpGet(agent.base, agent.base.path + "crosscheck", fo);
  if (!res.ok()) {
    errors->push_back(res.status().message());
    return;
  }
  Json j = Json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (res->status != 200 || !j.is_object()) {
    errors->push_back(fmt::format("{}: HTTP {}, expected the agent's cross-check JSON", url,
                                  res->status));
    return;
  }
  // Only what the other sources did not give: /proc read from outside and the pprof count stay
  // the reference when godx can read them. heap_objects_bytes is memstats' HeapAlloc under its
  // runtime/metrics name (/memory/classes/heap/objects:bytes).
  if (!sample->goroutines) sample->goroutines = Known(j, "goroutines");
  if (!sample->heap_bytes) sample->heap_bytes = Known(j, "heap_objects_bytes");
  if (!sample->threads) sample->threads = Known(j, "os_threads");
  if (!sample->rss_bytes) sample->rss_bytes = Known(j, "rss_bytes");
  if (!sample->rss_anon_bytes) sample->rss_anon_bytes = Known(j, "rss_anon_bytes");
}

}  // namespace godx::live
