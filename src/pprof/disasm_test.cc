// -disasm and -weblist on a real program: testdata/gen/pprofgen built with Go 1.26 and run here to
// write its CPU profile, then `godx pprof -disasm` compared with Go 1.26's own `go tool pprof
// -disasm` on the same binary and profile, and `-weblist` checked to hold every sampled line and
// instruction.
#include "pprof/disasm.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "testing/testing.h"

namespace godx::pprof {
namespace {

namespace fs = std::filesystem;

// Collapses runs of blanks, drops blank lines.
std::vector<std::string> NormalizedLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string w, norm;
    while (words >> w) norm += (norm.empty() ? "" : " ") + w;
    if (!norm.empty()) out.push_back(norm);
  }
  return out;
}

// A -disasm listing with the instruction text left out: godx runs binutils' objdump (GNU
// syntax), `go tool pprof` Go's own disassembler (Go assembler syntax), so only the text of the
// instructions may differ. Headers are kept whole; an instruction is "flat cum addr ;location".
// Go's disassembler prints "?" per byte where it cannot decode (the truncated last instruction
// pprof asks for, as a symbol's End is its last byte; SHA-NI and other instructions it does not
// know): `cut` collects, per routine, the address of its first "?" (from Go's listing).
struct Skeleton {
  std::vector<std::string> lines;
  std::vector<uint64_t> addresses;  // 0 for header lines
  std::map<std::string, uint64_t> first_unknown, last_address;
};
Skeleton DisasmSkeleton(const std::string& text) {
  static const std::regex inst(R"(^(\S+) (\S+) ([0-9a-f]+): (.*)$)");
  // Go's assembler syntax has ';' inside instructions ("REP; STOSQ ..."): the location is the
  // last ";[FUNCTION ]FILE:LINE".
  static const std::regex loc_re(R"(;(\S+ )?[^ ;]+:\d+$)");
  Skeleton out;
  std::string pending_loc, routine;
  for (const std::string& line : NormalizedLines(text)) {
    std::smatch m;
    if (line[0] == ';') {  // a long instruction's location, printed on the line above it
      pending_loc = line;
      continue;
    }
    if (std::regex_match(line, m, inst)) {
      std::string rest = m[4];
      uint64_t addr = std::stoull(m[3], nullptr, 16);
      if ((rest == "?" || rest.rfind("? ;", 0) == 0) && !out.first_unknown.count(routine)) {
        out.first_unknown[routine] = addr;
      }
      out.last_address[routine] = addr;
      std::smatch lm;
      std::string loc = pending_loc;
      if (std::regex_search(rest, lm, loc_re)) loc = lm.str(0);
      out.lines.push_back(std::string(m[1]) + " " + std::string(m[2]) + " " + std::string(m[3]) + " " + loc);
      out.addresses.push_back(addr);
      pending_loc.clear();
      continue;
    }
    if (line.rfind("ROUTINE", 0) == 0) routine = line;
    out.lines.push_back(line);
    out.addresses.push_back(0);
  }
  return out;
}

// The lines of `s` without each routine's instructions from `cut[routine]` on.
std::vector<std::string> CutAt(const Skeleton& s, const std::map<std::string, uint64_t>& cut) {
  std::vector<std::string> out;
  std::string routine;
  for (size_t i = 0; i < s.lines.size(); ++i) {
    if (s.lines[i].rfind("ROUTINE", 0) == 0) routine = s.lines[i];
    auto c = cut.find(routine);
    if (s.addresses[i] != 0 && c != cut.end() && s.addresses[i] >= c->second) continue;
    out.push_back(s.lines[i]);
  }
  return out;
}

struct Program {
  std::string bin, profile, skip;
};

// pprofgen built with Go 1.26 and its CPU profile, made once per test process.
const Program& Pprofgen() {
  static Program p = [] {
    Program r;
    r.bin = testing::GoBinary("1.26", "pprofgen", &r.skip);
    if (r.bin.empty()) return r;
    // One directory per process: CTest runs this file's tests side by side.
    std::string dir = ::testing::TempDir() + "/godx-disasm-" + std::to_string(getpid());
    fs::create_directories(dir);
    std::string cmd = r.bin + " -cpu 1s -out " + dir + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) r.profile = dir + "/cpu.pb.gz";
    return r;
  }();
  return p;
}

std::string RunGoPprof(const std::string& args, int* rc) {
  std::string out = ::testing::TempDir() + "/godx-disasm-go-" + std::to_string(getpid()) + ".txt";
  std::string cmd = testing::SourceDir() + "/scripts/go-release 1.26 go tool pprof " + args +
                    " >" + out + " 2>/dev/null";
  int st = std::system(cmd.c_str());
  *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return *rc == 0 ? testing::ReadFile(out) : "";
}

TEST(PprofDisasm, SameListingAsGoToolPprofButTheInstructionText) {
  const Program& prog = Pprofgen();
  if (prog.bin.empty()) GTEST_SKIP() << prog.skip;
  ASSERT_FALSE(prog.profile.empty()) << "pprofgen did not write its CPU profile";
  // Functions of the program, of the standard library and of the runtime, hot and cold.
  for (const std::string rx : {"main\\.", "sha256", "runtime\\.m"}) {
    SCOPED_TRACE("-disasm=" + rx);
    std::string args = "-disasm='" + rx + "' " + prog.bin + " " + prog.profile;
    int rc = 0;
    std::string theirs = RunGoPprof(args, &rc);
    if (rc == 3) GTEST_SKIP() << "Go 1.26 is not available here: -disasm not compared with its pprof";
    ASSERT_EQ(rc, 0) << "go tool pprof " << args;
    testing::RunResult ours = testing::RunGodx("pprof " + args);
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    Skeleton want = DisasmSkeleton(theirs), got = DisasmSkeleton(ours.out);
    ASSERT_GT(want.lines.size(), 3u) << theirs;
    // Every header and every instruction up to the first one Go's disassembler cannot decode.
    EXPECT_EQ(CutAt(got, want.first_unknown), CutAt(want, want.first_unknown));
    size_t compared = CutAt(want, want.first_unknown).size();
    std::cout << "-disasm=" << rx << ": " << want.last_address.size() << " routines, " << compared << " of "
              << want.lines.size() << " lines compared";
    for (const auto& [routine, addr] : want.first_unknown) {
      uint64_t last = want.last_address[routine];
      std::cout << "; " << routine.substr(routine.rfind(' ') + 1) << " from " << std::hex << addr << std::dec
                << " (last " << std::hex << last << std::dec << ")";
      // In Go's code only the truncated last instruction (at most 4 bytes before the symbol's
      // last byte) is undecodable; assembly functions may use instructions Go does not know.
      if (routine.find(".abi0") == std::string::npos) {
        EXPECT_GE(addr + 4, last) << routine;
      }
    }
    std::cout << "\n";
  }
}

TEST(PprofDisasm, NoMatchIsPprofsError) {
  const Program& prog = Pprofgen();
  if (prog.bin.empty()) GTEST_SKIP() << prog.skip;
  ASSERT_FALSE(prog.profile.empty());
  testing::RunResult r = testing::RunGodx("pprof -disasm=no_such_function_xyz " + prog.bin + " " + prog.profile);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no matches found for regexp no_such_function_xyz"), std::string::npos) << r.err;
}

// Every instruction -disasm annotates with samples, and every source line they belong to, is on
// the -weblist page with the same values.
TEST(PprofWeblist, HoldsEverySampledLineAndInstruction) {
  const Program& prog = Pprofgen();
  if (prog.bin.empty()) GTEST_SKIP() << prog.skip;
  ASSERT_FALSE(prog.profile.empty());
  std::string html_path =
      ::testing::TempDir() + "/godx-weblist-" + std::to_string(getpid()) + ".html";
  testing::RunResult w =
      testing::RunGodx("pprof -weblist=sha256 -output " + html_path + " " + prog.bin + " " + prog.profile);
  ASSERT_EQ(w.exit_code, 0) << w.err;
  std::string html = testing::ReadFile(html_path);
  ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // self-contained
  EXPECT_EQ(html.find("<link"), std::string::npos);
  testing::RunResult d = testing::RunGodx("pprof -disasm=sha256 " + prog.bin + " " + prog.profile);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  static const std::regex inst(R"(^\s*(\S+)\s+(\S+)\s+([0-9a-f]+): )");
  size_t sampled = 0;
  std::set<int64_t> lines;
  for (const std::string& line : NormalizedLines(d.out)) {
    std::smatch m;
    if (!std::regex_search(line, m, inst) || (m[1] == "." && m[2] == ".")) continue;
    ++sampled;
    std::string row = "<tr><td>" + std::string(m[3]) + "</td><td>" + std::string(m[1]) + "</td><td>" +
                      std::string(m[2]) + "</td>";
    EXPECT_NE(html.find(row), std::string::npos) << "instruction " << line;
  }
  // Each sampled instruction's source line (from its DWARF line, as the listing groups them).
  static const std::regex loc(R"(;(?:\S+ )?(\S+\.(?:go|s)):(\d+)$)");
  for (const std::string& line : NormalizedLines(d.out)) {
    std::smatch m;
    if (std::regex_search(line, m, loc)) lines.insert(std::stoll(m[2]));
  }
  for (int64_t l : lines) {
    EXPECT_NE(html.find("<tr><td>" + std::to_string(l) + "</td>"), std::string::npos) << "source line " << l;
  }
  std::cout << "-weblist=sha256: " << sampled << " sampled instructions, " << lines.size() << " source lines\n";
  EXPECT_GT(sampled, 0u);
  fs::remove(html_path);
}

// objdump's line-numbered listing, cut from `objdump --disassemble-all --no-show-raw-insn
// --line-numbers` of pprofgen (Go 1.26): the location follows each "FILE:LINE" line, a function
// header keeps it, anything else clears it.
TEST(PprofDisasm, ParsesObjdumpsLineNumberedListing) {
  const std::string out =
      "\n"
      "Disassembly of section .text:\n"
      "\n"
      "00000000004b0f20 <main.hashLoop>:\n"
      "main.hashLoop():\n"
      "/src/testdata/gen/pprofgen/main.go:29\n"
      "  4b0f20:\tcmp    0x10(%r14),%rsp\n"
      "  4b0f24:\tjbe    4b0fd1 <main.hashLoop+0xb1>\n"
      "/src/testdata/gen/pprofgen/main.go:30 (discriminator 1)\n"
      "  4b0f2a:\tpush   %rbp\n"
      "\t...\n"
      "  4b0f2b:\tmov    %rsp,%rbp\n";
  auto insts = ParseObjdump(out);
  ASSERT_EQ(insts.size(), 4u);
  EXPECT_EQ(insts[0].address, 0x4b0f20u);
  EXPECT_EQ(insts[0].text, "cmp    0x10(%r14),%rsp");
  EXPECT_EQ(insts[0].file, "/src/testdata/gen/pprofgen/main.go");
  EXPECT_EQ(insts[0].line, 29);
  EXPECT_EQ(insts[1].line, 29);
  EXPECT_EQ(insts[2].line, 30);
  EXPECT_EQ(insts[3].line, 0);  // "..." is not a location: cleared
  EXPECT_EQ(insts[3].file, "");
}

}  // namespace
}  // namespace godx::pprof
