// `godx pprof [VIEW] ...`: read, explain, compare, merge and export pprof profiles.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/http_client.h"
#include "pprof/analyze.h"
#include "pprof/export.h"
#include "pprof/filter.h"
#include "pprof/format.h"
#include "pprof/merge.h"
#include "pprof/reader.h"
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

Result<Loaded> Load(const std::string& path, const PprofArgs& a) {
  InputOptions io = ToInputOptions(a.out);
  Result<Input> input = Status::Error("");
  if (IsUrl(path)) {
    std::string url = path;
    double timeout = a.timeout > 0 ? a.timeout : 30;
    if (a.seconds > 0 && url.find("seconds=") == std::string::npos &&
        url.find("/profile") != std::string::npos) {
      url += (url.find('?') == std::string::npos ? "?" : "&") + fmt::format("seconds={}", a.seconds);
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
    o.json = a.out.json;
    Report r = pprof::AnalyzeProfile(p, source, *idx, a.view, o);
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

void AddPprofCommand(CLI::App& root, CommandContext& ctx) {
  auto a = std::make_shared<PprofArgs>();
  auto* cmd = root.add_subcommand(
      "pprof",
      "Read, explain, compare, merge and export pprof profiles (CPU, heap, allocs, goroutine,\n"
      "block, mutex, threadcreate): profile.proto, gzipped or not, and Go's debug=1 text.\n"
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
  cmd->add_option("--seconds", a->seconds, "For CPU profile URLs: how long to profile");
  cmd->add_option("--timeout", a->timeout, "Seconds to wait for a URL (plus --seconds)");
  AddOutputOptions(cmd, &a->out);
  cmd->callback([a, &ctx] { ctx.exit_code = RunPprof(*a); });
}

}  // namespace godx::cli
