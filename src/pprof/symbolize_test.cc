// Symbolisation from the binary: a profile written by a Go program (testdata/gen/pprofgen,
// built here with Go 1.26) is stripped to addresses through godx's writer, symbolised from the
// program's ELF symbols and DWARF lines, and compared with what the Go runtime itself wrote.
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "pprof/reader.h"
#include "pprof/symbolize.h"
#include "pprof/test_util.h"
#include "pprof/writer.h"
#include "testing/testing.h"

namespace godx::pprof {
namespace {

namespace fs = std::filesystem;

TEST(PprofSymbolize, AddressOnlyProfileGetsTheRuntimesNamesBack) {
  std::string skip;
  std::string bin = testing::GoBinary("1.26", "pprofgen", &skip);
  if (bin.empty()) GTEST_SKIP() << skip;
  std::string dir = ::testing::TempDir() + "/godx-symbolize";
  fs::create_directories(dir);
  ASSERT_EQ(std::system((bin + " -cpu 200ms -out " + dir + " >/dev/null 2>&1").c_str()), 0);
  Profile original = testutil::ReadFileProfile(dir + "/heap.pb.gz");
  ASSERT_GT(original.locations.size(), 0u);

  // Strip every location to its address, as a profiler without symbols writes it.
  Profile stripped = testutil::ReadFileProfile(dir + "/heap.pb.gz");
  for (Location& l : stripped.locations) l.line_count = 0;
  for (Mapping& m : stripped.mappings) m.has_functions = m.has_filenames = m.has_line_numbers = false;
  auto bytes = EncodeProfileFile(stripped);
  ASSERT_TRUE(bytes.ok());
  auto reread = testutil::ReadBytes("stripped.pb.gz", *bytes);
  ASSERT_TRUE(reread.ok()) << reread.status().message();
  Profile& p = *reread;
  for (const Location& l : p.locations) ASSERT_EQ(l.line_count, 0u);

  auto st = SymbolizeWithBinary(&p, bin);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->locations, original.locations.size());
  size_t same_fn = 0, same_line = 0, compared = 0;
  for (size_t i = 0; i < original.locations.size(); ++i) {
    auto want = original.LinesOf(original.locations[i]);
    auto got = p.LinesOf(p.locations[i]);
    if (want.empty()) continue;
    ++compared;
    if (got.empty()) {
      ADD_FAILURE() << "location " << i << " not symbolised";
      continue;
    }
    // The ELF symbol is the physical function (the last, outermost frame); the DWARF line is the
    // innermost (inlined) frame's.
    std::string_view want_fn = original.Str(original.functions[want.back().function].name);
    std::string_view got_fn = p.Str(p.functions[got[0].function].name);
    same_fn += want_fn == got_fn;
    EXPECT_EQ(got_fn, want_fn) << "location " << i;
    std::string want_line = std::string(original.Str(original.functions[want[0].function].filename)) + ":" +
                            std::to_string(want[0].line);
    std::string got_line = std::string(p.Str(p.functions[got[0].function].filename)) + ":" + std::to_string(got[0].line);
    // DWARF's line table and the runtime's pclntab can disagree by a line or two where code was
    // moved or inlined; the file:line must agree for almost every location, not all.
    same_line += want_line == got_line;
  }
  std::cout << "symbolised " << st->symbolized << " of " << st->locations << " locations; " << same_fn
            << " functions and " << same_line << " file:line of " << compared << " equal the runtime's\n";
  EXPECT_GT(compared, 20u);
  EXPECT_GE(same_line * 100, compared * 95) << same_line << " of " << compared << " file:line equal";
  fs::remove_all(dir);
}

TEST(PprofSymbolize, UnreadableBinaryIsAnErrorNamingIt) {
  Profile p = testutil::ReadFileProfile(testing::TestData("pprof/go1.26.8-heap.pb.gz"));
  auto st = SymbolizeWithBinary(&p, testing::TestData("pprof/go1.26.8-heap.debug1.txt"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("go1.26.8-heap.debug1.txt: not an ELF binary"), std::string::npos);
}

}  // namespace
}  // namespace godx::pprof
