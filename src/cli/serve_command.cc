// `godx serve [PATH|URL|PID]`: godx's HTML report for PATH (any input godx reads, a capture
// bundle, a profile) served on 127.0.0.1; profiles get pprof's query parameters (si, f, i, h, s,
// tf, ti) and the graph, peek and source views; a running program is watched live. The server itself (ServePages) is shared with
// `godx watch --serve`.
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/report_pages.h"
#include "cli/run.h"
#include "cli/serve.h"
#include "core/http_client.h"
#include "live/target.h"
#include "pprof/analyze.h"
#include "pprof/export.h"
#include "pprof/filter.h"
#include "pprof/graph_outputs.h"
#include "pprof/text_report.h"
#include "pprof/reader.h"
#include "pprof/views.h"
#include "report/html_renderer.h"

namespace godx::cli {

namespace {

volatile sig_atomic_t g_serve_stop = 0;
void OnServeSignal(int) { g_serve_stop = 1; }

// What the page says when it cannot do what was asked.
std::string ErrorPage(const std::string& message) {
  return fmt::format("<!DOCTYPE html><meta charset=utf-8><title>godx</title><p>{}</p>",
                     HtmlEscape(message));
}

// Headers every answer carries: nothing on a page may load from elsewhere or be framed.
void Harden(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                 "img-src data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

Query QueryOf(const httplib::Request& req) {
  Query q;
  for (const auto& [k, v] : req.params) q.emplace(k, v);
  return q;
}

std::string Value(const Query& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? std::string() : it->second;
}

// The profile views: pprof's web UI's parameters, the same numbers as `godx pprof`.
struct ProfilePages {
  std::string source;
  std::string bytes;         // the profile as read, parsed again per request (filters rewrite it)
  pprof::Profile profile;    // for the sample types the controls list

  Result<std::pair<pprof::Profile, size_t>> Filtered(const Query& q) const {
    GODX_ASSIGN_OR_RETURN(Input in, Input::FromBytes(source, bytes, InputOptions{}));
    GODX_ASSIGN_OR_RETURN(pprof::Profile p, pprof::ReadProfile(in));
    pprof::FilterOptions f;
    f.focus = Value(q, "f");
    f.ignore = Value(q, "i");
    f.hide = Value(q, "h");
    f.show = Value(q, "s");
    f.tagfocus = Value(q, "tf");
    f.tagignore = Value(q, "ti");
    if (Status st = pprof::ApplyFilters(f, &p); !st.ok()) return st;
    GODX_ASSIGN_OR_RETURN(size_t idx, pprof::ResolveSampleIndex(p, Value(q, "si")));
    return std::pair{std::move(p), idx};
  }

  Result<std::vector<Report>> Reports(const Query& q) const {
    GODX_ASSIGN_OR_RETURN(auto pi, Filtered(q));
    auto& [p, idx] = pi;
    pprof::ViewOptions view;
    view.sample_index = Value(q, "si");
    view.nodecount = 50;
    AnalyzeOptions o;
    o.json = true;
    Report r = pprof::AnalyzeProfile(p, source, idx, view, o);
    r.extra["flame"] = Json::parse(pprof::FlameData(p, idx));
    return std::vector<Report>{std::move(r)};
  }

  std::string Controls(const Query& q) const {
    std::string si_options;
    for (size_t i = 0; i < profile.sample_types.size(); ++i) {
      std::string name(profile.Str(profile.sample_types[i].type));
      si_options += fmt::format("<option value=\"{0}\"{1}>{0}</option>", HtmlEscape(name),
                                Value(q, "si") == name ? " selected" : "");
    }
    auto field = [&](const char* key, const char* label) {
      return fmt::format(
          "<label>{} <input name=\"{}\" value=\"{}\" size=\"14\" placeholder=\"regexp\"></label>",
          label, key, HtmlEscape(Value(q, key)));
    };
    std::string keep;
    for (const char* k : {"si", "f", "i", "h", "s", "tf", "ti"}) {
      if (!Value(q, k).empty()) {
        keep += fmt::format("&{}={}", k, httplib::detail::encode_query_param(Value(q, k)));
      }
    }
    std::string query = keep.empty() ? "" : "?" + keep.substr(1);
    return fmt::format(
        "<form class=\"controls\" method=\"get\" action=\"/\">"
        "<label>sample <select name=\"si\"><option value=\"\">default</option>{}</select></label>"
        "{}{}{}{}<button>apply</button></form>"
        "<p class=\"views\">views: <a href=\"/{}\">top + flame graph</a> · "
        "<a href=\"/graph{}\">graph</a> · "
        "<a href=\"/peek{}\">peek</a> · <a href=\"/source{}\">source</a> · "
        "<a href=\"/data.json{}\">JSON</a></p>",
        si_options, field("f", "focus"), field("i", "ignore"), field("h", "hide"),
        field("s", "show"), query, query, query, query, query);
  }

  // peek and source need a pattern: the focus, else every function (as pprof's UI).
  Result<std::string> Peek(const Query& q) const {
    GODX_ASSIGN_OR_RETURN(auto pi, Filtered(q));
    std::string pattern = Value(q, "f").empty() ? "." : Value(q, "f");
    return pprof::PeekView(pi.first, pi.second, pattern, "");
  }
  // The call graph as pprof draws it (Graphviz's dot, run by godx on its own DOT text).
  Result<std::string> Graph(const Query& q) const {
    GODX_ASSIGN_OR_RETURN(Input in, Input::FromBytes(source, bytes, InputOptions{}));
    GODX_ASSIGN_OR_RETURN(pprof::Profile p, pprof::ReadProfile(in));
    pprof::PprofOptions o;
    o.format = pprof::OutputFormat::kSvg;
    o.format_name = "svg";
    o.focus = Value(q, "f");
    o.ignore = Value(q, "i");
    o.hide = Value(q, "h");
    o.show = Value(q, "s");
    o.tagfocus = Value(q, "tf");
    o.tagignore = Value(q, "ti");
    o.sample_index = Value(q, "si");
    GODX_ASSIGN_OR_RETURN(pprof::ReportContext ctx, pprof::PreparePprofReport(o, &p));
    return pprof::GenerateGraphOutput(p, ctx);
  }
  Result<std::string> Source(const Query& q) const {
    GODX_ASSIGN_OR_RETURN(auto pi, Filtered(q));
    std::string pattern = Value(q, "f").empty() ? "." : Value(q, "f");
    return pprof::ListView(pi.first, pi.second, pattern, "");
  }
};

}  // namespace

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress a;
  std::string_view port = text;
  if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    std::string host(text.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (!host.empty()) a.host = host;
    port = text.substr(colon + 1);
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || p > 65535) {
      return Status::Error(fmt::format("'{}': expected HOST:PORT, :PORT or PORT", text));
    }
    p = p * 10 + (c - '0');
  }
  if (port.empty() || p > 65535) {
    return Status::Error(fmt::format("'{}': expected HOST:PORT, :PORT or PORT", text));
  }
  a.port = p;
  return a;
}

int ServePages(const ListenAddress& address, ServedPages pages, const std::string& what,
               const std::function<bool()>& stop) {
  httplib::Server server;
  // A slow or abusive client holds one of a few workers for seconds at most; requests have no
  // body to send.
  server.new_task_queue = [] { return new httplib::ThreadPool(16); };
  server.set_read_timeout(2, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_timeout(2);
  server.set_keep_alive_max_count(100);
  server.set_payload_max_length(0);

  int port = address.port == 0 ? server.bind_to_any_port(address.host)
                               : (server.bind_to_port(address.host, address.port) ? address.port : -1);
  if (port < 0) {
    PrintError(fmt::format("serve: cannot listen on {}:{}", address.host, address.port));
    return kExitError;
  }
  // The Host headers this server answers: the address it serves; for a loopback address also
  // the names a browser on this machine uses for it.
  const bool v6 = address.host.find(':') != std::string::npos;
  std::string bracketed = v6 ? "[" + address.host + "]" : address.host;
  std::vector<std::string> hosts = {fmt::format("{}:{}", bracketed, port)};
  if (address.host == "127.0.0.1" || address.host == "::1" || address.host == "localhost") {
    for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) hosts.push_back(fmt::format("{}:{}", h, port));
  }
  if (port == 80) hosts.push_back(bracketed);
  server.set_pre_routing_handler([hosts](const httplib::Request& req, httplib::Response& res) {
    std::string host = req.get_header_value("Host");
    bool ok = false;
    for (const auto& h : hosts) ok = ok || host == h;
    if (!ok) {
      res.status = 403;
      Harden(res);
      res.set_content("godx serve: this Host is not the address godx serves\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  auto shared = std::make_shared<ServedPages>(std::move(pages));
  auto page = [shared](const httplib::Request& req, httplib::Response& res) {
    Harden(res);
    Query q = QueryOf(req);
    auto reports = shared->reports(q);
    if (!reports.ok()) {
      res.status = 400;
      res.set_content(ErrorPage(reports.status().message()), "text/html; charset=utf-8");
      return;
    }
    HtmlOptions o;
    o.refresh_s = shared->refresh_s;
    if (shared->controls) o.controls_html = shared->controls(q);
    res.set_content(RenderHtml(*reports, o), "text/html; charset=utf-8");
  };
  server.Get("/", page);
  server.Get("/top", page);
  server.Get("/data.json", [shared](const httplib::Request& req, httplib::Response& res) {
    Harden(res);
    auto reports = shared->reports(QueryOf(req));
    if (!reports.ok()) {
      res.status = 400;
      res.set_content(Json{{"error", reports.status().message()}}.dump(), "application/json");
      return;
    }
    for (auto& r : *reports) r.SortFindings();
    res.set_content(HtmlPageData(*reports).dump(-1, ' ', false, Json::error_handler_t::replace),
                    "application/json");
  });
  for (const auto& [path, view] : shared->html_views) {
    server.Get(path, [shared, path = path](const httplib::Request& req, httplib::Response& res) {
      Harden(res);
      Query q = QueryOf(req);
      auto body = shared->html_views.at(path)(q);
      if (!body.ok()) res.status = 400;
      std::string controls = shared->controls ? shared->controls(q) : "";
      res.set_content(
          fmt::format("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                      "<title>godx {}</title><style>body{{font:14px system-ui,sans-serif;margin:8px}}"
                      "#view svg{{max-width:100%;height:auto}}</style></head>"
                      "<body>{}<div id=\"view\">{}</div></body></html>",
                      HtmlEscape(path.substr(1)), controls,
                      body.ok() ? *body : "<p>" + HtmlEscape(body.status().message()) + "</p>"),
          "text/html; charset=utf-8");
    });
  }
  for (const auto& [path, view] : shared->text_views) {
    server.Get(path, [shared, path = path](const httplib::Request& req, httplib::Response& res) {
      Harden(res);
      Query q = QueryOf(req);
      auto text = shared->text_views.at(path)(q);
      std::string body = text.ok() ? *text : text.status().message();
      if (!text.ok()) res.status = 400;
      std::string controls = shared->controls ? shared->controls(q) : "";
      res.set_content(
          fmt::format("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                      "<title>godx {}</title><style>body{{font:14px system-ui,sans-serif;margin:8px}}"
                      "pre{{font:12px ui-monospace,monospace;overflow-x:auto}}</style></head>"
                      "<body>{}<pre id=\"view\">{}</pre></body></html>",
                      HtmlEscape(path.substr(1)), controls, HtmlEscape(body)),
          "text/html; charset=utf-8");
    });
  }
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    Harden(res);
    if (res.body.empty()) res.set_content(fmt::format("godx serve: {}\n", res.status), "text/plain");
  });

  fmt::print(stderr, "godx serve: {} at http://{}:{}/\n", what, bracketed, port);
  std::fflush(stderr);
  // With a `stop` of its own the caller owns the signals (godx watch stops on SIGINT).
  const bool own_signals = !stop;
  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = OnServeSignal;
  g_serve_stop = 0;
  if (own_signals) {
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  std::atomic<bool> done{false};
  // Signal handlers may not stop the server themselves; this thread does it for them.
  std::thread watcher([&] {
    while (!done) {
      if (g_serve_stop || (stop && stop())) {
        server.stop();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  bool ok = server.listen_after_bind();
  done = true;
  watcher.join();
  if (own_signals) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
  return ok || g_serve_stop ? kExitOk : kExitError;
}

int ServeProfile(const ListenAddress& address, const std::string& name, std::string bytes) {
  auto in = Input::FromBytes(name, bytes, InputOptions{});
  if (!in.ok()) {
    PrintError(in.status().message());
    return kExitError;
  }
  auto p = pprof::ReadProfile(*in);
  if (!p.ok()) {
    PrintError(p.status().message());
    return kExitError;
  }
  auto profile = std::make_shared<ProfilePages>(ProfilePages{name, std::move(bytes), std::move(*p)});
  ServedPages pages;
  pages.reports = [profile](const Query& q) { return profile->Reports(q); };
  pages.controls = [profile](const Query& q) { return profile->Controls(q); };
  pages.text_views["/peek"] = [profile](const Query& q) { return profile->Peek(q); };
  pages.text_views["/source"] = [profile](const Query& q) { return profile->Source(q); };
  pages.html_views["/graph"] = [profile](const Query& q) { return profile->Graph(q); };
  return ServePages(address, std::move(pages), name);
}

void AddServeCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::string path;
    std::string http = "127.0.0.1:8080";
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "serve",
      "Serve godx's HTML report of PATH on this machine: summary, findings and charts, for any\n"
      "input godx reads (a log, a dump, a capture bundle, a directory). A profile gets pprof's\n"
      "web UI parameters (si, f, i, h, s, tf, ti: sample, focus, ignore, hide, show, tag focus\n"
      "and ignore) and its graph, peek and source views. Binds 127.0.0.1 unless --http names another\n"
      "address. A URL or PID is watched: live charts of goroutines, threads, RSS and heap that\n"
      "refresh each sample (as `godx watch TARGET --serve ADDR`).\n"
      "Examples: godx serve cpu.pb.gz\n"
      "          godx serve --http :9090 /tmp/incident-42");
  cmd->add_option("path", args->path,
                  "File or directory (a profile, log, dump, bundle), or a running program's URL or PID")
      ->required();
  cmd->add_option("--http", args->http, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--max-input", args->out.max_input_mib,
                  "Largest input held in memory after decompression, in MiB")
      ->capture_default_str();
  cmd->callback([args, &ctx] {
    auto address = ParseListenAddress(args->http);
    if (!address.ok()) {
      ctx.exit_code = PrintUsageError("serve", "--http " + address.status().message());
      return;
    }
    // A running program: live charts, as `godx watch TARGET --serve ADDR` draws them.
    if (IsUrl(args->path) || live::IsPidTarget(args->path)) {
      std::vector<std::string> argv = {"godx", "watch", args->path, "--serve", args->http};
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      ctx.exit_code = Run(static_cast<int>(cargv.size()), cargv.data());
      return;
    }
    InputOptions io = ToInputOptions(args->out);
    // A profile: every view recomputed for its query, from the profile read once.
    auto input = Input::Open(args->path, io);
    if (input.ok() && pprof::ReadProfile(*input).ok()) {
      ctx.exit_code = ServeProfile(*address, input->name(), std::string(input->data()));
      return;
    }
    auto reports = PageReports(args->path, io);
    if (!reports.ok()) {
      PrintError(reports.status().message());
      ctx.exit_code = kExitError;
      return;
    }
    auto held = std::make_shared<std::vector<Report>>(std::move(*reports));
    ServedPages pages;
    pages.reports = [held](const Query&) -> Result<std::vector<Report>> { return *held; };
    ctx.exit_code = ServePages(*address, std::move(pages), args->path);
  });
}

}  // namespace godx::cli
