// `godx pprof [VIEW] ...`: read, explain, compare, merge and export pprof profiles.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli/report_pages.h"
#include "cli/commands.h"
#include "cli/serve.h"
#include "core/http_client.h"
#include "pprof/analyze.h"
#include "pprof/disasm.h"
#include "pprof/export.h"
#include "pprof/filter.h"
#include "pprof/flags.h"
#include "pprof/format.h"
#include "pprof/graph_outputs.h"
#include "pprof/shell.h"
#include "pprof/symbolize.h"
#include "pprof/merge.h"
#include "pprof/reader.h"
#include "pprof/text_report.h"
#include "pprof/transform.h"
#include "pprof/views.h"
#include "pprof/writer.h"

namespace godx::cli {

namespace {

struct PprofArgs {
  std::vector<std::string> args;
  OutputOptions out;
  pprof::ViewOptions view;
  bool cum = false;
  std::string base;
  std::string diff_base;
  std::string output;
  int seconds = 0;
  double timeout = 0;
};

constexpr const char* kViews[] = {"top",  "traces",     "tags",  "peek",  "tree",  "list",
                                  "folded", "speedscope", "flame", "proto", "merge", "diff"};

bool IsView(const std::string& s) {
  for (const char* v : kViews) {
    if (s == v) return true;
  }
  return false;
}

struct Loaded {
  std::string name;
  pprof::Profile profile;
};

Result<Loaded> LoadSource(const std::string& path, const InputOptions& io, int seconds_flag,
                          double timeout_flag) {
  Result<Input> input = Status::Error("");
  if (IsUrl(path)) {
    std::string url = path;
    double timeout = timeout_flag > 0 ? timeout_flag : 30;
    // /profile samples for --seconds; block, mutex and allocs answer a delta over them
    // (net/http/pprof), which carries its duration, so waits and allocations get a rate.
    if (seconds_flag > 0 && url.find("seconds=") == std::string::npos &&
        (url.find("/profile") != std::string::npos || url.find("/block") != std::string::npos ||
         url.find("/mutex") != std::string::npos || url.find("/allocs") != std::string::npos)) {
      url += (url.find('?') == std::string::npos ? "?" : "&") + fmt::format("seconds={}", seconds_flag);
    }
    size_t at = url.find("seconds=");
    if (at != std::string::npos) timeout += std::atof(url.c_str() + at + 8);
    GODX_ASSIGN_OR_RETURN(std::string body, FetchUrl(url, timeout, io.max_bytes));
    input = Input::FromBytes(url, std::move(body), io);
  } else {
    input = Input::Open(path, io);
  }
  if (!input.ok()) return input.status();
  GODX_ASSIGN_OR_RETURN(pprof::Profile p, pprof::ReadProfile(*input));
  if (!input->cut_note().empty()) p.notes.push_back(input->cut_note());
  return Loaded{input->name(), std::move(p)};
}

Result<Loaded> Load(const std::string& path, const PprofArgs& a) {
  return LoadSource(path, ToInputOptions(a.out), a.seconds, a.timeout);
}

Status WriteOut(const std::string& output, std::string_view data) {
  if (output.empty() || output == "-") {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  std::ofstream f(output, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  f.close();
  if (!f) return Status::Error(fmt::format("{}: cannot write", output));
  return Status::Ok();
}

// pprof's Profile.ScaleN: each value times its type's ratio, rounded; a sample is kept when a
// scaled value is non-zero.
void ScaleValues(pprof::Profile* p, const std::vector<double>& ratios) {
  if (std::all_of(ratios.begin(), ratios.end(), [](double r) { return r == 1; })) return;
  const size_t nv = p->num_values();
  pprof::Profile& q = *p;
  std::vector<uint32_t> stack_begin{0}, stack, label_begin{0};
  std::vector<int64_t> values;
  std::vector<pprof::Label> labels;
  for (size_t s = 0; s < q.num_samples(); ++s) {
    bool keep = false;
    size_t at = values.size();
    for (size_t i = 0; i < nv; ++i) {
      int64_t v = q.values[s * nv + i];
      if (ratios[i] != 1) {
        v = static_cast<int64_t>(std::round(static_cast<double>(v) * ratios[i]));
        keep = keep || v != 0;
      }
      values.push_back(v);
    }
    if (!keep) {
      values.resize(at);
      continue;
    }
    auto st = q.Stack(s);
    stack.insert(stack.end(), st.begin(), st.end());
    stack_begin.push_back(static_cast<uint32_t>(stack.size()));
    auto l = q.Labels(s);
    labels.insert(labels.end(), l.begin(), l.end());
    label_begin.push_back(static_cast<uint32_t>(labels.size()));
  }
  q.stack_begin = std::move(stack_begin);
  q.stack = std::move(stack);
  q.values = std::move(values);
  q.label_begin = std::move(label_begin);
  q.labels = std::move(labels);
}

// Loads and merges pprof's sources and bases as its fetchProfiles does: sources merged, bases
// merged, -normalize scales the sources to the bases' totals, bases subtracted (marked
// pprof::base=true for -diff_base), then the profile's drop_frames/keep_frames applied.
Result<pprof::Profile> LoadPprofSources(const pprof::PprofOptions& o) {
  InputOptions io;
  // As pprof: a source that cannot be read is reported and skipped; only when none can be read
  // is it an error.
  auto load_all = [&](const std::vector<std::string>& paths, const char* what) -> Result<std::optional<pprof::Profile>> {
    if (paths.empty()) return std::optional<pprof::Profile>();
    std::vector<Loaded> loaded;
    for (const std::string& path : paths) {
      auto l = LoadSource(path, io, o.seconds, o.timeout);
      if (!l.ok()) {
        if (paths.size() == 1) return l.status();
        std::fprintf(stderr, "%s\n", l.status().message().c_str());
        continue;
      }
      loaded.push_back(std::move(*l));
    }
    if (loaded.empty()) return Status::Error(fmt::format("failed to fetch any {} profiles", what));
    if (loaded.size() == 1) return std::optional<pprof::Profile>(std::move(loaded[0].profile));
    pprof::Merger m;
    for (const Loaded& l : loaded) GODX_RETURN_IF_ERROR(m.Add(l.profile, l.name));
    return std::optional<pprof::Profile>(m.Finish());
  };
  GODX_ASSIGN_OR_RETURN(auto p, load_all(o.sources, "source"));
  const std::vector<std::string>& base_paths = o.diff_bases.empty() ? o.bases : o.diff_bases;
  GODX_ASSIGN_OR_RETURN(auto base, load_all(base_paths, "base"));
  if (base) {
    if (o.normalize) {
      const size_t nv = p->num_values();
      if (base->num_values() != nv) return Status::Error("incompatible profiles for -normalize");
      std::vector<int64_t> bsum(nv), ssum(nv);
      for (size_t s = 0; s < base->num_samples(); ++s) {
        for (size_t i = 0; i < nv; ++i) bsum[i] += base->Values(s)[i];
      }
      for (size_t s = 0; s < p->num_samples(); ++s) {
        for (size_t i = 0; i < nv; ++i) ssum[i] += p->Values(s)[i];
      }
      std::vector<double> ratios(nv);
      for (size_t i = 0; i < nv; ++i) {
        ratios[i] = ssum[i] == 0 ? 0.0 : static_cast<double>(bsum[i]) / static_cast<double>(ssum[i]);
      }
      ScaleValues(&*p, ratios);
    }
    pprof::Merger m;
    GODX_RETURN_IF_ERROR(m.Add(*p, o.sources[0]));
    GODX_RETURN_IF_ERROR(m.Add(*base, base_paths[0], -1, !o.diff_bases.empty()));
    p = m.Finish();
  }
  // Address-only locations get names from the binary (given, or under $PPROF_BINARY_PATH)
  // before drop_frames, which matches names.
  GODX_RETURN_IF_ERROR(pprof::SymbolizeProfile(&*p, o));
  if (!o.all_frames) GODX_RETURN_IF_ERROR(pprof::RemoveUninteresting(&*p));
  if (!o.add_comment.empty()) p->comments.push_back(p->strings.Intern(o.add_comment));
  return std::move(*p);
}

// `godx pprof` with pprof's own command line (-top, -lines, -focus=x ...): pprof's outputs,
// text for text.
int RunPprofFlags(const std::vector<std::string>& args) {
  auto parsed = pprof::ParsePprofFlags(args);
  if (!parsed.ok()) {
    PrintError(fmt::format("pprof: {}", parsed.status().message()));
    return kExitError;
  }
  pprof::PprofOptions& o = *parsed;
  switch (o.format) {
    case pprof::OutputFormat::kText:
    case pprof::OutputFormat::kTree:
    case pprof::OutputFormat::kPeek:
    case pprof::OutputFormat::kTraces:
    case pprof::OutputFormat::kTags:
    case pprof::OutputFormat::kComments:
    case pprof::OutputFormat::kRaw:
    case pprof::OutputFormat::kList:
    case pprof::OutputFormat::kDisasm:
    case pprof::OutputFormat::kWeblist:
      break;
    case pprof::OutputFormat::kNone:  // pprof's interactive shell
      break;
    default:
      if (pprof::IsGraphOutput(o.format)) break;
      PrintError(fmt::format("pprof: -{} is not available in godx yet", o.format_name));
      return kExitError;
  }
  auto p = LoadPprofSources(o);
  if (!p.ok()) {
    PrintError(p.status().message());
    return kExitError;
  }
  if (!o.http.empty()) {  // pprof's web UI: godx serve's profile views
    auto address = ParseListenAddress(o.http);
    auto bytes = pprof::EncodeProfileFile(*p);
    if (!address.ok() || !bytes.ok()) {
      PrintError(fmt::format("pprof: -http {}", !address.ok() ? address.status().message()
                                                              : bytes.status().message()));
      return kExitError;
    }
    std::string name = o.sources.size() == 1 ? o.sources[0] : "merged profile";
    return ServeProfile(*address, name, std::move(*bytes));
  }
  if (o.format == pprof::OutputFormat::kNone) {
    // The flags before the sources are the shell's first settings (Go's flag parsing stops at
    // the first source, so they are a prefix of the arguments).
    size_t positional = o.sources.size() + (o.binary.empty() ? 0 : 1);
    std::vector<std::string> flags(args.begin(), args.end() - static_cast<std::ptrdiff_t>(positional));
    pprof::ShellIo io;
    io.terminal = isatty(fileno(stdin)) != 0;
    return pprof::RunShell(*p, flags, io);
  }
  auto ctx = pprof::PreparePprofReport(o, &*p);
  if (!ctx.ok()) {
    PrintError(ctx.status().message());
    return kExitError;
  }
  auto text = pprof::IsGraphOutput(o.format)            ? pprof::GenerateGraphOutput(*p, *ctx)
              : o.format == pprof::OutputFormat::kDisasm  ? pprof::DisasmOutput(*p, *ctx)
              : o.format == pprof::OutputFormat::kWeblist ? pprof::WeblistOutput(*p, *ctx)
                                                          : pprof::GenerateTextReport(*p, *ctx);
  for (const std::string& w : ctx->warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (!text.ok()) {
    PrintError(text.status().message());
    return kExitError;
  }
  if (!o.output.empty()) std::fprintf(stderr, "Generating report in %s\n", o.output.c_str());
  Status st = WriteOut(o.output, *text);
  if (!st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  return kExitOk;
}

// Runs one invocation; returns the exit code.
int RunPprof(PprofArgs& a) {
  std::string view = "top";
  std::vector<std::string> rest = a.args;
  if (!rest.empty() && IsView(rest[0])) {
    view = rest[0];
    rest.erase(rest.begin());
  }
  std::string pattern;
  if (view == "peek" || view == "list") {
    if (rest.empty()) {
      PrintError(fmt::format("pprof {}: expected a regular expression, then profiles", view));
      return kExitError;
    }
    pattern = rest[0];
    rest.erase(rest.begin());
  }
  if (rest.empty()) {
    PrintError(fmt::format("pprof {}: expected at least one profile (file, '-' or http:// URL)", view));
    return kExitError;
  }
  if (view == "diff" && rest.size() != 2) {
    PrintError("pprof diff: expected exactly two profiles, BASE then NEW");
    return kExitError;
  }
  if (!pprof::ValidUnit(a.view.unit)) {
    PrintError(fmt::format("--unit: unknown unit '{}' (ns, us, ms, s, B, KB, MB, GB, auto)", a.view.unit));
    return kExitError;
  }
  a.view.cum_sort = a.cum;

  // Load and combine: several inputs are merged (as pprof does); --base is subtracted; diff and
  // --diff_base mark the base so percentages are relative to it. Inputs are merged one at a time
  // and released, so merging a thousand profiles holds one input and the merge, not all of them.
  // A single input is used as read (pprof skips trivial merges too).
  if (!a.base.empty() && !a.diff_base.empty()) {
    PrintError("--base and --diff_base cannot be combined");
    return kExitError;
  }
  struct Part {
    std::string path;
    int64_t scale;
    bool mark_base;
  };
  std::vector<Part> parts;
  if (!a.diff_base.empty()) parts.push_back({a.diff_base, -1, true});
  for (size_t i = 0; i < rest.size(); ++i) {
    bool diff_base = view == "diff" && i == 0;
    parts.push_back({rest[i], diff_base ? -1 : 1, diff_base});
  }
  if (!a.base.empty()) parts.push_back({a.base, -1, false});
  pprof::Profile p;
  std::string source;
  pprof::Merger merger;
  // When the base and the new profiles were taken (latest base, earliest new): a diff's growth
  // is also given per second between them.
  int64_t base_time = 0, new_time = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto l = Load(parts[i].path, a);
    if (!l.ok()) {
      PrintError(l.status().message());
      return kExitError;
    }
    if (!source.empty()) {
      source += parts[i].scale < 0 && !parts[i].mark_base ? " minus " : (parts[i - 1].mark_base ? " -> " : ", ");
    }
    source += l->name;
    if (int64_t t = l->profile.time_nanos; t > 0 && parts[i].mark_base) {
      base_time = std::max(base_time, t);
    } else if (t > 0 && parts[i].scale > 0) {
      new_time = new_time == 0 ? t : std::min(new_time, t);
    }
    if (parts.size() == 1) {
      p = std::move(l->profile);
      break;
    }
    Status st = merger.Add(l->profile, l->name, parts[i].scale, parts[i].mark_base);
    if (!st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
  }
  if (parts.size() > 1) p = merger.Finish();
  if (base_time > 0 && new_time > base_time) {
    a.view.diff_interval_s = static_cast<double>(new_time - base_time) / 1e9;
  }
  Status st = pprof::ApplyFilters(a.view.filters, &p);
  if (!st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  if (view == "merge" || view == "proto") {
    auto bytes = pprof::EncodeProfileFile(p);
    if (!bytes.ok()) {
      PrintError(bytes.status().message());
      return kExitError;
    }
    if (a.output.empty() && isatty(fileno(stdout))) {
      PrintError(fmt::format("pprof {}: the output is a binary profile; give -o FILE", view));
      return kExitError;
    }
    st = WriteOut(a.output, *bytes);
    if (!st.ok()) {
      PrintError(st.message());
      return kExitError;
    }
    return kExitOk;
  }
  if (a.view.noinlines) pprof::DropInlinedFrames(&p);
  auto idx = pprof::ResolveSampleIndex(p, a.view.sample_index);
  if (!idx.ok()) {
    PrintError(fmt::format("{}: {}", source, idx.status().message()));
    return kExitError;
  }
  Result<std::string> text = std::string();
  if (view == "top" || view == "diff") {
    AnalyzeOptions o;
    o.json = ToAnalyzeOptions(a.out).json;
    Report r = pprof::AnalyzeProfile(p, source, *idx, a.view, o);
    // The HTML page draws the flame graph from the same tree as `godx pprof flame`.
    if (!a.out.html.empty()) r.extra["flame"] = Json::parse(pprof::FlameData(p, *idx));
    // And the call graph as pprof draws it (not for a diff, which the flame graph shows).
    if (!a.out.html.empty() && view == "top") AddCallGraph(std::move(p), a.view.sample_index, &r);
    return EmitReports({std::move(r)}, a.out);
  } else if (view == "traces") {
    text = pprof::TracesView(p, *idx, a.view.unit);
  } else if (view == "tags") {
    text = pprof::TagsView(p, *idx, a.view.unit);
  } else if (view == "peek") {
    text = pprof::PeekView(p, *idx, pattern, a.view.unit);
  } else if (view == "tree") {
    // pprof's tree: callers and callees of every function, heaviest (cum) first.
    text = pprof::PeekView(p, *idx, "", a.view.unit);
  } else if (view == "list") {
    text = pprof::ListView(p, *idx, pattern, a.view.unit);
  } else if (view == "folded") {
    text = pprof::ExportFolded(p, *idx);
  } else if (view == "speedscope") {
    text = pprof::ExportSpeedscope(p, *idx, source);
  } else if (view == "flame") {
    text = pprof::ExportFlameHtml(p, *idx, source);
  }
  if (!text.ok()) {
    PrintError(fmt::format("{}: {}", source, text.status().message()));
    return kExitError;
  }
  st = WriteOut(a.output, *text);
  if (!st.ok()) {
    PrintError(st.message());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

bool IsPprofFlagsCommandLine(const std::vector<std::string>& args) {
  return pprof::IsPprofCommandLine(args);
}

int RunPprofFlagsCommandLine(const std::vector<std::string>& args) { return RunPprofFlags(args); }

void AddPprofCommand(CLI::App& root, CommandContext& ctx) {
  auto a = std::make_shared<PprofArgs>();
  auto* cmd = root.add_subcommand(
      "pprof",
      "Read, explain, compare, merge and export pprof profiles of every kind.\n"
      "CPU, heap, allocs, goroutine, block, mutex, threadcreate: profile.proto, gzipped or not,\n"
      "and Go's debug=1 text.\n"
      "Inputs are files, '-' or http://host:port/debug/pprof/... URLs; several are merged.\n"
      "Views (first argument, default top):\n"
      "  top                 flat/cum per function, with findings (same numbers as go tool pprof -top)\n"
      "  traces | tags       every sample's stack | label values\n"
      "  peek REGEX | list REGEX   callers/callees | per-line weights of matching functions\n"
      "  tree                callers and callees of every function\n"
      "  folded | speedscope | flame   exports (flame: standalone HTML, -o FILE)\n"
      "  proto | merge       profile.proto (gzipped) of the filtered/merged inputs, -o FILE\n"
      "  diff BASE NEW       NEW minus BASE (pprof -diff_base); every view takes --diff_base/--base\n"
      "Examples:\n"
      "  godx pprof cpu.pb.gz\n"
      "  godx pprof top --cum --nodecount=30 --focus='^main\\.' heap.pb.gz\n"
      "  godx pprof flame -o cpu.html http://localhost:6060/debug/pprof/profile --seconds=10\n"
      "  godx pprof merge -o all.pb.gz host1.pb.gz host2.pb.gz\n"
      "  godx pprof diff before.pb.gz after.pb.gz\n"
      "  godx pprof http://localhost:6060/debug/pprof/goroutineleak   (Go 1.26+: proven leaks)\n"
      "  godx pprof flame -o diff.html --diff_base before.pb.gz after.pb.gz");
  cmd->add_option("args", a->args, "[VIEW] [REGEX] PROFILE...")->required();
  cmd->add_option("--sample_index,--sample", a->view.sample_index,
                  "Sample type to show: name (alloc_space, delay, ...) or index; default as pprof");
  cmd->add_flag("--cum", a->cum, "Sort by cumulative value (default: flat)");
  cmd->add_flag("--flat", [a](int64_t) { a->cum = false; }, "Sort by flat value (the default)");
  cmd->add_option("--nodecount", a->view.nodecount, "Rows in the text top table (0: all)")
      ->capture_default_str();
  cmd->add_flag("--noinlines", a->view.noinlines,
                "Count inlined calls in the function they were inlined into (pprof -noinlines)");
  cmd->add_option("--unit", a->view.unit, "Show values in this unit: ns, us, ms, s, B, KB, MB, GB");
  cmd->add_option("--focus", a->view.filters.focus, "Keep samples with a frame matching (RE2)");
  cmd->add_option("--ignore", a->view.filters.ignore, "Drop samples with a frame matching");
  cmd->add_option("--hide", a->view.filters.hide, "Remove matching frames from stacks");
  cmd->add_option("--show", a->view.filters.show, "Keep only matching frames in stacks");
  cmd->add_option("--tagfocus", a->view.filters.tagfocus,
                  "Keep samples with a label value matching ('key=regex' for one key), or a "
                  "numeric label in a range ('bytes=1kb:64kb', '10ms:')");
  cmd->add_option("--tagignore", a->view.filters.tagignore, "Drop samples with a label value matching");
  cmd->add_option("--base", a->base,
                  "Subtract this profile (pprof -base: cumulative block/mutex profiles)");
  cmd->add_option("--diff_base", a->diff_base,
                  "Compare against this profile (pprof -diff_base): flame colours growth red and "
                  "shrinkage blue, folded prints 'stack BASE NEW'");
  cmd->add_option("-o,--output", a->output, "Write the view/export to this file");
  cmd->add_option("--seconds", a->seconds, "For profile, block, mutex and allocs URLs: how long to profile (the latter three give a delta over it, with a rate)");
  cmd->add_option("--timeout", a->timeout, "Seconds to wait for a URL (plus --seconds)");
  AddOutputOptions(cmd, &a->out);
  cmd->callback([a, &ctx] { ctx.exit_code = RunPprof(*a); });
}

}  // namespace godx::cli
