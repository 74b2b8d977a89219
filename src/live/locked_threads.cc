#include "live/locked_threads.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "live/goroutine_profile.h"

namespace godx::live {

namespace {

std::string FrameSite(const Json& frame) {
  std::string fn = frame.value("function", "");
  std::string file = frame.value("file", "");
  if (size_t slash = file.rfind('/'); slash != std::string::npos) file.erase(0, slash + 1);
  if (file.empty()) return fn;
  return fmt::format("{} at {}:{}", fn, file, frame.value("line", 0));
}

}  // namespace

std::vector<LockedSite> LockedSites(const Json& buckets) {
  std::map<std::string, LockedSite> by_site;
  std::map<std::string, std::map<std::string, uint64_t>> states;
  if (!buckets.is_array()) return {};
  for (const Json& b : buckets) {
    if (!b.is_object()) continue;
    const uint64_t locked = b.value("locked", uint64_t{0});
    if (locked == 0) continue;
    const Json& frames = b.contains("frames") ? b["frames"] : Json::array();
    std::string site;
    for (const Json& f : frames) {
      if (!f.is_object()) continue;
      if (site.empty()) site = FrameSite(f);  // all-runtime stacks keep their first frame
      if (!IsRuntimeFrame(f.value("function", ""))) {
        site = FrameSite(f);
        break;
      }
    }
    if (site.empty()) continue;
    LockedSite& s = by_site[site];
    s.site = site;
    s.locked += locked;
    std::string state = b.value("state", "");
    if (state == "running" || state == "runnable") s.running += locked;
    states[site][state] += locked;
    if (s.created_by.empty() && b.contains("created_by") && b["created_by"].is_object()) {
      s.created_by = FrameSite(b["created_by"]);
    }
  }
  std::vector<LockedSite> out;
  for (auto& [site, s] : by_site) {
    uint64_t most = 0;
    for (const auto& [state, n] : states[site]) {
      if (n > most) {
        most = n;
        s.state = state;
      }
    }
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LockedSite& a, const LockedSite& b) { return a.locked > b.locked; });
  return out;
}

}  // namespace godx::live
