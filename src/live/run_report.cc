#include "live/run_report.h"

#include <fmt/format.h>
#include <signal.h>
#include <string.h>

#include <algorithm>

#include "core/dispatch.h"
#include "core/go_release.h"
#include "core/input.h"
#include "core/units.h"
#include "live/bundle.h"

namespace godx::live {

namespace {

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string ExitText(const RunOutcome& o) {
  if (o.term_signal) {
    const char* name = sigabbrev_np(o.term_signal);
    return fmt::format("killed by signal {} (SIG{}), status {}", o.term_signal, name ? name : "?",
                       o.exit_code);
  }
  return fmt::format("exit status {}", o.exit_code);
}

// One finding per cause: when the goroutine dump reader read the crash (its cause, the goroutine
// and the first frame in user code), its finding replaces the run report's generic
// "program-crashed" and leaves the dump's report, with the exit status and bundle added. The
// dump's finding for the crash is the one whose title states the crash message (its first line).
// A dump the user asked for (SIGQUIT) is not a crash cause: the generic finding stays.
bool AdoptCrashFinding(Report* dump, Report* run, const RunOutcome& o,
                       const std::string& bundle_dir) {
  auto crash = dump->extra.find("crash");
  if (crash == dump->extra.end() || !crash->is_object() || crash->value("requested", false)) {
    return false;
  }
  std::string message = crash->value("message", "");
  message = message.substr(0, message.find('\n'));
  if (message.empty()) return false;
  auto found = std::find_if(dump->findings.begin(), dump->findings.end(), [&](const Finding& f) {
    return f.title.find(message) != std::string::npos;
  });
  if (found == dump->findings.end()) return false;
  auto generic = std::find_if(run->findings.begin(), run->findings.end(),
                              [](const Finding& f) { return f.id == "program-crashed"; });
  if (generic == run->findings.end()) return false;
  Finding f = std::move(*found);
  dump->findings.erase(found);
  dump->warnings.push_back(fmt::format("the crash ({}) is reported once, in the run report",
                                       f.title));
  f.title = "The program crashed: " + f.title;
  f.evidence.push_back(ExitText(o));
  if (!bundle_dir.empty()) {
    f.advice += fmt::format(" The traceback, runtime log and exit status are in {}.", bundle_dir);
  }
  *generic = std::move(f);
  return true;
}

}  // namespace

Result<std::string> WriteRunBundle(const RunOptions& options, const RunOutcome& o,
                                   const std::string& dir) {
  Manifest m;
  m.target = CommandLine(options.argv);
  m.target_kind = "run";
  if (!o.go_version.empty()) m.facts["go_version"] = o.go_version;
  GODX_ASSIGN_OR_RETURN(Bundle b, Bundle::Create(dir, std::move(m)));
  std::string now = UtcNow();
  BundleEntry tb{"traceback.txt", "crash traceback (stderr from the first panic/fatal line)",
                 "stderr",        now,
                 o.seconds,       0,
                 o.traceback_cut, ""};
  if (o.traceback.empty()) {
    tb.file.clear();
    tb.error = "no traceback on stderr";
  }
  GODX_RETURN_IF_ERROR(b.Add(std::move(tb), o.traceback));
  BundleEntry log{"runtime.log", "GODEBUG runtime lines (" + options.godebug + ")",
                  "stderr",      now,
                  o.seconds,     0,
                  o.log_cut,     ""};
  if (o.runtime_log.empty()) {
    log.file.clear();
    log.error = "the program printed no runtime lines";
  }
  GODX_RETURN_IF_ERROR(b.Add(std::move(log), o.runtime_log));
  if (!o.stderr_tail.empty()) {
    GODX_RETURN_IF_ERROR(b.Add({"stderr-tail.txt", "the last other stderr lines before the crash",
                                "stderr", now, o.seconds, 0, false, ""},
                               o.stderr_tail));
  }
  Json exit{{"command", options.argv},
            {"exit_code", o.exit_code},
            {"signal", o.term_signal},
            {"seconds", o.seconds},
            {"godebug", options.godebug}};
  GODX_RETURN_IF_ERROR(
      b.Add({"exit.json", "exit status", "waitpid", now, 0, 0, false, ""}, exit.dump(2) + "\n"));
  b.manifest().complete = true;
  GODX_RETURN_IF_ERROR(b.WriteManifest());
  return b.dir();
}

std::vector<Report> RunReports(const RunOptions& options, const RunOutcome& o,
                               const std::string& bundle_dir, std::span<const Signal> table,
                               const AnalyzeOptions& analyze) {
  std::vector<Report> reports;
  Report r;
  r.kind = "run";
  r.source = CommandLine(options.argv);
  r.title = fmt::format("Run: {} ({} after {})", r.source, ExitText(o), FormatDuration(o.seconds));
  r.facts.push_back({"Exit", ExitText(o)});
  SetGoRelease(r, GoReleaseOfBinary(o.go_version));
  r.facts.push_back({"GODEBUG", options.godebug});
  r.facts.push_back(
      {"Runtime lines",
       fmt::format(
           "{} ({} GC cycles, {} scheduler samples){}", FormatCount(o.runtime_lines),
           FormatCount(o.gc_cycles), FormatCount(o.sched_samples),
           o.last_heap_mb >= 0 ? fmt::format(", last live heap {} MB", o.last_heap_mb) : "")});
  if (o.last_gomaxprocs >= 0) {
    r.facts.push_back({"Scheduler", fmt::format("last sample: GOMAXPROCS {}, {} threads (max {}), "
                                                "{} goroutines in the global run queue",
                                                o.last_gomaxprocs, o.last_threads, o.max_threads,
                                                o.last_runqueue)});
  }
  if (!bundle_dir.empty()) r.facts.push_back({"Crash bundle", bundle_dir});
  r.summary = Json{{"command", options.argv},
                   {"exit_code", o.exit_code},
                   {"signal", o.term_signal},
                   {"seconds", o.seconds},
                   {"crashed", o.Crashed()},
                   {"go_version", o.go_version.empty() ? Json(nullptr) : Json(o.go_version)},
                   {"runtime_lines", o.runtime_lines},
                   {"gc_cycles", o.gc_cycles},
                   {"sched_samples", o.sched_samples},
                   {"bundle", bundle_dir.empty() ? Json(nullptr) : Json(bundle_dir)}};
  if (o.log_cut)
    r.warnings.push_back("the runtime log reached its size cap; later lines were not kept");
  if (o.traceback_cut) r.warnings.push_back("the traceback reached its size cap and was cut");
  if (o.Crashed()) {
    Finding f;
    f.id = "program-crashed";
    f.severity = Severity::kCritical;
    std::string first = o.traceback.substr(0, o.traceback.find('\n'));
    f.title = first.empty() ? fmt::format("The program crashed: {}", ExitText(o))
                            : fmt::format("The program crashed: {}", first);
    if (!first.empty()) f.evidence.push_back(fmt::format("stderr: {}", first));
    // The goroutine that crashed and its top frame: the first "goroutine N [" line and the
    // function line after it.
    size_t g = o.traceback.find("\ngoroutine ");
    if (g != std::string::npos) {
      size_t e1 = o.traceback.find('\n', g + 1);
      std::string_view header(o.traceback.data() + g + 1,
                              (e1 == std::string::npos ? o.traceback.size() : e1) - g - 1);
      f.evidence.push_back(fmt::format("stderr: {}", header));
      if (e1 != std::string::npos) {
        size_t e2 = o.traceback.find('\n', e1 + 1);
        std::string_view frame(o.traceback.data() + e1 + 1,
                               (e2 == std::string::npos ? o.traceback.size() : e2) - e1 - 1);
        if (!frame.empty()) f.evidence.push_back(fmt::format("stderr: {}", frame));
      }
    }
    f.evidence.push_back(ExitText(o));
    f.advice = bundle_dir.empty()
                   ? "Read the traceback above: the first goroutine is the one that crashed."
                   : fmt::format(
                         "The traceback, runtime log and exit status are in {}; the first "
                         "goroutine of the traceback is the one that crashed.",
                         bundle_dir);
    r.findings.push_back(std::move(f));
  } else if (o.exit_code != 0) {
    Finding f;
    f.id = "program-failed";
    f.severity = Severity::kWarning;
    f.title = fmt::format("The program ended with {}", ExitText(o));
    f.evidence.push_back(ExitText(o));
    if (o.term_signal == SIGKILL) {
      f.advice =
          "SIGKILL cannot be caught: the kernel's OOM killer (see dmesg) or an operator or "
          "supervisor ended the program.";
    } else if (o.term_signal != 0) {
      f.id = "program-stopped";
      f.severity = Severity::kInfo;
      f.advice =
          "The program was stopped by a signal it did not handle (Ctrl-C, kill, a "
          "supervisor); handle it with os/signal for a graceful shutdown.";
    } else {
      f.advice = "No panic or fatal error was printed: the program chose this exit status.";
    }
    r.findings.push_back(std::move(f));
  }
  reports.push_back(std::move(r));
  auto route = [&](const std::string& name, const std::string& bytes) {
    if (bytes.empty()) return;
    auto in = Input::FromBytes(name, bytes);
    if (!in.ok()) return;
    SignalResults res = AnalyzeBySignals(table, *in, analyze);
    for (auto& rep : res.reports) reports.push_back(std::move(rep));
    if (res.reports.empty() && !res.errors.empty()) {
      reports.front().warnings.push_back(
          fmt::format("{}: kept, not analysed (no reader for it in this build)", name));
    }
  };
  route("runtime.log", o.runtime_log);
  if (o.Crashed()) {
    size_t first_traceback_report = reports.size();
    route("traceback.txt", o.traceback);
    for (size_t i = first_traceback_report; i < reports.size(); ++i) {
      if (AdoptCrashFinding(&reports[i], &reports.front(), o, bundle_dir)) break;
    }
  }
  return reports;
}

}  // namespace godx::live
