// Dumps as log collectors, test runners and viewers pass them on: every line behind a prefix
// (kubectl logs --timestamps / --prefix, docker compose), re-indented by spaces or a tab, file
// lines indented by a few spaces instead of a tab. Each case transforms a real fixture and
// expects the same reading as the fixture itself.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sstream>

#include "stacks/reader.h"
#include "testing/testing.h"

namespace godx::stacks {
namespace {

std::string FixtureText(const std::string& name) {
  return godx::testing::ReadFile(godx::testing::TestData("stacks/" + name));
}

Result<Dump> ReadText(const std::string& text) {
  return ReadDump(godx::testing::InputFromString("collected.txt", text));
}

// `make(i)` before the i-th line.
template <typename F>
std::string EachLine(const std::string& text, F make) {
  std::istringstream in(text);
  std::string line, out;
  for (int i = 0; std::getline(in, line); ++i) out += make(i) + line + "\n";
  return out;
}

// kubectl logs --timestamps: RFC 3339 with nanoseconds, trailing zeros dropped.
std::string KubectlTime(int i) {
  std::string frac = fmt::format("{:09d}", 123456789 + i * 1000);
  while (frac.back() == '0') frac.pop_back();
  return fmt::format("2024-08-09T01:45:{:02d}.{}Z ", 13 + i / 1000 % 40, frac);
}

// The parts of a reading a prefix must not change.
void ExpectSameReading(const Dump& want, const Dump& got) {
  EXPECT_EQ(got.goroutines, want.goroutines);
  EXPECT_EQ(got.sections, want.sections);
  EXPECT_EQ(got.other_lines, want.other_lines);
  EXPECT_EQ(got.truncated, want.truncated) << got.truncated_why;
  EXPECT_EQ(got.threads_without_goroutine, want.threads_without_goroutine);
  EXPECT_EQ(got.races.size(), want.races.size());
  ASSERT_EQ(got.crashes.size(), want.crashes.size());
  for (size_t i = 0; i < want.crashes.size(); ++i) {
    EXPECT_EQ(got.crashes[i].message, want.crashes[i].message);
    EXPECT_EQ(got.crashes[i].goroutine, want.crashes[i].goroutine);
    EXPECT_EQ(got.crashes[i].culprit, want.crashes[i].culprit);
    EXPECT_EQ(got.crashes[i].stack.size(), want.crashes[i].stack.size());
  }
  ASSERT_EQ(got.buckets.size(), want.buckets.size());
  for (size_t i = 0; i < want.buckets.size(); ++i) {
    const Bucket &a = want.buckets[i], &b = got.buckets[i];
    EXPECT_EQ(b.count, a.count);
    EXPECT_EQ(got.Str(b.state()), want.Str(a.state()));
    EXPECT_EQ(got.Str(b.created_by.function), want.Str(a.created_by.function));
    ASSERT_EQ(b.frames.size(), a.frames.size()) << "bucket " << i;
    for (size_t k = 0; k < a.frames.size(); ++k) {
      EXPECT_EQ(got.Str(b.frames[k].function), want.Str(a.frames[k].function));
      EXPECT_EQ(got.Str(b.frames[k].file), want.Str(a.frames[k].file));
      EXPECT_EQ(b.frames[k].line, a.frames[k].line);
    }
  }
}

// Real fixtures of each dump form: a panic with every goroutine, a SIGQUIT dump with system
// frames and labels, debug=1 and debug=2 profiles, a race report, net/http's recovered panic,
// `go test` output, a concurrent map write.
const char* kForms[] = {"go1.19-panic-all.txt",       "go1.26-sigquit-system.txt",
                        "go1.27-sigquit-labels.txt",  "go1.26-leak-1.debug1.txt",
                        "go1.27-leak-2.debug2.txt",   "go1.26-race.txt",
                        "go1.26-http-panic.txt",      "go1.19-gotest.txt",
                        "go1.27-mapwrite-all.txt",    "go1.26-sigquit-crash.txt"};

TEST(StacksPrefix, KubectlTimestampsPodNamesAndComposeColumns) {
  for (const char* name : kForms) {
    const std::string text = FixtureText(name);
    auto want = ReadText(text);
    ASSERT_TRUE(want.ok()) << want.status().message();
    for (int form = 0; form < 3; ++form) {
      SCOPED_TRACE(fmt::format("{} form {}", name, form));
      std::string collected = EachLine(text, [&](int i) {
        return form == 0 ? KubectlTime(i) : form == 1 ? std::string("[pod/api-7d9f8/app] ")
                                                      : std::string("api-1  | ");
      });
      auto got = ReadText(collected);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ExpectSameReading(*want, *got);
    }
  }
}

TEST(StacksPrefix, ReindentedBySpacesOrATab) {
  for (const char* name : kForms) {
    const std::string text = FixtureText(name);
    auto want = ReadText(text);
    ASSERT_TRUE(want.ok()) << want.status().message();
    for (const char* indent : {"    ", "\t", "  "}) {
      SCOPED_TRACE(fmt::format("{} indented by '{}'", name, indent));
      // Blank lines stay empty, as editors and test runners leave them.
      std::istringstream in(text);
      std::string line, out;
      while (std::getline(in, line)) out += (line.empty() ? "" : indent) + line + "\n";
      auto got = ReadText(out);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ExpectSameReading(*want, *got);
    }
  }
}

TEST(StacksPrefix, FileLinesIndentedByFewSpaces) {
  for (const char* name : {"go1.19-panic-all.txt", "go1.26-sigquit-system.txt",
                           "go1.27-leak-2.debug2.txt", "go1.26-mapwrite-all.txt"}) {
    const std::string text = FixtureText(name);
    auto want = ReadText(text);
    ASSERT_TRUE(want.ok()) << want.status().message();
    for (int spaces = 1; spaces <= 3; ++spaces) {
      SCOPED_TRACE(fmt::format("{} with {} spaces", name, spaces));
      std::istringstream in(text);
      std::string line, out;
      while (std::getline(in, line)) {
        if (line.starts_with("\t")) line = std::string(size_t(spaces), ' ') + line.substr(1);
        out += line + "\n";
      }
      auto got = ReadText(out);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ExpectSameReading(*want, *got);
    }
  }
}

// A prefixed dump among other writers' lines: the dump ends where the prefix stops, and the
// lines around it are text, counted once.
TEST(StacksPrefix, OtherWritersAroundAPrefixedDump) {
  const std::string text = FixtureText("go1.26-panic-all.txt");
  auto want = ReadText(text);
  ASSERT_TRUE(want.ok());
  std::string collected = "I0809 01:45:12.000001 server.go:12] ready\n" +
                          EachLine(text, [](int i) { return KubectlTime(i); }) +
                          "I0809 01:45:14.000001 server.go:40] restarting\n";
  auto got = ReadText(collected);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->goroutines, want->goroutines);
  EXPECT_EQ(got->buckets.size(), want->buckets.size());
  EXPECT_EQ(got->other_lines, want->other_lines + 2);
  ASSERT_EQ(got->crashes.size(), 1u);
  EXPECT_EQ(got->crashes[0].message, want->crashes[0].message);
}

// "panic: " inside an application's own prefixed log line, with no stack after it, is not a crash.
TEST(StacksPrefix, PanicWordInALogLineIsNotACrash) {
  std::string log =
      "2024-08-09T01:45:13.1Z level=error msg=\"recovered\" err=\"handler panic: boom\"\n"
      "2024-08-09T01:45:13.2Z level=info msg=\"request served\" status=500\n";
  auto d = ReadText(log);
  EXPECT_FALSE(d.ok());
  // With a real dump after it in the same log, the dump is found and the line stays text.
  const std::string text = FixtureText("go1.19-panic.txt");
  auto want = ReadText(text);
  ASSERT_TRUE(want.ok());
  auto got = ReadText(log + EachLine(text, [](int i) { return KubectlTime(i); }));
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->crashes.size(), 1u);
  EXPECT_EQ(got->crashes[0].message, want->crashes[0].message);
  EXPECT_EQ(got->other_lines, want->other_lines + 2);
}

// The streaming command passes the lines around a prefixed dump through as they were.
TEST(StacksPrefix, TextAroundAPrefixedDumpStreamsUnstripped) {
  const std::string text = FixtureText("go1.19-gotest.txt");
  std::string collected = EachLine(text, [](int) { return std::string("[pod/t/c] "); });
  DumpParser parser("stdin");
  std::vector<std::string> texts;
  parser.set_text_sink([&](std::string_view l) { texts.emplace_back(l); });
  std::istringstream in(collected);
  std::string line;
  while (std::getline(in, line)) parser.Line(line);
  parser.Finish(true, collected.size());
  Dump d = parser.Take();
  EXPECT_GT(d.goroutines, 0u);
  ASSERT_FALSE(texts.empty());
  for (const std::string& t : texts) EXPECT_TRUE(t.starts_with("[pod/t/c] ")) << t;
  EXPECT_EQ(texts.size(), d.other_lines);
}

}  // namespace
}  // namespace godx::stacks
