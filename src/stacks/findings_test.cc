// Findings on dumps made for them (scripts/gen-stacks-finding-fixtures, every release of the
// matrix): the other side of a concurrent map access (testdata/gen/stackmap), goroutines stuck
// in a system call (testdata/gen/stacksyscall) and its healthy twin, and `godx stacks` and
// `godx analyze` agreeing on a leaking server's debug=1 profile (testdata/live/*/leaky-bundle).
// Expectations come from reading the fixture text independently (headers, call lines).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <set>
#include <sstream>

#include "stacks/analyze.h"
#include "stacks/filter.h"
#include "stacks/reader.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

using godx::testing::FindFinding;
using godx::testing::ReadFile;
using godx::testing::RunGodx;
using godx::testing::TestData;

const char* kReleases[] = {"1.19", "1.26", "1.27"};

std::string FindingFixture(const std::string& rel, const std::string& what) {
  return TestData(fmt::format("stacks/findings/go{}-{}", rel, what));
}

Dump Read(const std::string& path) {
  auto d = ReadDump(godx::testing::InputFromString(path, ReadFile(path)));
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? std::move(d).value() : Dump{};
}

// The goroutine blocks of a dump's text by id: header line and the lines up to the blank one.
std::map<uint64_t, std::string> Blocks(const std::string& text) {
  std::map<uint64_t, std::string> out;
  std::istringstream in(text);
  std::string line;
  uint64_t id = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("goroutine ") && line.ends_with(":")) {
      id = std::stoull(line.substr(10));
      out[id] = line + "\n";
    } else if (line.empty()) {
      id = 0;
    } else if (id != 0) {
      out[id] += line + "\n";
    }
  }
  return out;
}

bool Executing(const std::string& block) {
  std::string header = block.substr(0, block.find('\n'));
  return header.find("[running") != std::string::npos ||
         header.find("[runnable") != std::string::npos;
}

TEST(StacksFindings, ConcurrentMapAccessNamesTheOtherGoroutine) {
  for (const char* rel : kReleases) {
    for (const char* mode : {"writes", "read", "iter"}) {
      const std::string path = FindingFixture(rel, fmt::format("mapcache-{}.txt", mode));
      SCOPED_TRACE(path);
      const std::string text = ReadFile(path);
      Dump d = Read(path);
      ASSERT_EQ(d.crashes.size(), 1u);
      const Crash& c = d.crashes[0];
      EXPECT_TRUE(c.message.starts_with("concurrent map ")) << c.message;
      EXPECT_TRUE(c.others_printed);
      auto blocks = Blocks(text);
      // Independently: goroutines other than the crashed one that were executing in main's code
      // or the cache's, and those sharing a word with the crashed goroutine's block.
      std::set<uint64_t> executing;
      for (const auto& [id, block] : blocks)
        if (id != uint64_t(c.goroutine) && Executing(block) &&
            (block.find("\nmain.") != std::string::npos ||
             block.find("sessions%2ev1") != std::string::npos ||
             // running elsewhere: no frames, only its creator
             (block.find("stack unavailable") != std::string::npos &&
              block.find("\ncreated by main.") != std::string::npos)))
          executing.insert(id);
      if (executing.empty()) {
        EXPECT_TRUE(c.map_peers.empty());
        continue;
      }
      ASSERT_FALSE(c.map_peers.empty());
      for (const MapPeer& p : c.map_peers) {
        EXPECT_TRUE(executing.count(p.goroutine)) << p.goroutine;
        const std::string& block = blocks[p.goroutine];
        EXPECT_NE(block.find(fmt::format(".go:{}", p.frame.line)), std::string::npos);
        EXPECT_EQ(p.stack_unavailable, block.find("stack unavailable") != std::string::npos);
        if (!p.word.empty()) {
          EXPECT_NE(block.find(p.word), std::string::npos) << p.word;
          EXPECT_NE(blocks[uint64_t(c.goroutine)].find(p.word), std::string::npos) << p.word;
        }
      }
      Report r = AnalyzeDump(d);
      const Finding* f = FindFinding(r, "concurrent-map-access");
      ASSERT_NE(f, nullptr);
      const MapPeer& top = c.map_peers.front();
      if (!top.word.empty() || c.map_peers.size() == 1) {
        EXPECT_NE(f->title.find(fmt::format("likely with goroutine {}{} ", top.goroutine,
                                            top.stack_unavailable ? ", running elsewhere, created by"
                                                                  : " at")),
                  std::string::npos)
            << f->title;
      }
      bool named = false;
      for (const std::string& e : f->evidence)
        if (e.starts_with(fmt::format("the other side: goroutine {} ", top.goroutine)))
          named = true;
      EXPECT_TRUE(named);
    }
  }
}

// The release matrix's map crashes (testdata/gen/stackcrash: main and a goroutine in writeMap,
// inlined, so no argument words): the other goroutine executing the program's code is named.
// Cut to the crashed goroutine alone, the finding says how to see the other one.
TEST(StacksFindings, MatrixMapCrashesAndTheCrashedGoroutineAlone) {
  for (const char* rel : kReleases) {
    for (const char* form : {"mapwrite.txt", "mapwrite-all.txt"}) {
      const std::string path = TestData(fmt::format("stacks/go{}-{}", rel, form));
      SCOPED_TRACE(path);
      const std::string text = ReadFile(path);
      Dump d = Read(path);
      ASSERT_EQ(d.crashes.size(), 1u);
      const Crash& c = d.crashes[0];
      // Go 1.19 prints every goroutine on this fatal error even with GOTRACEBACK=single; later
      // releases only the crashed one.
      if (Blocks(text).size() > 1) {
        ASSERT_FALSE(c.map_peers.empty());
        const MapPeer& p = c.map_peers.front();
        const std::string block = Blocks(text)[p.goroutine];
        EXPECT_TRUE(Executing(block)) << block;
        EXPECT_NE(block.find("main.writeMap("), std::string::npos) << block;
        EXPECT_EQ(d.Str(p.frame.function), "main.writeMap");
      } else {
        EXPECT_FALSE(c.others_printed);
      }

      // The crash text and the crashed goroutine's block only.
      size_t end = text.find("\n\n", text.find("\ngoroutine "));
      std::string alone = end == std::string::npos ? text : text.substr(0, end + 1);
      auto cut = ReadDump(godx::testing::InputFromString("alone.txt", alone));
      ASSERT_TRUE(cut.ok());
      ASSERT_EQ(cut->goroutines, 1u);
      EXPECT_FALSE(cut->crashes[0].others_printed);
      Report r = AnalyzeDump(*cut);
      const Finding* f = FindFinding(r, "concurrent-map-access");
      ASSERT_NE(f, nullptr);
      bool asks = false;
      for (const std::string& e : f->evidence) asks |= e.find("GOTRACEBACK=all") != std::string::npos;
      EXPECT_TRUE(asks);
    }
  }
}

// Go escapes the '.' of "sessions.v1" in symbol names: the reader decodes it for display,
// filters and user-code detection.
TEST(StacksFindings, EscapedImportPathsAreDecoded) {
  for (const char* rel : kReleases) {
    const std::string path = FindingFixture(rel, "mapcache-writes.txt");
    SCOPED_TRACE(path);
    ASSERT_NE(ReadFile(path).find("sessions%2ev1."), std::string::npos);
    Dump d = Read(path);
    ASSERT_EQ(d.crashes.size(), 1u);
    bool decoded = false;
    for (const Frame& f : d.crashes[0].stack) {
      std::string_view fn = d.Str(f.function);
      EXPECT_EQ(fn.find('%'), std::string_view::npos) << fn;
      if (fn == "godx.test/gen/stackmap/sessions.v1.(*Cache).Put") {
        decoded = true;
        EXPECT_FALSE(IsStdlibFunction(fn, d.Str(f.file), d.goroot));
      }
    }
    EXPECT_TRUE(decoded);
    const Crash& c = d.crashes[0];
    ASSERT_GE(c.culprit, 0);
    EXPECT_EQ(d.Str(c.stack[size_t(c.culprit)].function),
              "godx.test/gen/stackmap/sessions.v1.(*Cache).Put");
    FilterOptions focus;
    focus.focus = R"(sessions\.v1\.\(\*Cache\))";
    ASSERT_TRUE(FilterDump(&d, focus).ok());
    EXPECT_GE(d.goroutines, 1u);
  }
  std::string scratch;
  EXPECT_EQ(UnescapeFunctionName("gopkg.in/yaml%2ev2.handleErr", &scratch),
            "gopkg.in/yaml.v2.handleErr");
  EXPECT_EQ(UnescapeFunctionName("main.(*T).Run", &scratch), "main.(*T).Run");
  EXPECT_EQ(UnescapeFunctionName("a/b%zz.F%2", &scratch), "a/b%zz.F%2");
}

// The number of goroutines in the fixture's text that are in a syscall with `site` among their
// frames.
uint64_t CountAt(const std::string& text, const std::string& site) {
  uint64_t n = 0;
  for (const auto& [id, block] : Blocks(text))
    if (block.find("[syscall") != std::string::npos && block.find(site) != std::string::npos) ++n;
  return n;
}

TEST(StacksFindings, GoroutinesStuckInOneSyscallSite) {
  for (const char* rel : kReleases) {
    for (const char* form : {"syscall.debug2.txt", "syscall-sigquit.txt"}) {
      const std::string path = FindingFixture(rel, form);
      SCOPED_TRACE(path);
      const std::string text = ReadFile(path);
      const uint64_t stuck = CountAt(text, "main.(*tailer).readChunk(");
      ASSERT_EQ(stuck, 25u);
      Report r = AnalyzeDump(Read(path));
      const Finding* f = FindFinding(r, "stuck-in-syscall");
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->severity, Severity::kWarning);
      EXPECT_TRUE(f->title.starts_with("25 goroutines are in a system call at "
                                       "main.(*tailer).readChunk at main.go:"))
          << f->title;
      // The site's line as the dump prints it, under the call line.
      size_t call = text.find("main.(*tailer).readChunk(");
      size_t colon = text.find("main.go:", call);
      std::string line = text.substr(colon, text.find_first_of(" \n", colon) - colon);
      EXPECT_NE(f->title.find(line), std::string::npos) << line;
      bool threads = false;
      for (const std::string& e : f->evidence) threads |= e.starts_with("each holds an OS thread: 25");
      EXPECT_TRUE(threads);
      int count = 0;
      for (const Finding& g : r.findings) count += g.id == "stuck-in-syscall";
      EXPECT_EQ(count, 1);
    }
  }
}

TEST(StacksFindings, HealthySyscallTwinRaisesNothing) {
  for (const char* rel : kReleases) {
    const std::string path = FindingFixture(rel, "syscall-few.debug2.txt");
    SCOPED_TRACE(path);
    ASSERT_EQ(CountAt(ReadFile(path), "main.(*tailer).readChunk("), 2u);
    Report r = AnalyzeDump(Read(path));
    for (const Finding& f : r.findings) EXPECT_LT(f.severity, Severity::kWarning) << f.title;
    EXPECT_EQ(FindFinding(r, "stuck-in-syscall"), nullptr);
  }
}

// Ten goroutines at one site without wait times are a warning; three are not (cut from the real
// debug=2 dump: its first N tailer goroutines and the rest).
TEST(StacksFindings, SyscallThresholdFollowsTheCount) {
  const std::string text = ReadFile(FindingFixture("1.26", "syscall.debug2.txt"));
  for (uint64_t keep : {3u, 10u}) {
    std::string cut;
    uint64_t kept = 0;
    for (const auto& [id, block] : Blocks(text)) {
      if (block.find("readChunk") != std::string::npos && kept++ >= keep) continue;
      cut += block + "\n";
    }
    auto cd = ReadDump(godx::testing::InputFromString("cut.txt", cut));
    ASSERT_TRUE(cd.ok());
    Report r = AnalyzeDump(*cd);
    const Finding* f = FindFinding(r, "stuck-in-syscall");
    if (keep == 3) {
      EXPECT_EQ(f, nullptr);
    } else {
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->severity, Severity::kWarning);
      EXPECT_TRUE(f->title.starts_with("10 goroutines")) << f->title;
    }
  }
}

// The corpus' panicweb capture: one goroutine "[syscall, 2 minutes]" in x/sys/unix.Nanosleep, the
// only one in a syscall among 71: an info with the wait, not a warning.
TEST(StacksFindings, OneGoroutineInALongSyscallIsInfo) {
  GODX_REQUIRE_SHARED(shared);
  const std::string path = shared + "/corpus/dumps/panicparse_panicweb_pprof_goroutine_debug2_da0aba9f.txt";
  const std::string text = ReadFile(path);
  ASSERT_EQ(CountAt(text, "syscall.Syscall("), 1u);
  ASSERT_NE(text.find("[syscall, 2 minutes]"), std::string::npos);
  Report r = AnalyzeDump(Read(path));
  const Finding* f = FindFinding(r, "stuck-in-syscall");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_TRUE(f->title.starts_with("1 goroutine is in a system call at ")) << f->title;
  EXPECT_TRUE(f->title.ends_with(", for 2 min")) << f->title;
}

// The first record of a debug=1 profile ("N @ ...") and its total.
std::pair<uint64_t, uint64_t> FirstRecord(const std::string& text) {
  uint64_t total = std::stoull(text.substr(text.find("total ") + 6));
  size_t nl = text.find('\n');
  return {std::stoull(text.substr(nl + 1)), total};
}

TEST(StacksFindings, StacksAndAnalyzeAgreeOnADebug1Profile) {
  for (const char* rel : kReleases) {
    const std::string rel_path =
        fmt::format("testdata/live/go{}/leaky-bundle/goroutine.debug1.end.txt", rel);
    SCOPED_TRACE(rel_path);
    auto [top, total] = FirstRecord(ReadFile(TestData(rel_path.substr(9))));
    auto stacks = RunGodx("stacks --json " + rel_path);
    auto analyze = RunGodx("analyze --json " + rel_path);
    ASSERT_EQ(stacks.exit_code, 0) << stacks.err;
    ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
    Json s = Json::parse(stacks.out), a = Json::parse(analyze.out);
    // One report each, both the stacks reading (no second count-profile reading of it).
    if (s.is_array()) s = s.at(0);
    ASSERT_TRUE(a.is_object() || a.size() == 1u) << analyze.out.substr(0, 400);
    if (a.is_array()) a = a.at(0);
    EXPECT_EQ(a["kind"], "stacks");
    EXPECT_EQ(s["findings"], a["findings"]);
    EXPECT_EQ(s["summary"]["goroutines"], a["summary"]["goroutines"]);
    Json f;
    for (const Json& g : s["findings"])
      if (g["id"] == "shared-stack") f = g;
    ASSERT_TRUE(f.is_object()) << s["findings"].dump();
    EXPECT_EQ(f["title"].get<std::string>().rfind(fmt::format("{} of {} goroutines share one "
                                                               "stack at main.leakyWorker",
                                                               top, total),
                                                   0),
              0u)
        << f["title"];
  }
}

}  // namespace
}  // namespace godx::stacks
