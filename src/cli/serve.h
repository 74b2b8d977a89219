// Serving godx's HTML views over HTTP (`godx serve`, `godx watch --serve`).
//
// The server binds 127.0.0.1 unless told otherwise, answers only GET/HEAD for its own pages,
// refuses requests whose Host header is not the address it serves (DNS rebinding: a page of
// another site resolving its name to 127.0.0.1 must not read godx's pages), never runs anything a
// request names, and bounds what a slow or abusive client can hold (read/write timeouts, a small
// worker pool, no request bodies).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/report.h"
#include "core/status.h"

namespace godx::cli {

struct ListenAddress {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (said on stderr)
};

// "HOST:PORT", ":PORT" (127.0.0.1), "PORT", "[::1]:PORT".
Result<ListenAddress> ParseListenAddress(std::string_view text);

// The query of a request (?si=alloc_space&f=main), one value per name.
using Query = std::map<std::string, std::string>;

struct ServedPages {
  // The reports a page shows for the query; an error becomes a 400 page naming it.
  std::function<Result<std::vector<Report>>(const Query&)> reports;
  // Extra HTML above the reports (the profile view's controls), for the query.
  std::function<std::string(const Query&)> controls;
  // Further text views by path ("/peek" → text), for the query.
  std::map<std::string, std::function<Result<std::string>(const Query&)>> text_views;
  // Further views whose answer is HTML godx made (the call graph's SVG).
  std::map<std::string, std::function<Result<std::string>(const Query&)>> html_views;
  double refresh_s = 0;  // > 0: the page refetches data.json (a live target)
};

// Serves until SIGINT/SIGTERM, or, when `stop` is given, until it turns true (the caller then owns
// the signals). Prints "godx serve: http://HOST:PORT/" on
// stderr once listening. Returns the exit code.
int ServePages(const ListenAddress& address, ServedPages pages, const std::string& what,
               const std::function<bool()>& stop = {});

// pprof's web UI views of one profile (profile.proto or Go's text forms, as `bytes`): top and
// flame graph with godx's findings, graph (SVG through Graphviz's dot), peek and source, all with
// pprof's query parameters. For `godx serve PROFILE` and `godx pprof -http=HOST:PORT`.
int ServeProfile(const ListenAddress& address, const std::string& name, std::string bytes);

}  // namespace godx::cli
