#include "trace/analyze.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/plural.h"
#include "core/units.h"
#include "trace/annotations.h"
#include "trace/gc_analysis.h"
#include "trace/gc_report.h"
#include "trace/goroutine_report.h"
#include "trace/reader.h"
#include "trace/utilisation.h"

namespace godx::trace {

namespace {

double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

Json StwJson(const StwStats& s) {
  return Json{{"count", s.count}, {"completed", s.completed},
              {"total_ns", s.total_ns}, {"max_ns", s.max_ns}};
}

std::string StwText(const StwStats& s) {
  if (s.count == 0) return "none";
  std::string out = Plural(s.count, "stop");
  if (s.completed > 0) {
    out += fmt::format(", total {}, max {}", FormatDuration(Seconds(s.total_ns)),
                       FormatDuration(Seconds(s.max_ns)));
  }
  if (s.completed < s.count) out += fmt::format(" ({} without an end in the trace)",
                                                s.count - s.completed);
  return out;
}

}  // namespace

GoRelease ReleaseOf(const TraceInfo& info, const TraceSummary& summary) {
  GoRelease r;
  const int v = info.header_minor;
  const std::string why = fmt::format("trace header \"go 1.{} trace\"", v);
  // Header version → the releases that write it.
  int lo = v, hi = v;
  switch (v) {
    case 5: hi = 6; break;
    case 11: hi = 18; break;
    case 19: hi = 20; break;
    case 23: hi = 24; break;
    case 26: hi = GoRelease::kNoUpperBound; break;
    default: break;
  }
  r.AtLeast(lo, why);
  if (hi != GoRelease::kNoUpperBound) {
    r.AtMost(hi, fmt::format("Go 1.{} writes a newer header", hi + 1));
  }
  if (summary.syscall_abandoned) r.AtLeast(27, "ProcStatus SyscallAbandoned (new in Go 1.27)");
  return r;
}

Report AnalyzeTrace(const TraceInfo& info, const TraceSummary& s, const std::string& source) {
  Report r;
  r.kind = "trace";
  r.source = source;
  const int64_t duration_ns = s.last_ns - s.first_ns;
  const bool timed = info.frequency != 0 && s.events > 0;
  r.title = fmt::format("Execution trace: {}{} (go 1.{} format)",
                        timed ? FormatDuration(Seconds(duration_ns)) + ", " : "",
                        Plural(s.events, "event"), info.header_minor);
  if (!info.cut.empty()) r.title += ", cut short";

  std::string format;
  if (info.new_format) {
    format = fmt::format("go 1.{}: generations (Go 1.22+), {}", info.header_minor,
                         Plural(info.generations, "generation"));
    if (info.generations > 0 && info.first_generation > 1) {
      format += fmt::format(" ({}..{}: the earlier ones are not in the file, as in a "
                            "flight-recorder snapshot)", info.first_generation,
                            info.last_generation);
    }
  } else {
    format = fmt::format("go 1.{}: the old per-P format (Go 1.5-1.21){}", info.header_minor,
                         info.pcs_only ? "; stacks are PCs only (symbolizing needs the binary)"
                                       : "");
  }
  r.facts.push_back({"Format", format});
  SetGoRelease(r, ReleaseOf(info, s));
  r.facts.push_back({"Duration", timed ? FormatDuration(Seconds(duration_ns)) : "unknown"});
  r.facts.push_back({"Size", FormatBytes(static_cast<double>(info.bytes))});
  r.facts.push_back({"Seen", fmt::format("{}, {}, {}", Plural(s.ps, "P"), Plural(s.ms, "M"),
                                         Plural(s.goroutines, "goroutine"))});
  std::string gc = Plural(s.gc_cycles, "GC cycle");
  if (s.gc_in_progress > 0) {
    gc += fmt::format(" (+{} running when a generation began)", s.gc_in_progress);
  }
  r.facts.push_back({"GC", gc});
  r.facts.push_back({"Stop-the-world", StwText(s.stw)});
  r.facts.push_back({"CPU samples", FormatCount(s.cpu_samples)});
  r.facts.push_back({"Syscalls", FormatCount(s.syscalls)});
  r.facts.push_back({"User annotations", fmt::format("{}, {}, {}", Plural(s.tasks, "task"),
                                                     Plural(s.regions, "region"),
                                                     Plural(s.logs, "log"))});
  if (info.experimental_batches > 0) {
    r.facts.push_back({"Experimental", fmt::format("{} skipped ({})",
                                                   Plural(info.experimental_batches, "batch",
                                                          "batches"),
                                                   FormatBytes(static_cast<double>(
                                                       info.experimental_bytes)))});
  }
  if (!info.cut.empty()) {
    r.facts.push_back({"Cut", info.cut});
    r.warnings.push_back("trace cut short: " + info.cut);
  }

  Table classes{"Events by class", {"class", "events", "share"}, {false, true, true}, {}, 0};
  Json by_class = Json::object();
  for (size_t i = 0; i < s.by_class.size(); ++i) {
    const auto name = std::string(ClassName(static_cast<EventClass>(i)));
    by_class[name] = s.by_class[i];
    if (s.by_class[i] == 0) continue;
    classes.rows.push_back({name, FormatCount(s.by_class[i]),
                            FormatPercent(static_cast<double>(s.by_class[i]) /
                                          static_cast<double>(s.events))});
  }
  if (!classes.rows.empty()) r.tables.push_back(std::move(classes));

  Json stw_kinds = Json::object();
  if (!s.stw_by_kind.empty()) {
    Table t{"Stop-the-world by kind", {"kind", "stops", "total", "max"},
            {false, true, true, true}, {}, 0};
    for (const auto& [kind, st] : s.stw_by_kind) {
      stw_kinds[kind] = StwJson(st);
      t.rows.push_back({kind, FormatCount(st.count), FormatDuration(Seconds(st.total_ns)),
                        FormatDuration(Seconds(st.max_ns))});
    }
    r.tables.push_back(std::move(t));
  }
  Json reasons = Json::object();
  if (!s.block_reasons.empty()) {
    std::vector<std::pair<std::string, uint64_t>> sorted(s.block_reasons.begin(),
                                                         s.block_reasons.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Table t{"Goroutine blocks by reason", {"reason", "blocks"}, {false, true}, {}, 0};
    constexpr size_t kTop = 10;
    for (size_t i = 0; i < sorted.size(); ++i) {
      reasons[sorted[i].first] = sorted[i].second;
      if (i < kTop) t.rows.push_back({sorted[i].first, FormatCount(sorted[i].second)});
    }
    t.omitted_rows = sorted.size() > kTop ? sorted.size() - kTop : 0;
    r.tables.push_back(std::move(t));
  }

  r.summary = Json{
      {"format_version", fmt::format("1.{}", info.header_minor)},
      {"new_format", info.new_format},
      {"bytes", info.bytes},
      {"duration_ns", timed ? Json(duration_ns) : Json(nullptr)},
      {"frequency", info.frequency},
      {"generations", info.generations},
      {"first_generation", info.first_generation},
      {"last_generation", info.last_generation},
      {"end_of_generation_markers", info.end_markers},
      {"clock_snapshots", info.clock_snapshots},
      {"batches", info.batches},
      {"experimental_batches", info.experimental_batches},
      {"strings", info.strings},
      {"stacks", info.stacks},
      {"events", s.events},
      {"events_by_class", by_class},
      {"ps", s.ps},
      {"ms", s.ms},
      {"goroutines", s.goroutines},
      {"gc_cycles", s.gc_cycles},
      {"gc_in_progress_at_generation_start", s.gc_in_progress},
      {"stw", StwJson(s.stw)},
      {"stw_by_kind", stw_kinds},
      {"block_reasons", reasons},
      {"cpu_samples", s.cpu_samples},
      {"syscalls", s.syscalls},
      {"user_tasks", s.tasks},
      {"user_regions", s.regions},
      {"user_logs", s.logs},
      {"cut", info.cut.empty() ? Json(nullptr) : Json(info.cut)},
  };
  return r;
}

namespace {

// Hands one reading to several views.
class FanOut : public EventSink {
 public:
  explicit FanOut(std::vector<EventSink*> sinks) : sinks_(std::move(sinks)) {}
  void OnGeneration(const Generation& g) override {
    for (EventSink* s : sinks_) s->OnGeneration(g);
  }
  void OnEvent(const Event& e) override {
    for (EventSink* s : sinks_) s->OnEvent(e);
  }
  void OnEnd(int64_t sync_ns) override {
    for (EventSink* s : sinks_) s->OnEnd(sync_ns);
  }

 private:
  std::vector<EventSink*> sinks_;
};

// Drops the generations read so far from memory (they stay in the file): a large trace then
// keeps about one generation resident, not the whole mapped file.
class ReleaseRead : public EventSink {
 public:
  explicit ReleaseRead(const Input& input) : input_(input) {}
  void OnGeneration(const Generation& g) override {
    input_.Release(0, g.offset);
  }
  void OnEvent(const Event&) override {}

 private:
  const Input& input_;
};

}  // namespace

Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options) {
  return AnalyzeTraceInput(input, TraceOptions{}, options);
}

Result<Report> AnalyzeTraceInput(const Input& input, const TraceOptions& trace_options,
                                 const AnalyzeOptions&) {
  auto minor = ParseHeader(input.data(), input.name());
  const int header_minor = minor.ok() ? *minor : 0;
  SummaryBuilder builder;
  GcAnalyzer gc(header_minor);
  AnnotationAnalyzer annotations;
  UtilisationAnalyzer utilisation(header_minor >= 22);
  ReleaseRead release(input);
  GoroutineAnalyzer goroutines;
  SchedLatencyAnalyzer sched;
  std::vector<EventSink*> sinks = {&builder, &gc, &annotations, &utilisation, &release,
                                   &goroutines, &sched};
  sinks.insert(sinks.end(), trace_options.extra_sinks.begin(), trace_options.extra_sinks.end());
  FanOut fan(std::move(sinks));
  GODX_ASSIGN_OR_RETURN(TraceInfo info, ReadTrace(input, fan));
  const TraceSummary summary = builder.Finish();
  Report r = AnalyzeTrace(info, summary, input.name());
  const bool timed = info.frequency != 0 && summary.events > 0;
  GcViewOptions gc_options;
  gc_options.mmu_curve = trace_options.mmu_curve;
  gc_options.first_ns = summary.first_ns;
  gc_options.duration_ns = timed ? summary.last_ns - summary.first_ns : 0;
  if (timed) {
    AddGcView(r, gc.Finish(), gc_options);
    AddUtilisationView(r, utilisation.Finish(), summary.first_ns);
    AddGoroutineView(r, goroutines.Finish(), sched.Finish(), info, summary.first_ns);
  }
  AnnotationResult notes = annotations.Finish();
  AddAnnotationView(r, notes);
  r.SortFindings();
  return r;
}

}  // namespace godx::trace
