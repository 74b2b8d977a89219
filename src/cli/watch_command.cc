#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <tuple>

#include "cli/commands.h"
#include "cli/serve.h"
#include "cli/stack_growth.h"
#include "live/duration.h"
#include "live/watch_loop.h"
#include "report/json_renderer.h"

namespace godx::cli {

namespace {
volatile sig_atomic_t g_stop = 0;
void OnInterrupt(int) { g_stop = 1; }
}  // namespace

void AddWatchCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> targets;
    std::string interval = "5s", duration, cooldown = "10m", timeout = "5s";
    bool on_leak = false;
    std::string bundles_dir = ".";
    std::string cpu = "10s", trace = "2s";
    double goroutine_rise = 10, rss_rise_mib = 16;
    std::string serve;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "watch",
      "Watch a running Go program at low cost and detect leaks: goroutines (from\n"
      "/debug/pprof/goroutine?debug=1), OS threads and RSS (/proc/PID/status) and Go heap\n"
      "(expvar /debug/vars), sampled every --interval. Sustained growth (not noise) is reported\n"
      "with its rate; with --on-leak a doctor bundle is captured when it starts (at most once per\n"
      "--cooldown). Ctrl-C or --duration ends the watch and prints the summary.\n"
      "TARGET: a service URL and/or a PID (a PID's own pprof port is found by itself).\n"
      "Examples: godx watch http://127.0.0.1:6060 --interval 2s\n"
      "          godx watch 4242 --on-leak --duration 1h --json > samples.jsonl");
  cmd->add_option("targets", args->targets, "URL and/or PID")->required()->expected(1, 2);
  cmd->add_option("--interval", args->interval, "Time between samples")->capture_default_str();
  cmd->add_option("--duration", args->duration, "Stop after this long (default: until Ctrl-C)");
  cmd->add_flag("--on-leak", args->on_leak, "Capture a doctor bundle when a leak is detected");
  cmd->add_option("--cooldown", args->cooldown, "Least time between two --on-leak bundles")
      ->capture_default_str();
  cmd->add_option("--bundles", args->bundles_dir, "Where --on-leak bundles are created")
      ->capture_default_str();
  cmd->add_option("--cpu", args->cpu, "CPU profile length of --on-leak bundles")
      ->capture_default_str();
  cmd->add_option("--trace", args->trace, "Trace length of --on-leak bundles")
      ->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Deadline of each sample request")
      ->capture_default_str();
  cmd->add_option("--goroutine-rise", args->goroutine_rise,
                  "Least goroutine growth reported as a leak")
      ->capture_default_str();
  cmd->add_option("--rss-rise", args->rss_rise_mib, "Least RSS or heap growth reported, in MiB")
      ->capture_default_str();
  cmd->add_option("--serve", args->serve,
                  "Also serve live charts on HOST:PORT (127.0.0.1 unless named; refreshed each sample)");
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    InstallStackGrowth();
    auto fail = [&](const std::string& msg) {
      PrintError(msg);
      ctx.exit_code = kExitError;
    };
    live::WatchLoopOptions lo;
    double timeout = 5;
    for (auto [flag, text, field] : {std::tuple{"--interval", &args->interval, &lo.interval_s},
                                     {"--duration", &args->duration, &lo.duration_s},
                                     {"--cooldown", &args->cooldown, &lo.cooldown_s},
                                     {"--timeout", &args->timeout, &timeout},
                                     {"--cpu", &args->cpu, &lo.capture.cpu_s},
                                     {"--trace", &args->trace, &lo.capture.trace_s}}) {
      if (text->empty()) continue;
      auto d = live::ParseDurationSeconds(*text);
      if (!d.ok()) {
        ctx.exit_code =
            PrintUsageError("watch", fmt::format("{} {}", flag, d.status().message()));
        return;
      }
      *field = *d;
    }
    if (lo.interval_s < 0.05) {
      ctx.exit_code = PrintUsageError(
          "watch", fmt::format("--interval {}: must be at least 50ms", args->interval));
      return;
    }
    lo.on_leak = args->on_leak;
    lo.bundles_dir = args->bundles_dir;
    lo.capture.progress = !args->out.json;
    for (const auto& t : args->targets) lo.source += (lo.source.empty() ? "" : " ") + t;
    live::WatchConfig base;
    base.timeout_s = std::min(timeout, std::max(0.5, lo.interval_s));
    base.goroutines.min_rise = args->goroutine_rise;
    base.rss.min_rise = base.heap.min_rise = args->rss_rise_mib * double(1 << 20);
    auto config = live::ResolveWatchTargets(args->targets, base);
    if (!config.ok()) return fail(config.status().message());

    const bool json = args->out.json;
    // --html draws every sample and marks when each growth was detected.
    auto series = std::make_shared<Json>(Json::object());
    auto marks = std::make_shared<Json>(Json::array());
    auto last_t = std::make_shared<double>(0);
    const bool html = !args->out.html.empty() || !args->serve.empty();
    // --serve: the server's threads read what the loop writes.
    auto mu = std::make_shared<std::mutex>();
    auto grown = std::make_shared<std::vector<Finding>>();
    live::WatchLoopEvents events;
    events.on_sample = [json, html, series, last_t, mu](const live::WatchSample& s,
                                                       const std::vector<std::string>& errors) {
      std::lock_guard lock(*mu);
      fmt::print("{}\n", json ? live::SampleToJson(s).dump() : live::SampleLine(s));
      std::fflush(stdout);
      if (!json) {
        for (const auto& e : errors) PrintError(e);
      }
      *last_t = s.t;
      if (html) {
        auto put = [&](const char* name, const std::optional<int64_t>& v) {
          (*series)[name].push_back(v ? Json(*v) : Json(nullptr));
        };
        (*series)["t"].push_back(s.t);
        put("goroutines", s.goroutines);
        put("threads", s.threads);
        put("rss_bytes", s.rss_bytes);
        put("heap_bytes", s.heap_bytes);
      }
    };
    events.on_growth = [json, marks, last_t, mu, grown](const Finding& f) {
      {
        std::lock_guard lock(*mu);
        marks->push_back(Json{{"id", f.id}, {"t", *last_t}});
        grown->push_back(f);
      }
      if (json) return;
      fmt::print("  ! {}\n", f.title);
      std::fflush(stdout);
    };
    if (!json) {
      events.on_bundle = [](const std::string& dir) {
        fmt::print(stderr, "godx: leak detected, bundle written to {}\n", dir);
      };
      fmt::print("godx watch {}: every {}{}\n", lo.source, args->interval,
                 config->agent ? " (godx agent " + config->agent->base.ToString() + ")"
                 : config->pprof ? " (pprof " + config->pprof->ToString() + ")"
                                 : "");
      std::fflush(stdout);
    }
    struct sigaction sa {
    }, old_int{}, old_term{};
    sa.sa_handler = OnInterrupt;
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    std::thread server;
    std::atomic<bool> watching{true};
    if (!args->serve.empty()) {
      auto address = ParseListenAddress(args->serve);
      if (!address.ok()) {
        ctx.exit_code = PrintUsageError("watch", "--serve " + address.status().message());
        return;
      }
      ServedPages pages;
      pages.refresh_s = std::max(1.0, lo.interval_s);
      std::string source = lo.source;
      pages.reports = [mu, series, marks, grown, source](const Query&) -> Result<std::vector<Report>> {
        std::lock_guard lock(*mu);
        Report live;
        live.kind = "watch";
        live.source = source;
        size_t n = series->contains("t") ? (*series)["t"].size() : 0;
        live.title = fmt::format("Watching {}: {} sample{} so far", source, n, n == 1 ? "" : "s");
        live.findings = *grown;
        live.extra["series"] = *series;
        live.extra["growth_marks"] = *marks;
        return std::vector<Report>{std::move(live)};
      };
      server = std::thread([address = *address, pages = std::move(pages), source, &watching] {
        ServePages(address, pages, "live charts of " + source, [&watching] { return !watching; });
      });
    }
    Report r = live::RunWatch(*config, lo, events, &g_stop);
    watching = false;
    if (server.joinable()) server.join();
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);

    if (html) {
      r.extra["series"] = *series;
      r.extra["growth_marks"] = *marks;
    }
    bool sampled = r.summary["goroutines"].is_object() || r.summary["threads"].is_object() ||
                   r.summary["rss_bytes"].is_object() || r.summary["heap_bytes"].is_object();
    if (json) {
      // One line, like the samples before it.
      r.SortFindings();
      fmt::print("{}\n", ReportToJson(r).dump(-1, ' ', false, Json::error_handler_t::replace));
      std::fflush(stdout);
      ctx.exit_code = kExitOk;
      if (html) {
        Status st = WriteHtmlReport({r}, args->out.html);
        if (!st.ok()) {
          PrintError(st.message());
          ctx.exit_code = kExitError;
        }
      }
      if (!args->out.fail_on.empty()) {
        Severity threshold = *ParseSeverity(args->out.fail_on);
        for (const auto& f : r.findings) {
          if (f.severity >= threshold) ctx.exit_code = kExitFindings;
        }
      }
    } else {
      fmt::print("\n");
      std::vector<Report> reports;
      reports.push_back(std::move(r));
      ctx.exit_code = EmitReports(std::move(reports), args->out);
    }
    if (!sampled) {
      PrintError(fmt::format("no sample could be taken from {}", lo.source));
      ctx.exit_code = kExitError;
    }
  });
}

}  // namespace godx::cli
