#include "core/http_fetch.h"

#include <httplib.h>

#include <fmt/format.h>

#include <cmath>

namespace godx {

bool IsUrl(const std::string& s) { return s.starts_with("http://") || s.starts_with("https://"); }

Result<std::string> HttpGet(const std::string& url, const HttpFetchOptions& options) {
  if (url.starts_with("https://")) {
    return Status::Error(fmt::format("{}: https is not supported; use http:// (e.g. through a "
                                     "port-forward) or save the profile with curl first",
                                     url));
  }
  if (!url.starts_with("http://")) return Status::Error(fmt::format("{}: not an http:// URL", url));
  std::string rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (host.empty()) return Status::Error(fmt::format("{}: no host in the URL", url));
  httplib::Client client("http://" + host);
  auto secs = static_cast<time_t>(options.timeout_seconds);
  auto usecs = static_cast<time_t>((options.timeout_seconds - static_cast<double>(secs)) * 1e6);
  client.set_connection_timeout(secs, usecs);
  client.set_read_timeout(secs, usecs);
  client.set_follow_location(true);
  std::string body;
  bool too_big = false;
  auto res = client.Get(path, [&](const char* data, size_t len) {
    if (body.size() + len > options.max_bytes) {
      too_big = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (too_big) {
    return Status::Error(fmt::format("{}: response larger than the cap of {} bytes", url, options.max_bytes));
  }
  if (!res) {
    auto err = res.error();
    std::string why = httplib::to_string(err);
    if (err == httplib::Error::Connection) why = "connection refused or host unreachable";
    if (err == httplib::Error::Read) why = fmt::format("no complete answer within {} s", options.timeout_seconds);
    return Status::Error(fmt::format("{}: the service did not answer: {}", url, why));
  }
  if (res->status != 200) {
    std::string first = body.substr(0, body.find('\n')).substr(0, 120);
    return Status::Error(fmt::format("{}: HTTP status {}{}{}", url, res->status,
                                     first.empty() ? "" : ": ", first));
  }
  return body;
}

}  // namespace godx
