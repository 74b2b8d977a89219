// A small HTTP/1.1 GET client for Go services' debug endpoints, with bounded time and size: a
// slow, hung or endless endpoint can never stall godx or fill its memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace godx {

// http://host[:port][/path]. The path is kept as given ("" or "/debug/pprof/").
struct Url {
  std::string host;
  int port = 80;
  std::string path;
  std::string ToString() const;  // "http://host:port/path"
};

// Accepts "http://h:p", "h:p" (http assumed) and a trailing "/debug/pprof[/...]". https is refused
// with a message (godx is built without TLS).
Result<Url> ParseUrl(std::string_view text);

struct FetchOptions {
  double connect_timeout_s = 3;
  // Whole-request deadline: headers and body must have arrived by then.
  double timeout_s = 20;
  uint64_t max_bytes = uint64_t{256} << 20;
  // Called with the bytes received so far (progress display).
  std::function<void(uint64_t)> on_bytes;
};

struct FetchResult {
  int status = 0;  // HTTP status code
  std::string body;
  std::string content_type;
  bool truncated = false;  // max_bytes reached: body holds the first max_bytes
};

// GET http://url.host:url.port + path_and_query. Errors (refused, timed out, reset) name the URL
// and what happened; an HTTP error status is not an error here (status says it).
Result<FetchResult> HttpGet(const Url& url, const std::string& path_and_query,
                            const FetchOptions& options);

// True for "http://..." and "https://..." strings: inputs given as URLs.
bool IsUrl(std::string_view s);

// The body of a 200 answer at `url` (an input given as a URL, e.g. a /debug/pprof/ handler).
// Errors name the URL: unreachable, timed out, an HTTP status other than 200 (with the first line
// of the body), an answer larger than `max_bytes`, https.
Result<std::string> FetchUrl(const std::string& url, double timeout_s, uint64_t max_bytes);

// True for 127.0.0.0/8, ::1 and "localhost": a service on this machine, whose process godx can
// look at in /proc.
bool IsLoopbackHost(std::string_view host);

// True when the error message of HttpGet says the service could not be reached at all (refused,
// connect timeout): later requests to it would fail the same way.
bool IsUnreachable(const Status& status);

}  // namespace godx
