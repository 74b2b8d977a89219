// godx's -dot, -callgrind and -topproto against `go tool pprof`'s own output (Go 1.26), recorded
// by scripts/gen-pprof-golden-graphs into testdata/pprof/golden-pprof/ over the shared corpus and
// godx's fixtures: callgrind text identical after whitespace normalisation, dot with the same
// nodes, edges and labels, topproto with the same samples, functions and units.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "pprof/callgrind.h"
#include "pprof/dot.h"
#include "pprof/reader.h"
#include "pprof/test_util.h"
#include "pprof/text_report.h"
#include "pprof/topproto.h"
#include "pprof/transform.h"

namespace godx::pprof {
namespace {

namespace fs = std::filesystem;

std::string GoldenDir() { return testing::TestData("pprof/golden-pprof"); }

// NAME -> the profile it was recorded from ("" when ../shared is absent for a corpus name).
std::string ProfileOf(const std::string& name, const std::optional<std::string>& shared) {
  auto unflatten = [](std::string s) {
    for (size_t at; (at = s.find("__")) != std::string::npos;) s.replace(at, 2, "/");
    return s;
  };
  if (name.rfind("corpus__", 0) == 0) {
    if (!shared) return "";
    return *shared + "/corpus/pprof/" + unflatten(name.substr(8));
  }
  return testing::TestData("pprof/" + name.substr(9));
}

// Runs one output as the pprof command line does for a single source without flags.
Result<std::string> Generate(const std::string& path, OutputFormat format) {
  auto input = Input::Open(path);
  if (!input.ok()) return input.status();
  GODX_ASSIGN_OR_RETURN(Profile p, ReadProfile(*input));
  GODX_RETURN_IF_ERROR(RemoveUninteresting(&p));
  PprofOptions o;
  o.format = format;
  GODX_ASSIGN_OR_RETURN(ReportContext ctx, PreparePprofReport(o, &p));
  switch (format) {
    case OutputFormat::kDot: return Dot(p, ctx);
    case OutputFormat::kCallgrind: return Callgrind(p, ctx);
    default: return TopProto(p, ctx);
  }
}

// Whitespace normalisation: runs of blanks become one space, blank lines and line ends go.
std::string Normalize(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::string norm;
    bool space = false;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\r') {
        space = !norm.empty();
        continue;
      }
      if (space) norm += ' ';
      space = false;
      norm += c;
    }
    if (!norm.empty()) out += norm + "\n";
  }
  return out;
}

// pprof sorts a node's calls by |weight| only, so calls of weights W and -W come out in Go's
// map order, which changes from run to run (8 of 12 runs of `go tool pprof -callgrind` on
// alloc_space_delta.pb.gz agree). Canonical form for the comparison: compressed names "(N)"
// expanded, and calls of equal |weight| in text order. Every other line keeps its place.
std::string CanonicalCallgrind(const std::string& text) {
  std::istringstream in(Normalize(text));
  std::vector<std::string> lines;
  std::map<std::string, std::string> names[3];  // ob/fl, fn
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    std::string key = eq == std::string::npos ? "" : line.substr(0, eq);
    int table = key == "ob" ? 0 : (key == "fl" || key == "cfl") ? 1 : (key == "fn" || key == "cfn") ? 2 : -1;
    if (table >= 0 && line.size() > eq + 1 && line[eq + 1] == '(') {
      size_t close = line.find(')', eq);
      std::string id = line.substr(eq + 1, close - eq);
      if (close + 1 < line.size()) names[table][id] = line.substr(close + 2);
      line = key + "=" + names[table][id];
    }
    lines.push_back(line);
  }
  auto weight = [](const std::string& l) { return std::llabs(std::atoll(l.c_str() + 4)); };
  std::string out;
  for (size_t i = 0; i < lines.size();) {
    if (lines[i].rfind("cfl=", 0) != 0 || i + 3 >= lines.size()) {
      out += lines[i++] + "\n";
      continue;
    }
    std::vector<std::string> group;
    long long w = weight(lines[i + 3]);
    while (i + 3 < lines.size() && lines[i].rfind("cfl=", 0) == 0 && weight(lines[i + 3]) == w) {
      group.push_back(lines[i] + "\n" + lines[i + 1] + "\n" + lines[i + 2] + "\n" + lines[i + 3] + "\n");
      i += 4;
    }
    std::sort(group.begin(), group.end());
    for (const std::string& g : group) out += g;
  }
  return out;
}

// The topproto profile as text: what pprof writes, whatever the string table order.
std::string DumpTop(const Profile& p) {
  std::string out;
  for (const ValueType& t : p.sample_types) out += std::string(p.Str(t.type)) + "/" + std::string(p.Str(t.unit)) + " ";
  out += "\nperiod " + std::string(p.Str(p.period_type.type)) + "/" + std::string(p.Str(p.period_type.unit)) +
         " " + std::to_string(p.period) + " time " + std::to_string(p.time_nanos) + " duration " +
         std::to_string(p.duration_nanos) + "\n";
  for (size_t s = 0; s < p.num_samples(); ++s) {
    for (int64_t v : p.Values(s)) out += std::to_string(v) + " ";
    for (uint32_t li : p.Stack(s)) {
      const Location& loc = p.locations[li];
      out += "@" + std::to_string(loc.address);
      for (const Line& ln : p.LinesOf(loc)) {
        const Function& f = p.functions[ln.function];
        out += " " + std::string(p.Str(f.name)) + " [" + std::string(p.Str(f.system_name)) + "] " +
               std::string(p.Str(f.filename)) + ":" + std::to_string(ln.line) + ":" +
               std::to_string(ln.column) + " s=" + std::to_string(f.start_line);
      }
    }
    out += "\n";
  }
  return out;
}

struct Counts {
  int compared = 0, skipped = 0, reader_gaps = 0;
};

// Inputs whose *reading* differs from pprof's (the readers' business, not these outputs'):
// the legacy Java and C++ thread formats godx does not load yet, and Go's debug=1 text, whose
// frames godx names from the text's comments where pprof leaves them as <unknown>.
bool ReaderGap(const std::string& name) {
  for (const char* gap : {"__java.", "__cppbench.thread", ".debug1.txt"}) {
    if (name.find(gap) != std::string::npos) return true;
  }
  return false;
}

void CheckAll(const std::string& ext, OutputFormat format, Counts* counts) {
  auto shared = testing::SharedDir();
  for (const auto& e : fs::directory_iterator(GoldenDir())) {
    std::string file = e.path().filename().string();
    // Large text goldens are stored gzipped ("NAME.callgrind.gz"); Input reads either form.
    if (ext != ".topproto.pb.gz" && file.size() > 3 && file.compare(file.size() - 3, 3, ".gz") == 0) {
      file.resize(file.size() - 3);
    }
    if (file.size() <= ext.size() || file.compare(file.size() - ext.size(), ext.size(), ext) != 0) continue;
    std::string name = file.substr(0, file.size() - ext.size());
    std::string path = ProfileOf(name, shared);
    if (path.empty()) {
      ++counts->skipped;
      continue;
    }
    if (ReaderGap(name)) {
      ++counts->reader_gaps;
      continue;
    }
    SCOPED_TRACE(name);
    auto got = Generate(path, format);
    if (!got.ok()) {
      ADD_FAILURE() << got.status().message();
      continue;
    }
    auto golden = Input::Open(e.path().string());
    ASSERT_TRUE(golden.ok()) << golden.status().message();
    std::string want(golden->data());
    if (const char* dump = std::getenv("GODX_GOLDEN_DUMP")) {  // for looking at a difference by hand
      std::ofstream(std::string(dump) + "/" + file) << *got;
    }
    if (format == OutputFormat::kTopproto) {
      auto want_p = testutil::ReadBytes(name, want);
      auto got_p = testutil::ReadBytes(name, *got);
      if (!want_p.ok() || !got_p.ok()) {
        ADD_FAILURE() << "cannot decode: " << (want_p.ok() ? got_p.status() : want_p.status()).message();
        continue;
      }
      EXPECT_EQ(DumpTop(*got_p), DumpTop(*want_p));
    } else if (format == OutputFormat::kDot) {
      EXPECT_EQ(Normalize(*got), Normalize(want));
    } else {
      EXPECT_EQ(CanonicalCallgrind(*got), CanonicalCallgrind(want));
    }
    ++counts->compared;
  }
}

TEST(PprofGraphOutputs, CallgrindEqualsPprof) {
  Counts c;
  CheckAll(".callgrind", OutputFormat::kCallgrind, &c);
  std::cout << "compared " << c.compared << " callgrind outputs; skipped " << c.skipped
            << " (no ../shared) and " << c.reader_gaps << " (inputs read differently, see ReaderGap)\n";
  EXPECT_GT(c.compared, 0);
}

TEST(PprofGraphOutputs, TopprotoEqualsPprof) {
  Counts c;
  CheckAll(".topproto.pb.gz", OutputFormat::kTopproto, &c);
  std::cout << "compared " << c.compared << " topproto outputs; skipped " << c.skipped
            << " (no ../shared) and " << c.reader_gaps << " (inputs read differently, see ReaderGap)\n";
  EXPECT_GT(c.compared, 0);
}

TEST(PprofGraphOutputs, DotEqualsPprof) {
  Counts c;
  CheckAll(".dot", OutputFormat::kDot, &c);
  std::cout << "compared " << c.compared << " dot outputs; skipped " << c.skipped
            << " (no ../shared) and " << c.reader_gaps << " (inputs read differently, see ReaderGap)\n";
  EXPECT_GT(c.compared, 0);
}

TEST(PprofGraphOutputs, ShortensFunctionNamesAsPprof) {
  // Names cut from real profiles of the corpus (large.cpu, cppbench.cpu, java.cpu).
  EXPECT_EQ(ShortenFunctionName("github.com/google/pprof/internal/graph.(*Graph).SortNodes"),
            "graph.(*Graph).SortNodes");
  EXPECT_EQ(ShortenFunctionName("example.com/m/v2/pkg.F"), "pkg.F");
  EXPECT_EQ(ShortenFunctionName("runtime.mallocgc"), "runtime.mallocgc");
  EXPECT_EQ(ShortenFunctionName("proto2::internal::WireFormatLite::WriteInt32"), "WireFormatLite::WriteInt32");
  EXPECT_EQ(ShortenFunctionName("java.lang.Thread.run"), "Thread.run");
}

TEST(PprofGraphOutputs, RendersSvgWithGraphviz) {
  if (access("/usr/bin/dot", X_OK) != 0) GTEST_SKIP() << "Graphviz's dot is not installed (scripts/install-deps)";
  auto dot = Generate(testing::TestData("pprof/go1.26.8-cpu.pb.gz"), OutputFormat::kDot);
  ASSERT_TRUE(dot.ok()) << dot.status().message();
  auto svg = RenderDot(*dot, "svg");
  ASSERT_TRUE(svg.ok()) << svg.status().message();
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("id=\"node1\""), std::string::npos);
  auto png = RenderDot(*dot, "png");
  ASSERT_TRUE(png.ok()) << png.status().message();
  EXPECT_EQ(png->substr(1, 3), "PNG");
  EXPECT_FALSE(RenderDot("digraph {", "svg").ok());  // Graphviz's syntax error is reported
}

}  // namespace
}  // namespace godx::pprof
