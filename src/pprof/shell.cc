#include "pprof/shell.h"

#include <editline/readline.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "pprof/flags.h"
#include "pprof/graph_outputs.h"
#include "pprof/reader.h"
#include "pprof/text_report.h"
#include "pprof/transform.h"
#include "pprof/writer.h"

namespace godx::pprof {

namespace {

// The option names pprof's shell sets with `name=value` (its configFields), and the choice
// names that set a group (`lines` sets granularity, `cum` sets sort).
constexpr const char* kSettings[] = {
    "output", "drop_negative", "call_tree", "relative_percentages", "unit", "compact_labels",
    "source_path", "trim_path", "intel_syntax", "nodecount", "nodefraction", "edgefraction",
    "trim", "focus", "ignore", "prune_from", "hide", "show", "show_from", "tagfocus",
    "tagignore", "tagshow", "taghide", "tagroot", "tagleaf", "divide_by", "mean",
    "sample_index", "noinlines", "showcolumns", "functions", "filefunctions", "files", "lines",
    "addresses", "cum", "flat"};
constexpr const char* kBoolSettings[] = {"drop_negative", "call_tree", "relative_percentages",
                                         "compact_labels", "intel_syntax", "trim", "mean",
                                         "noinlines", "showcolumns"};

bool IsSetting(std::string_view n) {
  return std::find_if(std::begin(kSettings), std::end(kSettings), [&](const char* s) { return n == s; }) !=
         std::end(kSettings);
}
bool IsBoolSetting(std::string_view n) {
  return std::find_if(std::begin(kBoolSettings), std::end(kBoolSettings), [&](const char* s) { return n == s; }) !=
         std::end(kBoolSettings);
}
// The field a setting writes: choices share their group's field.
std::string FieldOf(std::string_view n) {
  if (n == "functions" || n == "filefunctions" || n == "files" || n == "lines" || n == "addresses") {
    return "granularity";
  }
  if (n == "cum" || n == "flat") return "sort";
  return std::string(n);
}

// The commands of the shell and whether they take an argument (pprof's pprofCommands).
const std::map<std::string, bool, std::less<>>& Commands() {
  static const std::map<std::string, bool, std::less<>> kCommands = {
      {"top", false},      {"text", false},    {"tree", false},       {"traces", false},
      {"tags", false},     {"raw", false},     {"comments", false},   {"dot", false},
      {"svg", false},      {"png", false},     {"pdf", false},        {"ps", false},
      {"gif", false},      {"eps", false},     {"callgrind", false},  {"kcachegrind", false},
      {"topproto", false}, {"proto", false},   {"peek", true},        {"list", true},
      {"disasm", true},    {"weblist", true}};
  return kCommands;
}

std::vector<std::string> Fields(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

std::string CatRegex(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() ? a + "|" + b : a + b;
}

class Shell {
 public:
  Shell(const Profile& p, const std::vector<std::string>& flag_args, const ShellIo& io)
      : io_(io), encoded_(EncodeProto(p)) {
    for (const ValueType& t : p.sample_types) sample_types_.emplace_back(p.Str(t.type));
    // The command line's flags are where the settings start: kept as flag arguments, each under
    // the field it sets so that a later setting replaces it.
    for (size_t i = 0; i < flag_args.size(); ++i) {
      std::string a = flag_args[i];
      std::string name = a.substr(a.find_first_not_of('-'));
      size_t eq = name.find('=');
      std::string key = FieldOf(name.substr(0, eq));
      if (eq == std::string::npos && i + 1 < flag_args.size() && TakesValue(a)) {
        a += "=" + flag_args[++i];
      }
      base_[key] = a;
    }
    base_["compact_labels"] = "-compact_labels";  // pprof's shell shows short headers
  }

  int Run() {
    Greet();
    if (io_.terminal) {
      if (const char* home = std::getenv("HOME")) history_ = std::string(home) + "/.godx_pprof_history";
      using_history();
      if (!history_.empty()) read_history(history_.c_str());
    }
    for (;;) {
      std::optional<std::string> line = ReadLine();
      if (!line) return 0;
      for (const std::string& input : Expand(*line)) {
        if (!Execute(input)) return 0;
      }
    }
  }

 private:
  // A flag that consumes the next argument ("-focus x"): a bool flag would leave it a source.
  static bool TakesValue(const std::string& flag) {
    auto r = ParsePprofFlags({flag, "x"});
    return !r.ok() || r->sources.empty();
  }

  std::optional<std::string> ReadLine() {
    if (io_.terminal) {
      char* l = readline("(pprof) ");
      if (l == nullptr) return std::nullopt;
      std::string s(l);
      std::free(l);
      if (!Trim(s).empty()) {
        add_history(s.c_str());
        if (!history_.empty()) write_history(history_.c_str());
      }
      return s;
    }
    std::fputs("(pprof) ", io_.out);
    std::fflush(io_.out);
    std::string s;
    int c;
    while ((c = std::fgetc(io_.in)) != EOF && c != '\n') s += static_cast<char>(c);
    if (c == EOF && s.empty()) return std::nullopt;
    return s;
  }

  // pprof's shortcuts: ":" clears the filters; a sample type's name selects it.
  std::vector<std::string> Expand(const std::string& line) {
    std::string in = Trim(line);
    if (in == ":") return {"focus=", "ignore=", "hide=", "tagfocus=", "tagignore="};
    for (const std::string& t : sample_types_) {
      if (in == t) return {"sample_index=" + t};
      if (in == "total_" + t) return {"mean=0", "sample_index=" + t};
      if (in == "mean_" + t) return {"mean=1", "sample_index=" + t};
    }
    return {in};
  }

  void Error(const std::string& msg) { std::fprintf(io_.err, "%s\n", msg.c_str()); }

  std::vector<std::string> Args(const std::map<std::string, std::string>& extra) const {
    std::map<std::string, std::string> all = base_;
    for (const auto& [k, v] : settings_) all[k] = v;
    for (const auto& [k, v] : extra) all[k] = v;
    std::vector<std::string> args;
    for (const auto& [k, v] : all) {
      if (!v.empty()) args.push_back(v);
    }
    return args;
  }

  // Returns false to leave the shell.
  bool Execute(const std::string& input) {
    size_t eq = input.find('=');
    std::string name = Trim(input.substr(0, eq));
    if (name == "granularity" || name == "sort") {
      std::string value = eq == std::string::npos ? "" : Trim(input.substr(eq + 1));
      bool ok = name == "sort" ? value == "cum" || value == "flat"
                               : value == "functions" || value == "filefunctions" || value == "files" ||
                                     value == "lines" || value == "addresses";
      if (!ok) {
        Error(eq == std::string::npos ? fmt::format("please specify a value, e.g. {}=<val>", name)
                                      : fmt::format("invalid \"{}\" value \"{}\"", name, value));
      } else {
        settings_[name] = "-" + value;
      }
      return true;
    }
    if (IsSetting(name)) {
      std::string value;
      if (eq != std::string::npos) {
        value = input.substr(eq + 1);
        if (size_t c = value.rfind("//:"); c != std::string::npos) value.resize(c);
        value = Trim(value);
      }
      bool choice = FieldOf(name) != name;
      if (choice) {
        // pprof sets a choice only with a true value ("lines=true"); "lines" alone is an error.
        if (value == "true" || value == "1" || value == "t" || value == "T" || value == "TRUE" || value == "True") {
          settings_[FieldOf(name)] = "-" + name;
        } else {
          Error(fmt::format("unknown config field \"{}\"", name));
        }
        return true;
      }
      if (eq == std::string::npos && !IsBoolSetting(name)) {
        Error(fmt::format("please specify a value, e.g. {}=<val>", name));
        return true;
      }
      if (name == "sample_index") {
        Profile p = Copy();
        auto idx = PprofSampleIndex(p, value);
        if (!idx.ok()) {
          Error(idx.status().message());
          return true;
        }
        value = std::string(p.Str(p.sample_types[*idx].type));
      }
      std::string arg = IsBoolSetting(name) && value.empty() ? "-" + name : "-" + name + "=" + value;
      // Check it the way the command line would.
      std::vector<std::string> check = {arg, "<shell>"};
      if (auto r = ParsePprofFlags(check); !r.ok()) {
        Error(r.status().message());
        return true;
      }
      // An empty filter clears it.
      settings_[name] = !IsBoolSetting(name) && value.empty() ? "" : arg;
      return true;
    }
    std::vector<std::string> tokens = Fields(input);
    if (tokens.empty()) return true;
    const std::string& cmd0 = tokens[0];
    if (cmd0 == "exit" || cmd0 == "quit" || cmd0 == "q") return false;
    if (cmd0 == "o" || cmd0 == "options") {
      PrintOptions();
      return true;
    }
    if (cmd0 == "help") {
      Help(tokens.size() > 1 ? tokens[1] : "");
      return true;
    }
    RunCommand(tokens);
    return true;
  }

  // pprof's parseCommandLine: `top10 -cum main -runtime >out.txt`.
  void RunCommand(std::vector<std::string> tokens) {
    std::string name = tokens[0];
    std::vector<std::string> args(tokens.begin() + 1, tokens.end());
    auto it = Commands().find(name);
    if (it == Commands().end()) {
      size_t d = name.find_last_not_of("0123456789");
      if (d != std::string::npos && d + 1 < name.size()) {
        args.insert(args.begin(), name.substr(d + 1));
        name.resize(d + 1);
        it = Commands().find(name);
      }
    }
    if (it == Commands().end()) {
      if (IsSetting(name)) {
        Error(fmt::format("did you mean: {}={}", name, args.empty() ? "<val>" : args[0]));
      } else {
        Error(fmt::format("unrecognized command: \"{}\"", name));
      }
      return;
    }
    std::map<std::string, std::string> extra;
    std::string param;
    if (it->second) {
      if (args.empty()) {
        Error(fmt::format("command {} requires an argument", name));
        return;
      }
      param = args[0];
      args.erase(args.begin());
    }
    std::string focus, ignore, output;
    std::optional<int> nodecount;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& t = args[i];
      char* end = nullptr;
      long n = std::strtol(t.c_str(), &end, 10);
      if (!t.empty() && *end == '\0') {
        nodecount = static_cast<int>(n);
        continue;
      }
      if (t[0] == '>') {
        output = t.substr(1);
        if (output.empty()) {
          if (++i >= args.size()) {
            Error("unexpected end of line after >");
            return;
          }
          output = args[i];
        }
      } else if (t[0] == '-') {
        if (t == "--cum" || t == "-cum") {
          extra["sort"] = "-cum";
          continue;
        }
        ignore = CatRegex(ignore, t.substr(1));
      } else {
        focus = CatRegex(focus, t);
      }
    }
    if (!focus.empty()) extra[name == "tags" ? "tagfocus" : "focus"] = fmt::format("-{}={}", name == "tags" ? "tagfocus" : "focus", focus);
    if (!ignore.empty()) extra[name == "tags" ? "tagignore" : "ignore"] = fmt::format("-{}={}", name == "tags" ? "tagignore" : "ignore", ignore);
    if (nodecount) extra["nodecount"] = fmt::format("-nodecount={}", *nodecount);
    if (!output.empty()) extra["output"] = "-output=" + output;
    std::vector<std::string> argv = Args(extra);
    argv.push_back(it->second ? fmt::format("-{}={}", name, param) : "-" + name);
    argv.push_back("<shell>");
    auto o = ParsePprofFlags(argv);
    if (!o.ok()) {
      Error(o.status().message());
      return;
    }
    // `top` in the shell shows 10 rows unless told otherwise.
    if (o->nodecount == -1 && (name == "top" || name == "text")) o->nodecount = 10;
    Profile p = Copy();
    auto ctx = PreparePprofReport(*o, &p);
    if (!ctx.ok()) {
      Error(ctx.status().message());
      return;
    }
    auto out = IsGraphOutput(o->format) ? GenerateGraphOutput(p, *ctx) : GenerateTextReport(p, *ctx);
    for (const std::string& w : ctx->warnings) Error(w);
    if (!out.ok()) {
      Error(out.status().message());
      return;
    }
    if (!o->output.empty()) {
      std::ofstream f(o->output, std::ios::binary);
      f << *out;
      if (!f) Error(fmt::format("{}: cannot write", o->output));
      return;
    }
    std::fwrite(out->data(), 1, out->size(), io_.out);
    std::fflush(io_.out);
  }

  void Greet() {
    Profile p = Copy();
    PprofOptions o;
    o.format = OutputFormat::kText;
    auto ctx = PreparePprofReport(o, &p);
    if (ctx.ok()) {
      for (const std::string& l : ProfileLabels(p, *ctx)) Error(l);
      if (ctx->total == 0 && p.sample_types.size() > 1) {
        Error("No samples were found with the default sample value type.");
        Error("Try \"sample_index\" command to analyze different sample values.\n");
      }
    }
    Error("Entering interactive mode (type \"help\" for commands, \"o\" for options)");
  }

  void PrintOptions() {
    std::vector<std::string> args = Args({});
    std::string text;
    for (const std::string& a : args) text += "  " + a + "\n";
    Error(text.empty() ? "  (pprof's defaults)" : text);
  }

  void Help(const std::string& topic) {
    if (!topic.empty() && !Commands().count(topic) && !IsSetting(topic)) {
      Error("Unknown command: " + topic);
      return;
    }
    Error(
        "  Commands:\n"
        "    top [N] [focus] [-ignore] [-cum]   Outputs top entries in text form\n"
        "    tree, traces, tags, raw, comments  The other text reports\n"
        "    peek REGEX, list REGEX            Callers/callees, annotated source\n"
        "    dot, svg, png, pdf, ps, gif, eps  Call graph (pictures through Graphviz's dot)\n"
        "    callgrind, topproto, proto        Outputs for other tools (use >FILE)\n"
        "    o / options                       Show the current settings\n"
        "    quit / exit / ^D                  Leave\n"
        "  Settings: name=value, e.g. focus=main, nodecount=20, sample_index=alloc_space,\n"
        "    lines / functions / files / addresses, cum / flat, noinlines=true, unit=ms\n"
        "  :   Clear focus/ignore/hide/tagfocus/tagignore\n"
        "  Sample type names (e.g. alloc_space) select that sample type.");
  }

  Profile Copy() const {
    auto p = ReadProto("<shell>", encoded_, {});
    return p.ok() ? std::move(p).value() : Profile();
  }

  ShellIo io_;
  std::string encoded_;  // the profile, re-read for each command (reports rewrite their copy)
  std::vector<std::string> sample_types_;
  std::map<std::string, std::string> base_, settings_;  // field -> flag argument
  std::string history_;
};

}  // namespace

int RunShell(const Profile& p, const std::vector<std::string>& flag_args, const ShellIo& io) {
  Shell shell(p, flag_args, io);
  return shell.Run();
}

}  // namespace godx::pprof
