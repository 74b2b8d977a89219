// Every compiler and assembly fixture of the release matrix (testdata/releases/go<REL>.txt: cells
// compiler-m, compiler-m2, compiler-bce, compiler-json, asm-S, asm-objdump), read by godx and
// checked against a reading that does not go through godx: regular expressions over the text,
// nlohmann::json over the -json files, and a count of the runtime's panic entry points called in
// the listing. A fixture godx does not recognise fails; nothing is skipped.
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/analyze.h"
#include "compiler/asm_analyze.h"
#include "compiler/asm_reader.h"
#include "compiler/reader.h"
#include "compiler/release.h"
#include "testing/testing.h"

namespace godx::compiler {
namespace {

using testing::Describe;
using testing::MatrixFixture;


// The release godx names must hold the release that wrote the fixture; an exact one must be it.
void ExpectRangeHolds(const GoRelease& r, const MatrixFixture& f) {
  int minor = testing::ReleaseMinor(f.release);
  EXPECT_LE(r.min_minor, minor) << r.Describe();
  EXPECT_GE(r.max_minor, minor) << r.Describe();
  if (!r.exact.empty()) {
    EXPECT_NE(testing::MatrixGoVersion(f.release).find(r.exact + " "), std::string::npos)
        << r.exact;
  }
}

// -m / -m=2 / check_bce text, counted line by line the way the compiler prints it: one
// "FILE:LINE:COL: MESSAGE" per line, "# import/path" before each package, explanation lines
// indented. Results are deduplicated by position (and by message where godx counts messages).
struct TextCounts {
  std::set<std::string> moved, escapes, leaks, bounds, slice_bounds;
  std::set<std::pair<std::string, std::string>> can, cannot;  // (package, function)
  std::set<std::string> inlined_calls, devirtualized;         // "pkg pos message"
  std::set<std::string> left_unclassified;  // wordings godx counts as unclassified on purpose
};

TextCounts CountText(const std::string& text) {
  TextCounts c;
  std::istringstream in(text);
  const std::regex pos_re(R"(^(\S+:\d+(?::\d+)?): (.*)$)");
  const std::regex can_re(R"(^can inline (.+?)(?: with cost \d+)?(?: as: .*)?$)");
  const std::regex cannot_re(R"(^cannot inline (.+?): .*$)");
  const std::regex leak_heap_re(R"(^leaking param(?: content)?: [^ ]+$)");
  std::smatch m;
  std::string pkg;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# ")) {
      if (line.size() > 2 && line[2] != '[') pkg = line.substr(2, line.find(' ', 2) - 2);
      continue;
    }
    if (!std::regex_match(line, m, pos_re)) continue;
    std::string pos = pkg + " " + m[1].str();
    std::string msg = m[2];
    // Explanation lines: indented, or a header ending in ':'.
    if (msg.empty() || msg[0] == ' ' || msg[0] == '\t' || msg.back() == ':') continue;
    std::smatch mm;
    if (msg.starts_with("moved to heap: ")) {
      c.moved.insert(pos);
    } else if (msg.ends_with(" escapes to heap")) {
      c.escapes.insert(pos);
    } else if (std::regex_match(msg, leak_heap_re)) {
      c.leaks.insert(pos);
    } else if (std::regex_match(msg, mm, can_re)) {
      c.can.insert({pkg, mm[1]});
    } else if (std::regex_match(msg, mm, cannot_re) &&
               mm[1].str().find(" into ") == std::string::npos) {
      c.cannot.insert({pkg, mm[1]});
    } else if (msg.starts_with("inlining call to ")) {
      c.inlined_calls.insert(pos + " " + msg);
    } else if (msg.find("devirtualizing ") != std::string::npos) {
      c.devirtualized.insert(pos + " " + msg);
    } else if (msg == "Found IsInBounds") {
      c.bounds.insert(pos);
    } else if (msg == "Found IsSliceInBounds") {
      c.slice_bounds.insert(pos);
    } else if (msg == "index bounds check elided" ||
               msg.find(" ignoring self-assignment in ") != std::string::npos ||
               msg == "zero-copy string->[]byte conversion") {
      // Notes godx keeps for --explain but does not count (docs/formats/compiler-diagnostics.md).
      c.left_unclassified.insert(pos + " " + msg);
    }
  }
  return c;
}

TEST(CompilerReleaseMatrix, TextDiagnosticsMatchAnIndependentCount) {
  size_t checked = 0;
  for (const std::string prefix : {"compiler-m", "compiler-bce"}) {
    for (const MatrixFixture& f : testing::MatrixFixtures(prefix)) {
      SCOPED_TRACE(Describe(f));
      std::string path = testing::TestData(f.path);
      auto input = Input::Open(path);
      ASSERT_TRUE(input.ok()) << input.status().message();
      auto b = ReadEscapeText(*input);
      ASSERT_TRUE(b.ok()) << "godx does not recognise it: " << b.status().message();
      EXPECT_EQ(b->format, f.cell == "compiler-m2" ? "-m=2 text" : "-m text");
      Report r = AnalyzeEscapes(*b, path, {}, AnalyzeOptions{.json = true});
      TextCounts c = CountText(testing::ReadFile(path));
      const Json& s = r.summary;
      EXPECT_EQ(s["moved_to_heap"], c.moved.size());
      EXPECT_EQ(s["escapes_to_heap"], c.escapes.size());
      EXPECT_EQ(s["leaking_params"], c.leaks.size());
      EXPECT_EQ(s["inlinable_functions"], c.can.size());
      EXPECT_EQ(s["not_inlinable_functions"], c.cannot.size());
      EXPECT_EQ(s["inlined_calls"], c.inlined_calls.size());
      EXPECT_EQ(s["devirtualized_calls"], c.devirtualized.size());
      EXPECT_EQ(s["bounds_checks"], c.bounds.size());
      EXPECT_EQ(s["slice_bounds_checks"], c.slice_bounds.size());
      // Every other line is one godx classifies: a new wording in a new release fails here.
      EXPECT_EQ(s["unclassified"], c.left_unclassified.size());
      if (f.cell == "compiler-m2") {
        // Every escaping expression of -m=2 output comes with its explanation.
        size_t explained = 0;
        for (const Diagnostic& d : b->diagnostics) {
          if (d.kind == DiagKind::kEscapesToHeap && d.explanation != kNoExplanation) ++explained;
        }
        EXPECT_GE(explained, c.escapes.size()) << "explanations were not attached";
      }
      GoRelease rel = InferBuildRelease(*b);
      ExpectRangeHolds(rel, f);
      // Every 1.26/1.27 text fixture shows a wording or a path that Go 1.19 did not print.
      if (f.release != "1.19") {
        EXPECT_TRUE(rel.min_minor >= 20 || !rel.exact.empty()) << "no release named";
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 24u);
}

// The -json=0,DIR files counted with nlohmann::json: one LSP diagnostic per line after the
// header, keyed by file and position.
struct JsonCounts {
  std::string gc_version;
  std::set<std::string> can, cannot, leaks_to_heap, bounds, slice_bounds, nil;
  std::set<std::string> not_inlined_calls;  // position + message
  std::map<std::string, std::pair<size_t, size_t>> escape_at;  // pos -> (bare, explained)
  size_t lines = 0;
};

JsonCounts CountJsonDir(const std::string& dir) {
  JsonCounts c;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      if (header) {
        header = false;
        c.gc_version = j.value("gc_version", "");
        continue;
      }
      ++c.lines;
      const auto& start = j["range"]["start"];
      std::string pos = file.string() + ":" + std::to_string(start["line"].get<int>()) + ":" +
                        std::to_string(start["character"].get<int>());
      std::string code = j["code"], msg = j.value("message", "");
      if (code == "canInlineFunction") c.can.insert(pos);
      if (code == "cannotInlineFunction") c.cannot.insert(pos);
      if (code == "cannotInlineCall") c.not_inlined_calls.insert(pos + " " + msg);
      if (code == "isInBounds") c.bounds.insert(pos);
      if (code == "isSliceInBounds") c.slice_bounds.insert(pos);
      if (code == "nilcheck") c.nil.insert(pos);
      if (code == "leak" && msg.find(" leaks to ~r") == std::string::npos) {
        c.leaks_to_heap.insert(pos);
      }
      if (code == "escape" || code == "escapes") {
        bool explained = false;
        for (const auto& rel : j.value("relatedInformation", nlohmann::json::array())) {
          if (rel.value("message", "").starts_with("escflow:")) explained = true;
        }
        auto& slot = c.escape_at[pos];
        (explained ? slot.second : slot.first)++;
      }
    }
  }
  return c;
}

TEST(CompilerReleaseMatrix, JsonDiagnosticsMatchAnIndependentCount) {
  size_t checked = 0;
  for (const MatrixFixture& f : testing::MatrixFixtures("compiler-json")) {
    SCOPED_TRACE(Describe(f));
    std::string dir = testing::TestData(f.path);
    auto b = ReadEscapeJsonDir(dir);
    ASSERT_TRUE(b.ok()) << "godx does not recognise it: " << b.status().message();
    JsonCounts c = CountJsonDir(dir);
    ASSERT_GT(c.lines, 0u);
    EXPECT_EQ(b->go_version, c.gc_version);
    // "go version go1.26.8 linux/amd64" names the same toolchain.
    EXPECT_NE(testing::MatrixGoVersion(f.release).find(b->go_version + " "), std::string::npos);
    Report r = AnalyzeEscapes(*b, dir, {}, AnalyzeOptions{.json = true});
    const Json& s = r.summary;
    // The -json form says "escape" twice for an expression that escapes (a bare line and an
    // explained one) and only the explained line for a variable moved to the heap.
    size_t moved = 0, escapes = 0;
    for (const auto& [pos, n] : c.escape_at) {
      if (n.first > 0) ++escapes;
      if (n.second > n.first) ++moved;
    }
    EXPECT_EQ(s["moved_to_heap"], moved);
    EXPECT_EQ(s["escapes_to_heap"], escapes);
    EXPECT_EQ(s["leaking_params"], c.leaks_to_heap.size());
    EXPECT_EQ(s["bounds_checks"], c.bounds.size());
    EXPECT_EQ(s["slice_bounds_checks"], c.slice_bounds.size());
    EXPECT_EQ(s["nil_checks"], c.nil.size());
    EXPECT_EQ(s["not_inlined_calls"], c.not_inlined_calls.size());
    EXPECT_EQ(s["unclassified"], 0);
    // Functions: -json names none (godx reads names from the sources), so compare positions.
    std::set<std::tuple<std::string, uint32_t, uint32_t>> can, cannot;
    for (const Diagnostic& d : b->diagnostics) {
      auto key = std::make_tuple(std::string(b->pool.Get(d.file)), d.line, d.col);
      if (d.kind == DiagKind::kCanInline) can.insert(key);
      if (d.kind == DiagKind::kCannotInline) cannot.insert(key);
    }
    EXPECT_EQ(can.size(), c.can.size());
    EXPECT_EQ(cannot.size(), c.cannot.size());
    GoRelease rel = InferBuildRelease(*b);
    EXPECT_EQ(rel.exact, c.gc_version);
    ExpectRangeHolds(rel, f);
    EXPECT_EQ(r.extra["go_release"]["exact"], c.gc_version);
    ++checked;
  }
  EXPECT_GE(checked, 6u);
}

// Calls to the runtime's panic entry points, counted from the listing's text: "CALL runtime.X"
// on an instruction line (relocation lines "rel N+4 t=R_CALL runtime.X+0" repeat them in -S).
std::map<std::string, size_t> CountPanicCalls(const std::string& text) {
  const std::regex call_re(R"(\bCALL\s+runtime\.([A-Za-z0-9_]+)(?:\.abi0)?\(SB\))");
  std::map<std::string, size_t> by_check;
  std::istringstream in(text);
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (!std::regex_search(line, m, call_re)) continue;
    std::string f = m[1];
    std::string check;
    if (f.starts_with("panicIndex") || f.starts_with("panicSlice") ||
        f.starts_with("panicBounds") || f.starts_with("goPanic") || f.starts_with("panicExtend"))
      check = "bounds";
    else if (f == "panicdivide" || f == "panicoverflow" || f == "panicfloat")
      check = "divide";
    else if (f == "panicshift")
      check = "shift";
    else if (f.starts_with("panicdottype") || f == "panicnildottype")
      check = "type-assertion";
    else if (f == "panicmem" || f == "panicmemAddr" || f == "sigpanic")
      check = "nil";
    else if (f == "gopanic")
      check = "explicit panic";
    else if (f == "panicwrap" || f.starts_with("panicunsafe") || f == "panicrangestate" ||
             f.starts_with("panicmakeslice"))
      check = "other";
    if (!check.empty()) ++by_check[check];
  }
  return by_check;
}

TEST(CompilerReleaseMatrix, AsmFindsEveryPanicCallOfTheListing) {
  size_t checked = 0;
  for (const MatrixFixture& f : testing::MatrixFixtures("asm-")) {
    SCOPED_TRACE(Describe(f));
    std::string path = testing::TestData(f.path);
    auto input = Input::Open(path);
    ASSERT_TRUE(input.ok());
    auto l = ReadListing(*input);
    ASSERT_TRUE(l.ok()) << "godx does not recognise it: " << l.status().message();
    EXPECT_NE(l->format.find(f.cell == "asm-S" ? "-S" : "objdump"), std::string::npos) << l->format;
    Report r = AnalyzeListing(*l, path, AsmOptions{.include_runtime = true},
                              AnalyzeOptions{.json = true});
    auto want = CountPanicCalls(testing::ReadFile(path));
    size_t total = 0;
    for (const auto& [check, n] : want) {
      EXPECT_EQ(r.summary["by_check"][check], n) << check;
      total += n;
    }
    EXPECT_GT(want["bounds"], 0u) << "every listing of the matrix holds a bounds check";
    EXPECT_EQ(r.summary["panic_sites"], total);
    ExpectRangeHolds(InferListingRelease(*l), f);
    GoRelease rel = InferListingRelease(*l);
    if (f.release != "1.19") {
      EXPECT_TRUE(rel.min_minor >= 20 || !rel.exact.empty()) << "no release named";
    }
    ++checked;
  }
  EXPECT_GE(checked, 12u);
}

// Bounds checks by kind, read from a listing's text without godx. Go ≤1.25 names the kind in the
// entry point (runtime.panicSliceB, ...U for an unsigned x); Go 1.26+ calls runtime.panicBounds
// and writes the kind in the `PCDATA $4, $N` line just before the call, decoded here from the
// layout internal/abi/bounds.go documents: N = 9*c + code, c's bit 0 says x is a register, bit 1
// y; a register x has its signedness in bit 2 and its number in bits 3-6, a constant x bits 2-6;
// y starts at bit 7 (4 bits for a register, 5 for a constant); nothing above.
struct BoundsSites {
  std::map<std::string, size_t> by_kind;  // "index" → 1
  // "checks.go:10 index signed": base name, line, kind, and "signed"/"unsigned" when the
  // listing says (a register x, or an old entry point).
  std::multiset<std::string> sites;
  std::vector<std::pair<std::string, std::string>> at;  // (path:line, kind) per site
  size_t panic_bounds = 0;               // calls to runtime.panicBounds / panicExtend
  std::vector<std::string> problems;     // what this reading could not decode
};

constexpr const char* kBoundsNames[] = {"index",       "slice-alen",  "slice-acap",
                                        "slice-b",     "slice3-alen", "slice3-acap",
                                        "slice3-b",    "slice3-c",    "convert"};

std::string BaseLine(const std::string& pos) {
  size_t slash = pos.find_last_of('/');
  return slash == std::string::npos ? pos : pos.substr(slash + 1);
}

BoundsSites ReadBoundsSites(const std::string& text, bool objdump) {
  const std::regex s_line(R"(^\t0x[0-9a-f]+ \d+ \(([^)]*)\)\t(\S+)\t?(.*)$)");
  // objdump -S drops the file:line column.
  const std::regex od_line(R"(^  (?:(\S+:\d+)\t+)?0x[0-9a-f]+\t+[0-9a-f]+\t+(\S+) ?(.*?)\s*$)");
  const std::regex pcdata4(R"(^\$4, \$(-?\d+)$)");
  const std::regex old_entry(
      R"(^runtime\.(?:go)?[pP]anic(?:Extend)?)"
      R"((Index|SliceAlen|SliceAcap|SliceB|Slice3Alen|Slice3Acap|Slice3B|Slice3C|SliceConvert))"
      R"((U?)(?:\.abi0)?\(SB\)$)");
  const std::map<std::string, std::string> old_kinds = {
      {"Index", "index"},         {"SliceAlen", "slice-alen"},   {"SliceAcap", "slice-acap"},
      {"SliceB", "slice-b"},      {"Slice3Alen", "slice3-alen"}, {"Slice3Acap", "slice3-acap"},
      {"Slice3B", "slice3-b"},    {"Slice3C", "slice3-c"},       {"SliceConvert", "convert"}};
  BoundsSites b;
  std::optional<long long> pending;
  std::istringstream in(text);
  std::smatch m, mm;
  for (std::string line; std::getline(in, line);) {
    // A pcdata value holds from its PCDATA line to the next one of the same function.
    if (!line.empty() && line[0] != '\t') pending.reset();
    if (!std::regex_match(line, m, objdump ? od_line : s_line)) continue;
    std::string pos = m[1], op = m[2], args = m[3];
    if (op == "PCDATA") {
      if (std::regex_match(args, mm, pcdata4)) pending = std::stoll(mm[1]);
      continue;
    }
    std::optional<long long> pcdata = pending;
    if (op != "CALL") continue;
    std::string kind, sign;
    if (std::regex_match(args, mm, old_entry)) {
      kind = old_kinds.at(mm[1]);
      if (kind != "convert") sign = mm[2].length() > 0 ? "unsigned" : "signed";
    } else if (args == "runtime.panicBounds(SB)" || args == "runtime.panicExtend(SB)") {
      ++b.panic_bounds;
      if (objdump) {
        kind = "unknown";
      } else if (!pcdata) {
        b.problems.push_back(line + ": no PCDATA $4 before the call");
        continue;
      } else {
        long long v = *pcdata, c = v / 9;
        bool x_reg = (c & 1) != 0, y_reg = (c & 2) != 0;
        if (v < 0 || (c >> (7 + (y_reg ? 4 : 5))) != 0) {
          b.problems.push_back(line + ": PCDATA $4, $" + std::to_string(v) + " does not decode");
          continue;
        }
        kind = kBoundsNames[v % 9];
        if (x_reg && kind != std::string("convert")) sign = (c & 4) != 0 ? "signed" : "unsigned";
      }
    } else {
      continue;
    }
    ++b.by_kind[kind];
    b.sites.insert(BaseLine(pos) + " " + kind + (sign.empty() ? "" : " " + sign));
    b.at.push_back({pos, kind});
  }
  return b;
}

// Per-line kinds of godx's report, in the same form as BoundsSites::sites.
std::multiset<std::string> GodxBoundsSites(const Report& r) {
  std::multiset<std::string> out;
  for (const auto& s : r.extra["sites"]) {
    if (s["check"] != "bounds") continue;
    std::string file = s["file"];
    std::string key = BaseLine(file) + ":" + std::to_string(s["line"].get<int>()) + " " +
                      s["bounds"]["kind"].get<std::string>();
    const Json& sign = s["bounds"]["signed"];
    if (!sign.is_null()) key += sign.get<bool>() ? " signed" : " unsigned";
    out.insert(key);
  }
  return out;
}

// Whether the Go source line (comment cut off) holds the expression a check of `kind` guards: a
// slice expression s[a:b] for the slice kinds, an index s[i] for index.
bool SourceFits(std::string src, const std::string& kind) {
  src = src.substr(0, src.find("//"));
  if (kind == "index") return std::regex_search(src, std::regex(R"(\w\[[^\]:]+\])"));
  if (kind.starts_with("slice3"))
    return std::regex_search(src, std::regex(R"(\[[^\]]*:[^\]]*:[^\]]*\])"));
  if (kind.starts_with("slice"))
    return std::regex_search(src, std::regex(R"(\[[^\]:]*:[^\]:]*\])"));
  return false;
}

TEST(CompilerReleaseMatrix, AsmNamesTheKindOfEveryBoundsCheck) {
  size_t checked = 0, source_lines = 0, compared_with_119 = 0;
  std::map<std::string, std::multiset<std::string>> kinds_119;  // program → "file:line kind"
  auto kinds_only = [](const std::multiset<std::string>& sites) {
    std::multiset<std::string> out;
    for (const auto& s : sites) out.insert(s.substr(0, s.find(' ', s.find(' ') + 1)));
    return out;
  };
  for (const MatrixFixture& f : testing::MatrixFixtures("asm-")) {  // oldest release first
    SCOPED_TRACE(Describe(f));
    std::string path = testing::TestData(f.path);
    auto input = Input::Open(path);
    ASSERT_TRUE(input.ok());
    auto l = ReadListing(*input);
    ASSERT_TRUE(l.ok()) << l.status().message();
    Report r = AnalyzeListing(*l, path, AsmOptions{.include_runtime = true},
                              AnalyzeOptions{.json = true});
    const bool objdump = f.cell == "asm-objdump";
    BoundsSites want = ReadBoundsSites(testing::ReadFile(path), objdump);
    for (const auto& p : want.problems) ADD_FAILURE() << "unknown bounds encoding: " << p;
    ASSERT_GT(want.by_kind.size(), 0u) << "no bounds check read";
    size_t total = 0;
    for (const auto& [kind, n] : r.summary["by_bounds_kind"].items()) {
      EXPECT_EQ(n.get<size_t>(), want.by_kind.count(kind) ? want.by_kind[kind] : 0) << kind;
      total += n.get<size_t>();
    }
    EXPECT_EQ(total, r.summary["by_check"]["bounds"].get<size_t>());
    if (objdump) {
      // objdump prints no PCDATA: every panicBounds site is of unknown kind, and said so.
      EXPECT_EQ(r.summary["by_bounds_kind"]["unknown"], want.panic_bounds);
      for (const auto& s : r.extra["sites"]) {
        if (s["callee"] == "runtime.panicBounds") {
          EXPECT_EQ(s["bounds"]["label"], "kind not in objdump listings from Go 1.26 on; use -S");
        }
      }
      ++checked;
      continue;
    }
    EXPECT_EQ(r.summary["by_bounds_kind"]["unknown"], 0) << "an -S listing names every kind";
    EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
    // Per site: line, kind and signedness.
    std::multiset<std::string> got = GodxBoundsSites(r);
    EXPECT_EQ(got, want.sites);
    // The Go source of each site holds the expression its kind guards.
    for (const auto& [pos, kind] : want.at) {
      size_t gen = pos.find("/godx-gen/");
      if (gen == std::string::npos) continue;
      std::string rel = pos.substr(0, pos.rfind(':'));
      size_t file_slash = rel.rfind('/'), dir_slash = rel.rfind('/', file_slash - 1);
      std::string src_path = testing::TestData("gen/" + rel.substr(dir_slash + 1));
      int line_no = std::stoi(pos.substr(pos.rfind(':') + 1));
      std::istringstream src(testing::ReadFile(src_path));
      std::string src_line;
      for (int i = 0; i < line_no && std::getline(src, src_line); ++i) {
      }
      EXPECT_TRUE(SourceFits(src_line, kind)) << pos << " " << kind << ": " << src_line;
      ++source_lines;
    }
    // The same program's Go 1.19 listing calls the old entry points: same kinds on the same
    // lines (signedness aside: PCDATA records none for a constant x).
    std::string program = f.path.substr(f.path.find('-') + 1);
    if (f.release == "1.19") {
      kinds_119[program] = kinds_only(want.sites);
    } else if (kinds_119.count(program)) {
      EXPECT_EQ(kinds_only(got), kinds_119[program]) << "kinds differ from Go 1.19's " << program;
      ++compared_with_119;
    }
    ++checked;
  }
  EXPECT_GE(checked, 12u);
  EXPECT_GE(source_lines, 15u);
  EXPECT_GE(compared_with_119, 4u);
}

}  // namespace
}  // namespace godx::compiler
