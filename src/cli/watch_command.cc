#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "cli/commands.h"
#include "cli/signals.h"
#include "live/bundle.h"
#include "live/capture.h"
#include "live/doctor.h"
#include "live/duration.h"
#include "live/proc.h"
#include "live/watch.h"
#include "report/json_renderer.h"
#include "report/text_renderer.h"

namespace godx::cli {

namespace {

volatile sig_atomic_t g_stop = 0;
void OnInterrupt(int) { g_stop = 1; }

bool IsPid(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

void AddWatchCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> targets;
    std::string interval = "5s", duration, cooldown = "10m", timeout = "5s";
    bool on_leak = false;
    std::string bundles_dir = ".";
    std::string cpu = "10s", trace = "2s";
    double goroutine_rise = 10, rss_rise_mib = 16;
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
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    auto fail = [&](const std::string& msg) {
      PrintError(msg);
      ctx.exit_code = kExitError;
    };
    double interval = 5, duration = 0, cooldown = 600, timeout = 5, cpu = 10, trace = 2;
    for (auto [text, field] : {std::pair{&args->interval, &interval},
                               {&args->duration, &duration},
                               {&args->cooldown, &cooldown},
                               {&args->timeout, &timeout},
                               {&args->cpu, &cpu},
                               {&args->trace, &trace}}) {
      if (text->empty()) continue;
      auto d = live::ParseDurationSeconds(*text);
      if (!d.ok()) return fail(d.status().message());
      *field = *d;
    }
    if (interval < 0.05) return fail(fmt::format("--interval {}: at least 50ms", args->interval));
    live::WatchConfig config;
    config.timeout_s = std::min(timeout, std::max(0.5, interval));
    config.goroutines.min_rise = args->goroutine_rise;
    config.rss.min_rise = config.heap.min_rise = args->rss_rise_mib * double(1 << 20);
    std::string source;
    for (const auto& t : args->targets) {
      source += (source.empty() ? "" : " ") + t;
      if (IsPid(t)) {
        config.pid = std::stoll(t);
        auto p = live::ReadProcess(config.pid);
        if (!p.ok()) return fail(p.status().message());
        if (!config.pprof) {
          if (auto u = live::ProbePprof(*p, 2.0)) config.pprof = u;
        }
      } else {
        auto u = live::ParseUrl(t);
        if (!u.ok()) return fail(u.status().message());
        config.pprof = live::PprofBase(*u);
      }
    }
    // A service on this machine: watch its process's threads and RSS as well.
    if (config.pid < 0 && config.pprof && live::IsLoopbackHost(config.pprof->host)) {
      config.pid = live::FindListenerPid(static_cast<uint16_t>(config.pprof->port));
    }
    live::Watcher watcher(config);
    struct sigaction sa {
    }, old_int{}, old_term{};
    sa.sa_handler = OnInterrupt;
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    if (!args->out.json) {
      fmt::print("godx watch {}: every {}{}\n", source, args->interval,
                 config.pprof ? " (pprof " + config.pprof->ToString() + ")" : "");
      std::fflush(stdout);
    }
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    double last_bundle = -1e18;
    std::vector<std::string> bundles;
    size_t failures_in_a_row = 0;
    std::vector<std::string> warnings;
    std::set<std::string> announced;
    for (int i = 0; !g_stop; ++i) {
      double due = i * interval;
      while (!g_stop && elapsed() < due) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::clamp(int((due - elapsed()) * 1000), 1, 100)));
      }
      if (g_stop || (duration > 0 && due > duration + 1e-9)) break;
      std::vector<std::string> errors;
      live::WatchSample s = watcher.Poll(elapsed(), &errors);
      bool nothing = !s.goroutines && !s.threads && !s.rss_bytes && !s.heap_bytes;
      failures_in_a_row = nothing ? failures_in_a_row + 1 : 0;
      if (args->out.json) {
        fmt::print("{}\n", live::SampleToJson(s).dump());
      } else {
        fmt::print("{}\n", live::SampleLine(s));
      }
      std::fflush(stdout);
      for (const auto& e : errors) {
        if (warnings.size() < 20) warnings.push_back(fmt::format("+{:.1f}s: {}", s.t, e));
        if (!args->out.json) PrintError(e);
      }
      // Say so as soon as a series starts to grow (text mode; JSON has it in the last line).
      if (!args->out.json) {
        for (const auto& f : watcher.Leaks()) {
          if (announced.insert(f.id).second) fmt::print("  ! {}\n", f.title);
        }
        std::fflush(stdout);
      }
      // The target is gone: a watch with nothing left to sample ends rather than spin.
      if (failures_in_a_row >= 3) {
        warnings.push_back("the target stopped answering; the watch ended");
        break;
      }
      if (args->on_leak && elapsed() - last_bundle >= cooldown && config.pprof) {
        auto leaks = watcher.Leaks();
        if (!leaks.empty()) {
          last_bundle = elapsed();
          std::string dir = args->bundles_dir + "/godx-leak-" + live::UtcStamp();
          live::Manifest m;
          m.target = source;
          m.target_kind = "url";
          m.facts["trigger"] = leaks.front().title;
          auto b = live::Bundle::Create(dir, std::move(m));
          if (b.ok()) {
            if (config.pid >= 0) {
              if (auto p = live::ReadProcess(config.pid); p.ok()) live::CaptureProcess(*p, &*b);
            }
            live::CaptureOptions co;
            co.cpu_s = cpu;
            co.trace_s = trace;
            co.progress = !args->out.json;
            live::CaptureUrl(*config.pprof, co, &*b);
            bundles.push_back(dir);
            if (!args->out.json)
              fmt::print(stderr, "godx: leak detected, bundle written to {}\n", dir);
          } else {
            warnings.push_back(b.status().message());
          }
        }
      }
    }
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    Report r = watcher.Summary(source);
    r.summary["bundles"] = bundles;
    for (auto& w : warnings) r.warnings.push_back(std::move(w));
    if (!bundles.empty())
      r.facts.push_back({"Bundles", fmt::format("{}", fmt::join(bundles, ", "))});
    if (args->out.json) {
      fmt::print("{}\n", ReportToJson(r).dump(-1, ' ', false, Json::error_handler_t::replace));
      std::fflush(stdout);
      ctx.exit_code = kExitOk;
      if (!args->out.fail_on.empty()) {
        Severity th = *ParseSeverity(args->out.fail_on);
        for (const auto& f : r.findings) {
          if (f.severity >= th) ctx.exit_code = kExitFindings;
        }
      }
    } else {
      fmt::print("\n");
      std::vector<Report> reports;
      reports.push_back(std::move(r));
      ctx.exit_code = EmitReports(std::move(reports), args->out);
    }
    if (watcher.samples().empty() ||
        std::all_of(watcher.samples().begin(), watcher.samples().end(), [](const auto& s) {
          return !s.goroutines && !s.threads && !s.rss_bytes && !s.heap_bytes;
        })) {
      PrintError(fmt::format("no sample could be taken from {}", source));
      ctx.exit_code = kExitError;
    }
  });
}

}  // namespace godx::cli
