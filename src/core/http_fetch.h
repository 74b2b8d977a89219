// HTTP GET of a whole body, for inputs given as URLs (a live service's /debug/pprof/... handler).
// Plain http only; the body is capped like any other input.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace godx {

struct HttpFetchOptions {
  double timeout_seconds = 30;           // connect + read; a CPU profile needs seconds + margin
  uint64_t max_bytes = uint64_t{1} << 32;
};

// True for "http://..." and "https://..." strings.
bool IsUrl(const std::string& s);

// The body of a 200 response. Errors name the URL and say what happened (refused, timed out,
// status 404 with the first line of the body, ...).
Result<std::string> HttpGet(const std::string& url, const HttpFetchOptions& options = {});

}  // namespace godx
