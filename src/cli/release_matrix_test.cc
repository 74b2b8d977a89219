// The release matrix as a whole: every cell (signal and variant) has a real fixture from every Go
// release that can print it, godx recognises each fixture as the signal it is, and
// docs/release-matrix.md is the table these fixtures give (GODX_UPDATE_GOLDEN=1 rewrites it).
// The numbers inside each fixture are checked against independent readings by each signal's own
// release_matrix_test.cc, named in the table.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "core/report.h"
#include "testing/testing.h"

namespace godx {
namespace {

using testing::MatrixFixture;

// One row of the table. `kind` is the report kind godx must give the fixture; `command` how it is
// run ("" for inputs that only doctor/watch read: their own test reads them).
struct Cell {
  const char* cell;
  const char* what;  // for people
  const char* kind;
  const char* command;
  const char* checked_by;
  int since_minor = 0;  // the first release that can print it
};

constexpr const char* kGc = "src/gclog/release_matrix_test.cc";
constexpr const char* kSched = "src/schedlog/release_matrix_test.cc";
constexpr const char* kStacks = "src/stacks/release_matrix_test.cc";
constexpr const char* kPprof = "src/pprof/release_matrix_test.cc";
constexpr const char* kCompiler = "src/compiler/release_matrix_test.cc";
constexpr const char* kLive = "src/live/release_matrix_test.cc";
constexpr const char* kTrace = "src/trace/reader_test.cc";

const Cell kCells[] = {
    {"gctrace", "GODEBUG=gctrace=1", "gc", "analyze", kGc},
    {"gctrace-memlimit", "gctrace under a GOMEMLIMIT it outgrows", "gc", "analyze", kGc},
    {"gctrace-scavtrace", "gctrace+scavtrace, GOMAXPROCS changed at run time", "gc", "analyze", kGc},
    {"gctrace-shredded", "gctrace+schedtrace cut by program output", "gc", "analyze", kGc},
    {"gctrace-cpuset", "gctrace as a cpuset cgroup's CPUs go 2 → 1 → 2", "gc", "analyze", kGc},
    {"schedtrace", "GODEBUG=schedtrace=N", "sched", "analyze", kSched},
    {"schedtrace-cpuset", "schedtrace as a cpuset cgroup's CPUs go 2 → 1 → 2", "sched", "analyze",
     kSched},
    {"scheddetail", "schedtrace with scheddetail=1", "sched", "analyze", kSched},
    {"dump-debug1", "/debug/pprof/goroutine?debug=1", "stacks", "analyze", kStacks},
    {"dump-debug2", "/debug/pprof/goroutine?debug=2", "stacks", "analyze", kStacks},
    {"panic", "panic, GOTRACEBACK=single", "stacks", "analyze", kStacks},
    {"panic-all", "panic, GOTRACEBACK=all", "stacks", "analyze", kStacks},
    {"panic-system", "panic, GOTRACEBACK=system", "stacks", "analyze", kStacks},
    {"panic-crash", "panic, GOTRACEBACK=crash", "stacks", "analyze", kStacks},
    {"fatal", "fatal errors (deadlock, map writes, stack overflow)", "stacks", "analyze", kStacks},
    {"fatal-all", "fatal error, GOTRACEBACK=all", "stacks", "analyze", kStacks},
    {"sigquit", "SIGQUIT dump", "stacks", "analyze", kStacks},
    {"sigquit-system", "SIGQUIT dump, GOTRACEBACK=system", "stacks", "analyze", kStacks},
    {"sigquit-crash", "SIGQUIT dump, GOTRACEBACK=crash", "stacks", "analyze", kStacks},
    {"sigquit-labels", "SIGQUIT dump, GODEBUG=tracebacklabels=1 (goroutine labels)", "stacks",
     "analyze", kStacks, 26},
    {"race", "race detector report", "stacks", "analyze", kStacks},
    {"http-panic", "net/http `http: panic serving`", "stacks", "analyze", kStacks},
    {"gotest", "`go test -v` output with a panic", "stacks", "analyze", kStacks},
    {"pprof-cpu", "CPU profile", "pprof", "analyze", kPprof},
    {"pprof-heap", "heap profile", "pprof", "analyze", kPprof},
    {"pprof-heap-text", "heap profile, debug=1", "pprof", "analyze", kPprof},
    {"pprof-allocs", "allocs profile", "pprof", "analyze", kPprof},
    {"pprof-allocs-text", "allocs profile, debug=1", "pprof", "analyze", kPprof},
    {"pprof-block", "block profile", "pprof", "analyze", kPprof},
    {"pprof-block-text", "block profile, debug=1", "pprof", "analyze", kPprof},
    {"pprof-mutex", "mutex profile", "pprof", "analyze", kPprof},
    {"pprof-mutex-text", "mutex profile, debug=1", "pprof", "analyze", kPprof},
    {"pprof-goroutine", "goroutine profile", "pprof", "analyze", kPprof},
    // `godx analyze` reads this text as the stacks signal (dump-debug1); pprof reads it as asked.
    {"pprof-goroutine-text", "goroutine profile, debug=1", "pprof", "pprof", kPprof},
    {"pprof-threadcreate", "threadcreate profile", "pprof", "analyze", kPprof},
    {"pprof-threadcreate-text", "threadcreate profile, debug=1", "pprof", "analyze", kPprof},
    {"pprof-goroutineleak", "goroutineleak profile", "pprof", "analyze", kPprof, 26},
    {"pprof-goroutineleak-text", "goroutineleak profile, debug=1", "pprof", "analyze", kPprof, 26},
    {"pprof-goroutineleak-debug2", "goroutineleak profile, debug=2", "stacks", "analyze", kStacks,
     26},
    {"compiler-m", "-gcflags=-m", "escape", "analyze", kCompiler},
    {"compiler-m2", "-gcflags=-m=2", "escape", "analyze", kCompiler},
    {"compiler-json", "-gcflags=-json=0,DIR", "escape", "escape", kCompiler},
    {"compiler-bce", "-d=ssa/check_bce/debug=1", "asm", "analyze", kCompiler},
    {"asm-S", "-gcflags=-S listing", "asm", "analyze", kCompiler},
    {"asm-objdump", "go tool objdump [-S]", "asm", "analyze", kCompiler},
    {"trace", "runtime/trace execution trace", "trace", "analyze", kTrace},
    {"trace-cut", "execution trace of a program that panicked before trace.Stop", "trace", "analyze",
     kTrace},
    {"trace-flight", "runtime/trace.FlightRecorder snapshot", "trace", "analyze", kTrace, 25},
    {"trace-allocfree", "execution trace with GODEBUG=traceallocfree=1 (experimental batches)",
     "trace", "analyze", kTrace, 23},
    {"live-doctor", "godx doctor bundles of live services", "doctor", "doctor", kLive},
    {"live-run", "godx run: a crashing program's stderr and crash bundle", "", "", kLive},
    {"live-watch", "godx watch --json of a leaking service", "", "", kLive},
    {"live-goroutine", "goroutine count snapshot (debug=1)", "stacks", "analyze", kLive},
    {"live-expvar", "/debug/vars", "", "", kLive},
    {"live-proc", "/proc/PID status, smaps_rollup, net/tcp", "", "", kLive},
    {"live-buildinfo", "build info section of a binary", "", "", kLive},
};

const Cell* FindCell(const std::string& name) {
  for (const Cell& c : kCells) {
    if (name == c.cell) return &c;
  }
  return nullptr;
}


// The reports godx gives a fixture: a JSON array (analyze) or one envelope.
std::vector<Json> Reports(const std::string& out) {
  Json j = Json::parse(out, nullptr, false);
  if (j.is_discarded()) return {};
  if (j.is_array()) return std::vector<Json>(j.begin(), j.end());
  return {j};
}

// "go1.27.3", "1.22+", "1.21–1.26", "≤1.20", "?" from an envelope's go_release.
std::string ShortRelease(const Json& g) {
  if (!g.is_object()) return "?";
  if (g["exact"].is_string()) return g["exact"].get<std::string>();
  std::string lo = g["min"].is_string() ? g["min"].get<std::string>() : "";
  std::string hi = g["max"].is_string() ? g["max"].get<std::string>() : "";
  if (!lo.empty() && !hi.empty()) return lo == hi ? lo : lo + "–" + hi;
  if (!lo.empty()) return lo + "+";
  if (!hi.empty()) return "≤" + hi;
  return "?";
}

// What godx made of one fixture.
struct Reading {
  bool recognised = false;
  std::string release;  // ShortRelease of the matching report
  std::string error;
};

Reading Read(const MatrixFixture& f, const Cell& c) {
  Reading r;
  if (std::string(c.command).empty()) {
    r.recognised = true;  // read inside doctor/watch/run; checked by the live matrix test
    r.release = "-";
    return r;
  }
  auto run = testing::RunGodx(std::string(c.command) + " --json " + testing::TestData(f.path));
  if (run.exit_code != 0 && run.exit_code != 1) {
    r.error = "exit " + std::to_string(run.exit_code) + ": " + run.err;
    return r;
  }
  std::set<std::string> releases;
  for (const Json& rep : Reports(run.out)) {
    if (rep.value("kind", "") != c.kind) continue;
    r.recognised = true;
    releases.insert(ShortRelease(rep.value("go_release", Json())));
  }
  for (const auto& s : releases) r.release += (r.release.empty() ? "" : ", ") + s;
  if (!r.recognised) r.error = "no '" + std::string(c.kind) + "' report in: " + run.out.substr(0, 300);
  return r;
}

struct Matrix {
  std::vector<std::string> releases;
  // cell → release → readings of its fixtures
  std::map<std::string, std::map<std::string, std::vector<Reading>>> cells;
};

const Matrix& ReadMatrix() {
  static const Matrix* m = [] {
    auto* out = new Matrix;
    out->releases = testing::MatrixReleases();
    for (const MatrixFixture& f : testing::MatrixFixtures()) {
      const Cell* c = FindCell(f.cell);
      EXPECT_NE(c, nullptr) << testing::Describe(f) << ": a cell this test does not know";
      if (c == nullptr) continue;
      Reading r = Read(f, *c);
      EXPECT_TRUE(r.recognised) << testing::Describe(f) << ": " << r.error;
      out->cells[f.cell][f.release].push_back(std::move(r));
    }
    return out;
  }();
  return *m;
}

TEST(ReleaseMatrix, EveryCellHasARealFixtureFromEveryRelease) {
  const Matrix& m = ReadMatrix();
  ASSERT_GE(m.releases.size(), 3u) << "expected the Go 1.19, 1.26 and 1.27 manifests";
  for (const Cell& c : kCells) {
    for (const std::string& rel : m.releases) {
      if (testing::ReleaseMinor(rel) < c.since_minor) continue;
      auto cell = m.cells.find(c.cell);
      bool have = cell != m.cells.end() && cell->second.count(rel) > 0;
      EXPECT_TRUE(have) << "no Go " << rel << " fixture for cell " << c.cell
                        << " (scripts/gen-fixtures " << rel << ")";
    }
  }
}

TEST(ReleaseMatrix, DocsTableIsCurrent) {
  const Matrix& m = ReadMatrix();
  std::ostringstream md;
  md << "# Release matrix\n\n"
     << "Which Go releases godx is verified on, signal by signal. Every cell is real output of the\n"
     << "programs in `testdata/gen/`, built and run by that release (`scripts/gen-fixtures REL`;\n"
     << "the exact `go version` of each release is in `testdata/releases/`). A tick means godx\n"
     << "read every fixture of the cell as the signal it is, and the test named in the last column\n"
     << "checked godx's numbers against an independent reading of the same fixtures. After the tick:\n"
     << "the number of fixtures, then the Go release godx recognised from the input itself (`?`\n"
     << "where the format does not tell; `-` for inputs read inside `doctor`/`watch`/`run`).\n\n"
     << "Releases: ";
  for (size_t i = 0; i < m.releases.size(); ++i) {
    md << (i ? ", " : "") << testing::MatrixGoVersion(m.releases[i]).substr(11);
  }
  md << ". Generated by `src/cli/release_matrix_test.cc` (`GODX_UPDATE_GOLDEN=1` rewrites it).\n\n";
  md << "| cell | input |";
  for (const auto& rel : m.releases) md << " Go " << rel << " |";
  md << " checked by |\n|---|---|";
  for (size_t i = 0; i < m.releases.size(); ++i) md << "---|";
  md << "---|\n";
  for (const Cell& c : kCells) {
    md << "| " << c.cell << " | " << c.what << " |";
    for (const auto& rel : m.releases) {
      auto cell = m.cells.find(c.cell);
      if (testing::ReleaseMinor(rel) < c.since_minor) {
        md << " n/a (from 1." << c.since_minor << ") |";
        continue;
      }
      if (cell == m.cells.end() || cell->second.count(rel) == 0) {
        md << " **missing** |";
        continue;
      }
      const auto& readings = cell->second.at(rel);
      bool all = true;
      std::set<std::string> seen;
      for (const Reading& r : readings) {
        all = all && r.recognised;
        seen.insert(r.release);
      }
      std::string releases;
      for (const auto& s : seen) releases += (releases.empty() ? "" : "; ") + s;
      md << " " << (all ? "✓" : "✗") << " " << readings.size() << " · " << releases << " |";
    }
    md << " `" << c.checked_by << "` |\n";
  }
  testing::ExpectGolden(testing::SourceDir() + "/docs/release-matrix.md", md.str());
}

}  // namespace
}  // namespace godx
