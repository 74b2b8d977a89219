// pprof's whole option set, as `go tool pprof` (Go 1.26) spells and defaults it: one struct that
// the command line fills (pprof/flags.h) and that every pprof-compatible output reads. Field
// names follow pprof's flag names; defaults are pprof's. This is a stable interface shared by
// several outputs: add fields, never rename or repurpose them.
#pragma once

#include <string>
#include <vector>

namespace godx::pprof {

// What to print (pprof's output flags; exactly one, or none for the interactive shell).
enum class OutputFormat {
  kNone,  // no output flag: interactive shell
  kText,  // -text / -top
  kTree,
  kPeek,  // -peek=REGEX
  kTraces,
  kTags,
  kList,  // -list=REGEX
  kDisasm,   // -disasm=REGEX
  kWeblist,  // -weblist=REGEX
  kRaw,
  kComments,
  kDot,
  kSvg,
  kPng,
  kPdf,
  kPs,
  kGif,
  kEps,
  kCallgrind,
  kKcachegrind,
  kTopproto,
  kProto,
  kTraceFile,  // unused by godx; kept so flag tables stay complete
};

enum class Granularity { kDefault, kFunctions, kFileFunctions, kFiles, kLines, kAddresses };

struct PprofOptions {
  // ---- Output
  OutputFormat format = OutputFormat::kNone;
  std::string format_name;    // the flag as typed ("top", "text", "svg", ...)
  std::string output_regex;   // -peek/-list/-disasm/-weblist argument
  std::string output;         // -output FILE ("" = stdout)
  bool json = false;          // --json (godx): JSON for tree/peek/traces/tags

  // ---- Granularity (default: functions for most outputs, addresses for -disasm)
  Granularity granularity = Granularity::kDefault;
  bool noinlines = false;
  bool showcolumns = false;

  // ---- Graph trimming and sorting
  int nodecount = -1;  // -1 = pprof's per-output default (80 for graphs/tree, all for text)
  double nodefraction = 0.005;
  double edgefraction = 0.001;
  bool trim = true;
  bool cum = false;  // -cum sorts by cumulative value (-flat is the default)
  bool call_tree = false;
  bool compact_labels = false;
  bool intel_syntax = false;

  // ---- Filters (Go regexps, run as RE2)
  std::string focus, ignore, hide, show, show_from, prune_from;
  std::string tagfocus, tagignore, tagshow, taghide;
  std::string tagroot, tagleaf;  // comma-separated label keys turned into pseudo-frames
  bool relative_percentages = false;
  bool all_frames = false;  // ignore the profile's drop_frames/keep_frames

  // ---- Values
  std::string sample_index;  // name or number; legacy shortcuts (-inuse_space, ...) set it
  bool mean = false;
  double divide_by = 1.0;
  bool drop_negative = false;
  bool normalize = false;
  std::string unit = "minimum";

  // ---- Sources
  std::string diff_base;   // repeated flags are joined by commas in pprof; kept as a list here
  std::vector<std::string> diff_bases;
  std::vector<std::string> bases;
  std::string add_comment;
  int seconds = -1;   // -seconds for URL sources
  int timeout = -1;   // -timeout (seconds) for URL sources
  std::string symbolize;  // -symbolize mode ("", "none", "local", "fastlocal", "remote", "force", "demangle=...")
  std::string source_path;
  std::string trim_path;
  std::string tls_cert, tls_key, tls_ca;
  std::string http;  // -http (web UI; not served by godx pprof)
  bool no_browser = false;
  std::string tools;

  // ---- Positional: [binary] source...
  std::string binary;  // set when the first positional names an executable (ELF)
  std::vector<std::string> sources;
};

}  // namespace godx::pprof
