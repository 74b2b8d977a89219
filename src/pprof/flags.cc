#include "pprof/flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>

namespace godx::pprof {

namespace {

enum class Kind { kBool, kString, kInt, kFloat };

struct Flag {
  const char* name;
  Kind kind;
};

// Every flag of Go 1.26's `go tool pprof -h`.
constexpr Flag kFlags[] = {
    // Output formats.
    {"callgrind", Kind::kBool}, {"comments", Kind::kBool}, {"disasm", Kind::kString},
    {"dot", Kind::kBool}, {"eog", Kind::kBool}, {"evince", Kind::kBool}, {"gif", Kind::kBool},
    {"gv", Kind::kBool}, {"kcachegrind", Kind::kBool}, {"list", Kind::kString},
    {"pdf", Kind::kBool}, {"peek", Kind::kString}, {"png", Kind::kBool}, {"proto", Kind::kBool},
    {"ps", Kind::kBool}, {"raw", Kind::kBool}, {"svg", Kind::kBool}, {"tags", Kind::kBool},
    {"text", Kind::kBool}, {"top", Kind::kBool}, {"topproto", Kind::kBool},
    {"traces", Kind::kBool}, {"tree", Kind::kBool}, {"web", Kind::kBool},
    {"weblist", Kind::kString},
    // Options.
    {"call_tree", Kind::kBool}, {"compact_labels", Kind::kBool}, {"divide_by", Kind::kFloat},
    {"drop_negative", Kind::kBool}, {"edgefraction", Kind::kFloat}, {"focus", Kind::kString},
    {"hide", Kind::kString}, {"ignore", Kind::kString}, {"intel_syntax", Kind::kBool},
    {"mean", Kind::kBool}, {"nodecount", Kind::kInt}, {"nodefraction", Kind::kFloat},
    {"noinlines", Kind::kBool}, {"normalize", Kind::kBool}, {"output", Kind::kString},
    {"prune_from", Kind::kString}, {"relative_percentages", Kind::kBool},
    {"sample_index", Kind::kString}, {"show", Kind::kString}, {"show_from", Kind::kString},
    {"showcolumns", Kind::kBool}, {"source_path", Kind::kString}, {"tagfocus", Kind::kString},
    {"taghide", Kind::kString}, {"tagignore", Kind::kString}, {"tagleaf", Kind::kString},
    {"tagroot", Kind::kString}, {"tagshow", Kind::kString}, {"trim", Kind::kBool},
    {"trim_path", Kind::kString}, {"unit", Kind::kString},
    // Option groups.
    {"functions", Kind::kBool}, {"filefunctions", Kind::kBool}, {"files", Kind::kBool},
    {"lines", Kind::kBool}, {"addresses", Kind::kBool}, {"cum", Kind::kBool}, {"flat", Kind::kBool},
    // Source options.
    {"seconds", Kind::kInt}, {"timeout", Kind::kInt}, {"buildid", Kind::kString},
    {"add_comment", Kind::kString}, {"diff_base", Kind::kString}, {"base", Kind::kString},
    {"symbolize", Kind::kString}, {"tls_cert", Kind::kString}, {"tls_key", Kind::kString},
    {"tls_ca", Kind::kString},
    // Misc.
    {"http", Kind::kString}, {"no_browser", Kind::kBool}, {"tools", Kind::kString},
    // Legacy convenience options.
    {"inuse_space", Kind::kBool}, {"inuse_objects", Kind::kBool}, {"alloc_space", Kind::kBool},
    {"alloc_objects", Kind::kBool}, {"total_delay", Kind::kBool}, {"contentions", Kind::kBool},
    {"mean_delay", Kind::kBool},
    // godx: pprof honours the profile's drop_frames/keep_frames; this keeps every frame.
    {"all_frames", Kind::kBool},
    // godx: JSON for tree, peek, traces and tags.
    {"json", Kind::kBool},
};

const Flag* Find(std::string_view name) {
  for (const Flag& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

struct FormatName {
  const char* name;
  OutputFormat format;
};
constexpr FormatName kFormats[] = {
    {"callgrind", OutputFormat::kCallgrind}, {"comments", OutputFormat::kComments},
    {"disasm", OutputFormat::kDisasm},       {"dot", OutputFormat::kDot},
    {"eog", OutputFormat::kSvg},             {"evince", OutputFormat::kPdf},
    {"gif", OutputFormat::kGif},             {"gv", OutputFormat::kPs},
    {"kcachegrind", OutputFormat::kKcachegrind}, {"list", OutputFormat::kList},
    {"pdf", OutputFormat::kPdf},             {"peek", OutputFormat::kPeek},
    {"png", OutputFormat::kPng},             {"proto", OutputFormat::kProto},
    {"ps", OutputFormat::kPs},               {"raw", OutputFormat::kRaw},
    {"svg", OutputFormat::kSvg},             {"tags", OutputFormat::kTags},
    {"text", OutputFormat::kText},           {"top", OutputFormat::kText},
    {"topproto", OutputFormat::kTopproto},   {"traces", OutputFormat::kTraces},
    {"tree", OutputFormat::kTree},           {"web", OutputFormat::kSvg},
    {"weblist", OutputFormat::kWeblist},
};

const FormatName* FindFormat(std::string_view name) {
  for (const FormatName& f : kFormats) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// Go's strconv.ParseBool.
bool ParseBool(std::string_view s, bool* out) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    *out = true;
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    *out = false;
    return true;
  }
  return false;
}

// Splits "-name=value" / "--name"; false when `arg` is not a flag.
bool SplitFlag(std::string_view arg, std::string_view* name, std::string_view* value, bool* has_value) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  std::string_view s = arg.substr(1);
  if (s[0] == '-') s = s.substr(1);
  if (s.empty() || s[0] == '-' || s[0] == '=') return false;
  size_t eq = s.find('=');
  *has_value = eq != std::string_view::npos;
  *name = s.substr(0, eq);
  *value = *has_value ? s.substr(eq + 1) : std::string_view();
  return true;
}

bool LooksLikeElf(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char magic[4] = {};
  f.read(magic, 4);
  return f.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

}  // namespace

std::string_view OutputFormatName(OutputFormat f) {
  for (const FormatName& n : kFormats) {
    if (n.format == f) return n.name;
  }
  return "";
}

bool IsPprofCommandLine(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") return false;
    if (a.size() < 3 || a[0] != '-' || a[1] == '-') {
      if (a.empty() || a[0] != '-') return false;  // first positional: godx's view or a source
      continue;
    }
    std::string_view name = std::string_view(a).substr(1);
    name = name.substr(0, name.find('='));
    if (Find(name) != nullptr) return true;
  }
  return false;
}

Result<PprofOptions> ParsePprofFlags(const std::vector<std::string>& args) {
  PprofOptions o;
  std::string legacy_index;
  bool mean_delay = false;
  std::vector<std::string> formats;
  std::string granularity_set, sort_set;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    std::string_view name, value;
    bool has_value = false;
    if (!SplitFlag(arg, &name, &value, &has_value)) break;
    const Flag* f = Find(name);
    if (f == nullptr) return Status::Error(fmt::format("flag provided but not defined: -{}", name));
    std::string v;
    bool b = true;
    if (f->kind == Kind::kBool) {
      if (has_value && !ParseBool(value, &b)) {
        return Status::Error(fmt::format("invalid boolean value \"{}\" for -{}", value, name));
      }
    } else {
      if (has_value) {
        v = std::string(value);
      } else {
        if (i + 1 >= args.size()) return Status::Error(fmt::format("flag needs an argument: -{}", name));
        v = args[++i];
      }
    }
    const std::string n(name);
    auto parse_int = [&](int* out) -> Status {
      char* end = nullptr;
      errno = 0;
      long x = std::strtol(v.c_str(), &end, 0);
      if (v.empty() || *end != '\0' || errno != 0) {
        return Status::Error(fmt::format("invalid value \"{}\" for flag -{}: parse error", v, n));
      }
      *out = static_cast<int>(x);
      return Status::Ok();
    };
    auto parse_float = [&](double* out) -> Status {
      char* end = nullptr;
      double x = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0') {
        return Status::Error(fmt::format("invalid value \"{}\" for flag -{}: parse error", v, n));
      }
      *out = x;
      return Status::Ok();
    };
    if (const FormatName* fm = FindFormat(n)) {
      if (f->kind == Kind::kBool ? b : !v.empty()) {
        // A flag given twice is one output (Go's flag package keeps the last value).
        if (std::find(formats.begin(), formats.end(), n) == formats.end()) formats.push_back(n);
        o.format = fm->format;
        o.format_name = n;
        if (f->kind == Kind::kString) o.output_regex = v;
      }
      continue;
    }
    if (n == "functions" || n == "filefunctions" || n == "files" || n == "lines" || n == "addresses") {
      if (!b) continue;
      if (!granularity_set.empty() && granularity_set != n) {
        return Status::Error(fmt::format("conflicting options {} and {} set", granularity_set, n));
      }
      granularity_set = n;
      o.granularity = n == "functions"       ? Granularity::kFunctions
                      : n == "filefunctions" ? Granularity::kFileFunctions
                      : n == "files"         ? Granularity::kFiles
                      : n == "lines"         ? Granularity::kLines
                                             : Granularity::kAddresses;
      continue;
    }
    if (n == "cum" || n == "flat") {
      if (!b) continue;
      if (!sort_set.empty() && sort_set != n) {
        return Status::Error(fmt::format("conflicting options {} and {} set", sort_set, n));
      }
      sort_set = n;
      o.cum = n == "cum";
      continue;
    }
    if (n == "inuse_space" || n == "inuse_objects" || n == "alloc_space" || n == "alloc_objects" ||
        n == "total_delay" || n == "contentions" || n == "mean_delay") {
      if (!b) continue;
      std::string idx = n == "total_delay" || n == "mean_delay" ? "delay" : n;
      if (!legacy_index.empty() && legacy_index != idx) {
        return Status::Error("Failed to set sample_index: conflicting legacy options");
      }
      legacy_index = idx;
      if (n == "mean_delay") mean_delay = true;
      continue;
    }
    Status st = Status::Ok();
    if (n == "call_tree") o.call_tree = b;
    else if (n == "compact_labels") o.compact_labels = b;
    else if (n == "divide_by") st = parse_float(&o.divide_by);
    else if (n == "drop_negative") o.drop_negative = b;
    else if (n == "edgefraction") st = parse_float(&o.edgefraction);
    else if (n == "nodefraction") st = parse_float(&o.nodefraction);
    else if (n == "nodecount") st = parse_int(&o.nodecount);
    else if (n == "focus") o.focus = v;
    else if (n == "hide") o.hide = v;
    else if (n == "ignore") o.ignore = v;
    else if (n == "intel_syntax") o.intel_syntax = b;
    else if (n == "mean") o.mean = b;
    else if (n == "noinlines") o.noinlines = b;
    else if (n == "normalize") o.normalize = b;
    else if (n == "output") o.output = v;
    else if (n == "prune_from") o.prune_from = v;
    else if (n == "relative_percentages") o.relative_percentages = b;
    else if (n == "sample_index") o.sample_index = v;
    else if (n == "show") o.show = v;
    else if (n == "show_from") o.show_from = v;
    else if (n == "showcolumns") o.showcolumns = b;
    else if (n == "source_path") o.source_path = v;
    else if (n == "tagfocus") o.tagfocus = v;
    else if (n == "taghide") o.taghide = v;
    else if (n == "tagignore") o.tagignore = v;
    else if (n == "tagleaf") o.tagleaf = v;
    else if (n == "tagroot") o.tagroot = v;
    else if (n == "tagshow") o.tagshow = v;
    else if (n == "trim") o.trim = b;
    else if (n == "trim_path") o.trim_path = v;
    else if (n == "unit") o.unit = v;
    else if (n == "seconds") st = parse_int(&o.seconds);
    else if (n == "timeout") st = parse_int(&o.timeout);
    else if (n == "add_comment") o.add_comment = v;
    else if (n == "diff_base") { if (!v.empty()) o.diff_bases.push_back(v); }
    else if (n == "base") { if (!v.empty()) o.bases.push_back(v); }
    else if (n == "symbolize") o.symbolize = v;
    else if (n == "tls_cert") o.tls_cert = v;
    else if (n == "tls_key") o.tls_key = v;
    else if (n == "tls_ca") o.tls_ca = v;
    else if (n == "http") o.http = v;
    else if (n == "no_browser") o.no_browser = b;
    else if (n == "tools") o.tools = v;
    else if (n == "all_frames") o.all_frames = b;
    else if (n == "json") o.json = b;
    // -buildid is accepted for compatibility; godx matches binaries by path.
    if (!st.ok()) return st;
  }
  for (; i < args.size(); ++i) o.sources.push_back(args[i]);
  if (o.sources.empty()) return Status::Error("no profile source specified");
  // The first of several arguments is the binary when it is an executable (pprof opens it as one).
  if (o.sources.size() > 1 && LooksLikeElf(o.sources[0])) {
    o.binary = o.sources[0];
    o.sources.erase(o.sources.begin());
  }
  if (formats.size() > 1) {
    return Status::Error(fmt::format("must set at most one output format"));
  }
  if (o.format != OutputFormat::kNone && !o.http.empty()) {
    return Status::Error("-http is not compatible with an output format on the command line");
  }
  if (o.no_browser && o.http.empty()) return Status::Error("-no_browser only makes sense with -http");
  if (!o.bases.empty() && !o.diff_bases.empty()) {
    return Status::Error("-base and -diff_base flags cannot both be specified");
  }
  if (!legacy_index.empty()) o.sample_index = legacy_index;
  if (mean_delay) o.mean = true;
  if (!o.diff_bases.empty()) o.diff_base = o.diff_bases.front();
  if (o.normalize && o.bases.empty() && o.diff_bases.empty()) {
    return Status::Error("must have base profile to normalize by");
  }
  return o;
}

}  // namespace godx::pprof
