#include "live/http_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>

namespace godx::live {

namespace {
constexpr std::string_view kUnreachable = "cannot connect";
}

std::string Url::ToString() const { return fmt::format("http://{}:{}{}", host, port, path); }

Result<Url> ParseUrl(std::string_view text) {
  std::string_view s = text;
  if (s.substr(0, 8) == "https://") {
    return Status::Error(fmt::format(
        "{}: https is not supported (godx is built without TLS); use the service's plain http "
        "debug port or a port-forward",
        text));
  }
  if (s.substr(0, 7) == "http://") s.remove_prefix(7);
  size_t slash = s.find('/');
  std::string_view hostport = s.substr(0, slash);
  Url url;
  url.path = slash == std::string_view::npos ? "" : std::string(s.substr(slash));
  if (hostport.empty()) {
    return Status::Error(fmt::format("{}: expected http://HOST:PORT", text));
  }
  size_t colon = hostport.rfind(':');
  if (hostport.front() == '[') {  // [::1]:6060
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) {
      return Status::Error(fmt::format("{}: unclosed '[' in the host", text));
    }
    url.host = std::string(hostport.substr(1, close - 1));
    colon = hostport.size() > close + 1 && hostport[close + 1] == ':' ? close + 1
                                                                      : std::string_view::npos;
  } else {
    url.host = std::string(hostport.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    std::string_view port = hostport.substr(colon + 1);
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) {
        return Status::Error(fmt::format("{}: bad port '{}', expected 1-65535", text, port));
      }
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) {
      return Status::Error(fmt::format("{}: bad port '{}', expected 1-65535", text, port));
    }
    url.port = p;
  }
  if (url.host.empty()) return Status::Error(fmt::format("{}: expected http://HOST:PORT", text));
  return url;
}

Result<FetchResult> HttpGet(const Url& url, const std::string& path_and_query,
                            const FetchOptions& options) {
  httplib::Client client(url.host, url.port);
  auto to_parts = [](double s, time_t* sec, time_t* usec) {
    if (s < 0) s = 0;
    *sec = static_cast<time_t>(s);
    *usec = static_cast<time_t>((s - double(*sec)) * 1e6);
  };
  time_t sec, usec;
  to_parts(options.connect_timeout_s, &sec, &usec);
  client.set_connection_timeout(sec, usec);
  // Each socket read waits at most the whole deadline; the body callback enforces the deadline
  // across reads (an endpoint that drips bytes forever).
  to_parts(options.timeout_s, &sec, &usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(5, 0);
  client.set_keep_alive(false);
  client.set_follow_location(false);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::microseconds(static_cast<int64_t>(options.timeout_s * 1e6));
  FetchResult out;
  bool timed_out = false;
  httplib::Headers headers = {{"Accept-Encoding", "identity"}, {"User-Agent", "godx"}};
  auto res = client.Get(
      path_and_query.c_str(), headers,
      [&](const httplib::Response& response) {
        out.status = response.status;
        out.content_type = response.get_header_value("Content-Type");
        return true;
      },
      [&](const char* data, size_t len) {
        if (std::chrono::steady_clock::now() > deadline) {
          timed_out = true;
          return false;
        }
        size_t room = options.max_bytes - out.body.size();
        if (len > room) {
          out.body.append(data, room);
          out.truncated = true;
          return false;
        }
        out.body.append(data, len);
        if (options.on_bytes) options.on_bytes(out.body.size());
        return true;
      });
  std::string where =
      url.ToString().substr(0, url.ToString().size() - url.path.size()) + path_and_query;
  if (out.truncated) return out;  // cut on purpose: what arrived is kept
  if (timed_out) {
    return Status::Error(fmt::format("{}: timed out after {:.0f}s ({} bytes received)", where,
                                     options.timeout_s, out.body.size()));
  }
  if (!res) {
    httplib::Error e = res.error();
    switch (e) {
      case httplib::Error::Connection:
        return Status::Error(fmt::format("{}: {} (connection refused or timed out after {:.0f}s)",
                                         where, kUnreachable, options.connect_timeout_s));
      case httplib::Error::Read:
        return Status::Error(
            fmt::format("{}: the connection closed or timed out while reading ({} bytes received)",
                        where, out.body.size()));
      case httplib::Error::Canceled:
        return Status::Error(fmt::format("{}: cancelled after {} bytes", where, out.body.size()));
      default:
        return Status::Error(fmt::format("{}: {}", where, httplib::to_string(e)));
    }
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

bool IsUnreachable(const Status& status) {
  return status.message().find(kUnreachable) != std::string::npos;
}

}  // namespace godx::live
