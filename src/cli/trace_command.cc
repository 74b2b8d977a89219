// `godx trace FILE...`: read Go execution traces (runtime/trace, go test -trace) of any release
// and summarise them.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/units.h"
#include "trace/analyze.h"
#include "trace/export_chrome.h"
#include "trace/export_perfetto.h"
#include "pprof/writer.h"
#include "trace/profiles.h"
#include "trace/reader.h"

namespace godx::cli {

void AddTraceCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> inputs;
    OutputOptions out;
    bool mmu = false;
    std::string perfetto, chrome;
    std::string pprof, output;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "trace",
      "Summarise Go execution traces (runtime/trace.Start, go test -trace, a FlightRecorder\n"
      "snapshot) of every format, Go 1.5 to today: duration, generations, Ps, Ms and goroutines,\n"
      "events by class, GC cycles and stop-the-world pauses, CPU samples, user tasks, regions and\n"
      "logs. A trace cut short (a panic before trace.Stop, a timeout) is read up to its end and\n"
      "the report says what was cut.\n"
      "Also: GC cycles and each stop-the-world with its kind, heap in use and goal, the minimum\n"
      "mutator utilisation (MMU), user task/region latencies (p50, p99, max) and logs by\n"
      "category, per-P utilisation over time, and findings (long pauses, low MMU).\n"
      "Example: go test -trace trace.out ./...; godx trace trace.out\n"
      "         godx trace --mmu trace.out; godx trace --perfetto trace.pftrace trace.out\n"
      "         godx trace --pprof=sched -o sched.pb.gz trace.out; godx pprof sched.pb.gz");
  cmd->add_option("inputs", args->inputs, "Trace files ('-' for stdin)")->required();
  cmd->add_flag("--mmu", args->mmu,
                "The whole MMU curve (windows from 1 ms to the trace's length), with and without "
                "mark assists and sweeping");
  cmd->add_option("--perfetto", args->perfetto,
                  "Write the timeline as a Perfetto trace (open it in ui.perfetto.dev)");
  cmd->add_option("--chrome", args->chrome,
                  "Write the timeline as Chrome JSON trace events");
  cmd->add_option("--pprof", args->pprof,
                  "Write a blocking profile as `go tool trace -pprof=KIND` does: net (network "
                  "waits), sync (channels, mutexes, select), syscall, sched (runnable until "
                  "running); needs -o")
      ->check(CLI::IsMember({"net", "sync", "syscall", "sched"}));
  cmd->add_option("-o,--output", args->output, "Where --pprof writes its profile (gzipped "
                  "profile.proto, read by godx pprof and go tool pprof)");
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    if (args->pprof.empty() != args->output.empty()) {
      std::fprintf(stderr, "godx trace: --pprof and -o go together\n");
      ctx.exit_code = 2;
      return;
    }
    if (!args->pprof.empty() && args->inputs.size() != 1) {
      std::fprintf(stderr, "godx trace: --pprof takes one trace\n");
      ctx.exit_code = 2;
      return;
    }
    if ((!args->perfetto.empty() || !args->chrome.empty()) && args->inputs.size() != 1) {
      std::fprintf(stderr, "godx trace: --perfetto and --chrome take one trace\n");
      ctx.exit_code = 2;
      return;
    }
    ctx.exit_code = RunPerInput(args->inputs, args->out, [args](const Input& in,
                                                               const AnalyzeOptions& o)
                                                               -> Result<Report> {
      trace::TraceOptions to;
      to.mmu_curve = args->mmu;
      auto minor = trace::ParseHeader(in.data(), in.name());
      const bool new_format = minor.ok() && *minor >= 22;
      struct Export {
        std::string path;
        std::FILE* file = nullptr;
        std::unique_ptr<trace::TimelineWriter> writer;
        std::unique_ptr<trace::TimelineBuilder> builder;
      };
      std::vector<Export> exports;
      for (const std::string* path : {&args->perfetto, &args->chrome}) {
        if (path->empty()) continue;
        Export e;
        e.path = *path;
        e.file = std::fopen(path->c_str(), "wb");
        if (e.file == nullptr) {
          return Status::Error(*path + ": cannot write: " + std::strerror(errno));
        }
        if (path == &args->perfetto) {
          e.writer = std::make_unique<trace::PerfettoWriter>(e.file);
        } else {
          e.writer = std::make_unique<trace::ChromeWriter>(e.file);
        }
        e.builder = std::make_unique<trace::TimelineBuilder>(new_format, *e.writer);
        to.extra_sinks.push_back(e.builder.get());
        exports.push_back(std::move(e));
      }
      std::unique_ptr<trace::BlockingProfiler> profiler;
      if (!args->pprof.empty()) {
        profiler = std::make_unique<trace::BlockingProfiler>(
            *trace::ParseProfileKind(args->pprof));
        to.extra_sinks.push_back(profiler.get());
      }
      auto report = trace::AnalyzeTraceInput(in, to, o);
      if (report.ok() && profiler != nullptr) {
        // The same records the profile holds, summed for the report.
        const auto records = profiler->Records();
        int64_t count = 0, ns = 0;
        for (const auto& rec : records) {
          count += rec.count;
          ns += rec.ns;
        }
        GODX_ASSIGN_OR_RETURN(std::string bytes, pprof::EncodeProfileFile(profiler->Profile()));
        std::FILE* f = std::fopen(args->output.c_str(), "wb");
        if (f == nullptr) return Status::Error(args->output + ": cannot write: " +
                                               std::strerror(errno));
        const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
        if (std::fclose(f) != 0 || !ok) return Status::Error(args->output + ": write failed");
        report->facts.push_back(
            {"Profile", fmt::format("{} profile written to {}: {} stacks, {} events, {} "
                                    "(as go tool trace -pprof={})", args->pprof, args->output,
                                    records.size(), count,
                                    FormatDuration(static_cast<double>(ns) / 1e9), args->pprof)});
        report->summary["pprof"] = Json{{"kind", args->pprof}, {"path", args->output},
                                        {"stacks", records.size()}, {"count", count},
                                        {"total_ns", ns}};
      }
      Status failed = Status::Ok();
      for (Export& e : exports) {
        e.builder->Finish();
        bool ok = e.path == args->perfetto
                      ? static_cast<trace::PerfettoWriter*>(e.writer.get())->Close()
                      : static_cast<trace::ChromeWriter*>(e.writer.get())->Close();
        ok = std::fclose(e.file) == 0 && ok;
        if (!ok && failed.ok()) failed = Status::Error(e.path + ": write failed");
        if (report.ok() && ok) {
          report->facts.push_back({e.path == args->perfetto ? "Perfetto" : "Chrome trace",
                                   "timeline written to " + e.path});
        }
      }
      if (report.ok() && !failed.ok()) return failed;
      return report;
    });
  });
}

}  // namespace godx::cli
