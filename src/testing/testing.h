// Helpers for tests: where the fixtures are, where ../shared is (tests that need it skip visibly
// when it is absent), and running the godx binary as a user would.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/input.h"
#include "core/report.h"

namespace godx::testing {

// The repository's root (the source tree), e.g. for testdata/.
std::string SourceDir();
// Path of a file under testdata/.
std::string TestData(const std::string& relative);
// ../shared beside the repository (or $GODX_SHARED_DIR); nullopt when absent.
std::optional<std::string> SharedDir();
// Reads a whole file; fails the test when it cannot.
std::string ReadFile(const std::string& path);
// An Input over in-memory bytes named `name`.
Input InputFromString(const std::string& name, std::string bytes);

// The finding of `report` with id `id`, or nullptr.
const Finding* FindFinding(const Report& report, std::string_view id);

// Cuts `fixture` at every byte offset and reads each prefix with `count` (records read, 0 on a
// read error): nothing may crash, every complete line before the cut must be read, and the cut
// line may add at most one record. Line-oriented readers share this check.
void ExpectEveryCutReadsCompleteLines(const std::string& fixture,
                                      const std::function<size_t(const std::string&)>& count);

// Compares `actual` with the golden file at `path`. With GODX_UPDATE_GOLDEN=1 in the environment
// the file is rewritten instead (review the diff by hand before committing).
void ExpectGolden(const std::string& path, const std::string& actual);

// One fixture of the release matrix (testdata/releases/go<REL>.txt, written by
// scripts/gen-fixtures): the Go release that made it, the cell it stands for (e.g. "gctrace",
// "sigquit-system", "pprof-heap") and its path under testdata/.
struct MatrixFixture {
  std::string release;  // "1.19", "1.26", "1.27"
  std::string cell;
  std::string path;     // relative to testdata/
};
// The releases of the matrix, oldest first: one per manifest under testdata/releases/.
std::vector<std::string> MatrixReleases();
// The `go version` line that made the fixtures of `release`.
std::string MatrixGoVersion(const std::string& release);
// Every fixture of the matrix whose cell starts with `cell_prefix` ("" for all), in manifest
// order, releases oldest first. Fails the test when a manifest is unreadable or names a missing
// file: a cell without its fixture must fail, never skip.
std::vector<MatrixFixture> MatrixFixtures(std::string_view cell_prefix = "");
// The minor version of a matrix release: "1.27" → 27; of a go_release bound ("1.24" or null), -1
// for null.
int ReleaseMinor(const std::string& release);
int ReleaseMinor(const Json& bound);
// Expects a report's go_release (the envelope key) to be known and to hold `release`, the one
// that really wrote the fixture: min ≤ release ≤ max where each bound is set.
void ExpectReleaseWithin(const Json& go_release, const std::string& release);
// A readable test name of a fixture for SCOPED_TRACE: "go1.26 gctrace gclog/go1.26-gcleak.log".
std::string Describe(const MatrixFixture& f);

// testdata/gen/chatty's log with the program's JSON lines taken out: each line is cut where a
// '{"level"' record starts and joined with the next, which rebuilds the runtime records the JSON
// shredded (an independent reading for tests of the gctrace and schedtrace readers).
std::string CutChattyJson(const std::string& text);

// What a log collector makes of a real log: `prefix` before every line (kubectl logs
// --timestamps, --prefix) and, with `split_every` > 0, every split_every-th line that starts with
// `marker` cut in two where `cut_at` first occurs in it (at least one byte in) by a program line
// written between the runtime's writes, as testdata/gen/chatty's output shows such cuts: the first
// half with the program's JSON after it on one line, the rest of the record on the next, each
// line with the prefix. `*splits` counts the records cut.
std::string AsCollected(const std::string& text, const std::string& prefix,
                        const std::string& marker = "", const std::string& cut_at = "",
                        int split_every = 0, size_t* splits = nullptr);

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs the godx binary ($GODX_BIN, set by CTest) from the source directory with `args` (shell
// words, already quoted as needed), feeding `stdin_data`.
RunResult RunGodx(const std::string& args, const std::string& stdin_data = "");

// Builds testdata/gen/<name> with Go release `release` (scripts/go-release, in a copy of
// testdata/gen whose go.mod names that release) into the build tree, once: a binary newer than
// its source is reused by every test process. `experiment` is a GOEXPERIMENT value (e.g.
// goroutineleakprofile on Go 1.26), cached in a directory of its own. Returns the binary's path;
// "" with `*skip` set when the release is unavailable here (scripts/go-release exit 3), and ""
// with a test failure when the build fails.
std::string GoBinary(const std::string& release, const std::string& name, std::string* skip,
                     const std::string& experiment = "");

// Runs godx with `args` (which must ask for --json) and returns the one envelope of kind `kind`
// it printed (analyze prints an array of them); fails the test and returns {} when there is none.
Json GodxEnvelope(const std::string& args, std::string_view kind);

}  // namespace godx::testing

// Skips the current test, with a message naming what is missing, when ../shared is absent.
#define GODX_REQUIRE_SHARED(var)                                                   \
  auto var##_opt = ::godx::testing::SharedDir();                                   \
  if (!var##_opt) GTEST_SKIP() << "../shared is absent: skipping the corpus test"; \
  const std::string var = *var##_opt
