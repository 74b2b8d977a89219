#include "testing/testing.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace godx::testing {

std::string SourceDir() { return GODX_SOURCE_DIR; }

std::string TestData(const std::string& relative) {
  return SourceDir() + "/testdata/" + relative;
}

std::optional<std::string> SharedDir() {
  if (const char* env = std::getenv("GODX_SHARED_DIR")) {
    if (std::filesystem::is_directory(env)) return std::string(env);
  }
  auto p = std::filesystem::path(SourceDir()).parent_path() / "shared";
  if (std::filesystem::is_directory(p / "corpus")) return p.string();
  return std::nullopt;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f.good()) << "cannot read " << path;
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Input InputFromString(const std::string& name, std::string bytes) {
  auto r = Input::FromBytes(name, std::move(bytes));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return std::move(r).value();
}

void ExpectEveryCutReadsCompleteLines(const std::string& fixture,
                                      const std::function<size_t(const std::string&)>& count) {
  size_t full = count(fixture);
  ASSERT_GT(full, 0u);
  size_t last = 0;
  for (size_t cut = 0; cut <= fixture.size(); ++cut) {
    std::string prefix = fixture.substr(0, cut);
    size_t n = count(prefix);
    size_t complete = count(prefix.substr(0, prefix.rfind('\n') + 1));
    EXPECT_GE(n, complete) << "cut at " << cut;
    EXPECT_LE(n, complete + 1) << "cut at " << cut;
    last = n;
  }
  EXPECT_EQ(last, full);
}

std::vector<std::string> MatrixReleases() {
  std::vector<std::pair<std::pair<int, int>, std::string>> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(TestData("releases"), ec)) {
    std::string name = e.path().filename().string();  // go1.26.txt
    int major = 0, minor = 0;
    if (std::sscanf(name.c_str(), "go%d.%d.txt", &major, &minor) == 2) {
      found.push_back({{major, minor}, std::to_string(major) + "." + std::to_string(minor)});
    }
  }
  EXPECT_FALSE(found.empty()) << "no manifests under testdata/releases/";
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [key, rel] : found) out.push_back(rel);
  return out;
}

std::string MatrixGoVersion(const std::string& release) {
  std::istringstream in(ReadFile(TestData("releases/go" + release + ".txt")));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# go version ", 0) == 0) return line.substr(2);
  }
  ADD_FAILURE() << "testdata/releases/go" << release << ".txt names no go version";
  return "";
}

std::vector<MatrixFixture> MatrixFixtures(std::string_view cell_prefix) {
  std::vector<MatrixFixture> out;
  for (const auto& rel : MatrixReleases()) {
    std::istringstream in(ReadFile(TestData("releases/go" + rel + ".txt")));
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      size_t tab = line.find('\t');
      if (tab == std::string::npos) {
        ADD_FAILURE() << "testdata/releases/go" << rel << ".txt:" << line_no
                      << ": expected CELL<TAB>PATH";
        continue;
      }
      MatrixFixture f{rel, line.substr(0, tab), line.substr(tab + 1)};
      if (f.cell.rfind(cell_prefix, 0) != 0) continue;
      EXPECT_TRUE(std::filesystem::exists(TestData(f.path)))
          << "testdata/releases/go" << rel << ".txt:" << line_no << ": " << f.path << " is missing";
      out.push_back(std::move(f));
    }
  }
  return out;
}

int ReleaseMinor(const std::string& release) {
  return std::stoi(release.substr(release.find('.') + 1));
}

int ReleaseMinor(const Json& bound) {
  return bound.is_string() ? ReleaseMinor(bound.get<std::string>()) : -1;
}

void ExpectReleaseWithin(const Json& go_release, const std::string& release) {
  ASSERT_TRUE(go_release.is_object()) << "no go_release in the report: format not recognised";
  int rel = ReleaseMinor(release);
  if (go_release["min"].is_string()) {
    EXPECT_LE(ReleaseMinor(go_release["min"]), rel) << go_release.dump();
  }
  if (go_release["max"].is_string()) {
    EXPECT_GE(ReleaseMinor(go_release["max"]), rel) << go_release.dump();
  }
}

std::string Describe(const MatrixFixture& f) {
  return "go" + f.release + " " + f.cell + " " + f.path;
}

const Finding* FindFinding(const Report& report, std::string_view id) {
  for (const auto& f : report.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

void ExpectGolden(const std::string& path, const std::string& actual) {
  if (std::getenv("GODX_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(ReadFile(path), actual) << "golden " << path;
}

std::string CutChattyJson(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    size_t json = line.find("{\"level\"");
    out += json == std::string::npos ? line + "\n" : line.substr(0, json);
  }
  return out;
}

std::string AsCollected(const std::string& text, const std::string& prefix,
                        const std::string& marker, const std::string& cut_at, int split_every,
                        size_t* splits) {
  const std::string program =
      R"({"level":"info","ts":"2026-12-02T10:44:58.032973317Z","msg":"request served"})";
  std::istringstream in(text);
  std::string line, out;
  size_t records = 0, cut_records = 0;
  while (std::getline(in, line)) {
    size_t cut = split_every > 0 && line.starts_with(marker) ? line.find(cut_at, 1)
                                                             : std::string::npos;
    if (cut != std::string::npos && ++records % split_every == 0) {
      out += prefix + line.substr(0, cut) + program + "\n" + prefix + line.substr(cut) + "\n";
      ++cut_records;
      continue;
    }
    out += prefix + line + "\n";
  }
  if (splits != nullptr) *splits = cut_records;
  return out;
}

RunResult RunGodx(const std::string& args, const std::string& stdin_data) {
  const char* bin = std::getenv("GODX_BIN");
  RunResult r;
  if (bin == nullptr) {
    ADD_FAILURE() << "GODX_BIN is not set (run the tests through ctest)";
    return r;
  }
  char in_path[] = "/tmp/godx-test-in-XXXXXX";
  char out_path[] = "/tmp/godx-test-out-XXXXXX";
  char err_path[] = "/tmp/godx-test-err-XXXXXX";
  int in_fd = mkstemp(in_path), out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
  if (write(in_fd, stdin_data.data(), stdin_data.size()) != ssize_t(stdin_data.size())) {
    ADD_FAILURE() << "cannot write stdin file";
  }
  close(in_fd);
  close(out_fd);
  close(err_fd);
  // Runs from the source tree so that inputs are named as a user would type them.
  std::string cmd = "cd '" + SourceDir() + "' && " + std::string(bin) + " " + args + " <" +
                    in_path + " >" + out_path + " 2>" + err_path;
  int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  unlink(in_path);
  unlink(out_path);
  unlink(err_path);
  return r;
}

Json GodxEnvelope(const std::string& args, std::string_view kind) {
  RunResult run = RunGodx(args);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << "godx " << args << ": " << run.err;
  Json j = Json::parse(run.out, nullptr, false);
  for (const Json& e : j.is_array() ? j : Json::array({j})) {
    if (e.is_object() && e.value("kind", "") == kind) return e;
  }
  ADD_FAILURE() << "godx " << args << ": no '" << kind << "' report in " << run.out.substr(0, 300);
  return Json::object();
}

namespace {

namespace fs = std::filesystem;

// Runs a shell command, returning its exit status (-1 when it did not exit).
int Shell(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

// Built under a temporary name and renamed, so two tests running at once never see half a
// binary; builds take a lock, so only one refreshes the copy of testdata/gen at a time.
std::string GoBinary(const std::string& rel, const std::string& name, std::string* skip,
                     const std::string& experiment) {
  // The experiment names the directory, not the binary: the process keeps its own name.
  std::string dir = std::string(GODX_GO_BIN_DIR) + "/go" + rel +
                    (experiment.empty() ? "" : "-X:" + experiment);
  std::string bin = dir + "/" + name;
  std::string src = SourceDir() + "/testdata/gen/" + name + "/main.go";
  std::error_code ec;
  if (fs::exists(bin, ec) && fs::last_write_time(bin, ec) >= fs::last_write_time(src, ec)) {
    return bin;
  }
  // A nested program (scenario/nilmap) gets the same nesting in the cache; its log stays flat.
  fs::create_directories(fs::path(bin).parent_path(), ec);
  std::string script = SourceDir() + "/scripts/go-release " + rel;
  std::string flat = name;
  for (char& c : flat) {
    if (c == '/') c = '-';
  }
  std::string log = dir + "/build-" + flat + ".log";
  // The copy of testdata/gen lives in the build tree too, away from the fixture generators'.
  std::string env = "GODX_GEN_ROOT=" + std::string(GODX_GO_BIN_DIR) + "/gen ";
  int st = Shell(env + script + " version >" + log + " 2>&1");
  if (st == 3) {
    std::string why = ReadFile(log);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    *skip = "skipping Go " + rel + " (scripts/go-release exit 3): " + why;
    return "";
  }
  std::string tmp = bin + ".tmp" + std::to_string(getpid());
  // One build at a time (ctest -j): gen-dir refreshes the shared copy of testdata/gen in place,
  // which a build running beside it could read half-written.
  std::string cmd = "(flock 9 && cd \"$(" + env + script + " gen-dir)\" && GOEXPERIMENT=" +
                    experiment + " " + script + " go build -trimpath -o " + tmp + " ./" + name +
                    ") >" + log + " 2>&1 9>" + GODX_GO_BIN_DIR + "/build.lock";
  st = Shell(cmd);
  if (st != 0) {
    ADD_FAILURE() << "building " << name << " with Go " << rel << " failed (" << st
                  << "): " << ReadFile(log);
    return "";
  }
  fs::rename(tmp, bin, ec);
  return ec ? "" : bin;
}

}  // namespace godx::testing
