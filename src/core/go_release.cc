#include "core/go_release.h"

#include <fmt/format.h>

namespace godx {

int GoMinor(std::string_view v) {
  size_t at = v.find("go1.");
  if (at == std::string_view::npos) return 0;
  int minor = 0;
  size_t i = at + 4;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9' && minor < 1000; ++i) minor = minor * 10 + (v[i] - '0');
  return i > at + 4 ? minor : 0;
}

void GoRelease::AtLeast(int minor, std::string_view why) {
  if (minor > min_minor) {
    min_minor = minor;
    min_reason = std::string(why);
  }
}

void GoRelease::AtMost(int minor, std::string_view why) {
  if (minor < max_minor) {
    max_minor = minor;
    max_reason = std::string(why);
  }
}

bool GoRelease::Exactly(std::string_view go_version, std::string_view why) {
  if (GoMinor(go_version) == 0) return false;
  // go1.MINOR[.PATCH][rcN|betaN]: stops at whatever follows (".linux-amd64", " linux/amd64").
  size_t at = go_version.find("go1.");
  size_t end = at + 4;
  auto digits = [&] {
    while (end < go_version.size() && go_version[end] >= '0' && go_version[end] <= '9') ++end;
  };
  digits();
  if (end + 1 < go_version.size() && go_version[end] == '.' && go_version[end + 1] >= '0' &&
      go_version[end + 1] <= '9') {
    ++end;
    digits();
  }
  for (std::string_view pre : {"rc", "beta"}) {
    if (go_version.substr(end, pre.size()) == pre) {
      end += pre.size();
      digits();
    }
  }
  exact = std::string(go_version.substr(at, end - at));
  exact_reason = std::string(why);
  return true;
}

void GoRelease::Merge(const GoRelease& other) {
  AtLeast(other.min_minor, other.min_reason);
  AtMost(other.max_minor, other.max_reason);
  if (exact.empty() && !other.exact.empty()) {
    exact = other.exact;
    exact_reason = other.exact_reason;
  }
}

std::string GoRelease::Describe() const {
  if (!exact.empty()) {
    std::string v = "Go " + exact.substr(2);
    return exact_reason.empty() ? v : fmt::format("{} ({})", v, exact_reason);
  }
  bool lo = min_minor > 0, hi = max_minor < kNoUpperBound;
  if (lo && hi && min_minor == max_minor)
    return fmt::format("Go 1.{} ({}; {})", min_minor, min_reason, max_reason);
  if (lo && hi)
    return fmt::format("Go 1.{} to 1.{} ({}; {})", min_minor, max_minor, min_reason, max_reason);
  if (lo) return fmt::format("Go 1.{} or later ({})", min_minor, min_reason);
  if (hi) return fmt::format("Go 1.{} or earlier ({})", max_minor, max_reason);
  return "";
}

Json GoRelease::ToJson() const {
  if (!Known()) return nullptr;
  Json j = Json::object();
  j["exact"] = exact.empty() ? Json(nullptr) : Json(exact);
  int lo = !exact.empty() ? GoMinor(exact) : min_minor;
  int hi = !exact.empty() ? GoMinor(exact) : max_minor;
  j["min"] = lo > 0 ? Json(fmt::format("1.{}", lo)) : Json(nullptr);
  j["max"] = hi < kNoUpperBound ? Json(fmt::format("1.{}", hi)) : Json(nullptr);
  Json evidence = Json::array();
  for (const std::string* why : {&exact_reason, &min_reason, &max_reason}) {
    if (!why->empty()) evidence.push_back(*why);
  }
  j["evidence"] = std::move(evidence);
  return j;
}

GoRelease GoReleaseOfBinary(std::string_view go_version) {
  GoRelease g;
  if (g.Exactly(go_version, "the binary's build info") && g.exact != go_version) {
    g.exact_reason = fmt::format("the binary's build info: {}", go_version);
  }
  return g;
}

void SetGoRelease(Report& report, const GoRelease& release) {
  if (release.Known()) report.facts.push_back({"Go release", release.Describe()});
  report.extra["go_release"] = release.ToJson();
}

}  // namespace godx
