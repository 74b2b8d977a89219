#include "compiler/asm_reader.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace godx::compiler {
namespace {

using godx::testing::InputFromString;
using godx::testing::ReadFile;
using godx::testing::TestData;

const AsmFunction* Func(const Listing& l, std::string_view name) {
  for (const auto& f : l.functions)
    if (l.pool.Get(f.name) == name) return &f;
  return nullptr;
}

TEST(AsmReader, ClassifiesRuntimeCallees) {
  EXPECT_EQ(ClassifyCallee("runtime.panicIndex"), CheckKind::kBounds);
  EXPECT_EQ(ClassifyCallee("runtime.panicIndexU"), CheckKind::kBounds);
  EXPECT_EQ(ClassifyCallee("runtime.panicSlice3AlenU"), CheckKind::kBounds);
  EXPECT_EQ(ClassifyCallee("runtime.panicBounds"), CheckKind::kBounds);       // Go 1.26+
  EXPECT_EQ(ClassifyCallee("runtime.goPanicSliceB"), CheckKind::kBounds);     // wasm
  EXPECT_EQ(ClassifyCallee("runtime.panicExtendIndex"), CheckKind::kBounds);  // 32-bit
  EXPECT_EQ(ClassifyCallee("runtime.panicdivide"), CheckKind::kDivide);
  EXPECT_EQ(ClassifyCallee("runtime.panicshift"), CheckKind::kShift);
  EXPECT_EQ(ClassifyCallee("runtime.panicdottypeE"), CheckKind::kTypeAssertion);
  EXPECT_EQ(ClassifyCallee("runtime.panicnildottype"), CheckKind::kTypeAssertion);
  EXPECT_EQ(ClassifyCallee("runtime.gopanic"), CheckKind::kPanic);
  EXPECT_EQ(ClassifyCallee("runtime.panicmem"), CheckKind::kNil);
  EXPECT_EQ(ClassifyCallee("runtime.throw"), CheckKind::kFatal);
  EXPECT_EQ(ClassifyCallee("runtime.panicwrap"), CheckKind::kOther);
  EXPECT_EQ(ClassifyCallee("runtime.morestack_noctxt.abi0"), CheckKind::kNone);  // stack growth
  EXPECT_EQ(ClassifyCallee("runtime.newobject"), CheckKind::kNone);
  EXPECT_EQ(ClassifyCallee("main.panicIndex"), CheckKind::kNone);
}

TEST(AsmReader, ReadsGo119CompileListing) {
  Input in = InputFromString("S", ReadFile(TestData("compiler/go1.19-boundspanic-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->format, "-S");
  const AsmFunction* f = Func(*l, "main.(*table).lookup");
  ASSERT_NE(f, nullptr);
  // 0x002e 00046 (/tmp/godx-gen/boundspanic/main.go:14)	CALL	runtime.panicIndex(SB)
  const Instruction* call = nullptr;
  for (uint32_t i = f->first; i < f->end; ++i)
    if (l->instructions[i].call) call = &l->instructions[i];
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->pc, 0x2eu);
  EXPECT_EQ(call->line, 14u);
  EXPECT_EQ(l->pool.Get(call->file), "/tmp/godx-gen/boundspanic/main.go");
  EXPECT_EQ(l->pool.Get(call->target), "runtime.panicIndex");
  EXPECT_EQ(call->check, CheckKind::kBounds);
}

TEST(AsmReader, ReadsGo119Objdump) {
  Input in = InputFromString("od", ReadFile(TestData("compiler/go1.19-boundspanic-objdump.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->format, "objdump");
  const AsmFunction* f = Func(*l, "main.(*table).lookup");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(l->pool.Get(f->file), "/tmp/godx-gen/boundspanic/main.go");
  EXPECT_EQ(f->start, 0x480fc0u);
  // main.go:14  0x480fee  e80dc3fdff  CALL runtime.panicIndex(SB)
  bool found = false;
  for (uint32_t i = f->first; i < f->end; ++i) {
    const Instruction& ins = l->instructions[i];
    if (ins.addr == 0x480feeu) {
      found = true;
      EXPECT_EQ(ins.pc, 0x2eu);
      EXPECT_TRUE(ins.call);
      EXPECT_EQ(ins.check, CheckKind::kBounds);
      EXPECT_EQ(ins.text, "CALL runtime.panicIndex(SB)");
      EXPECT_EQ(l->pool.Get(ins.file), "main.go");
    }
  }
  EXPECT_TRUE(found);
}

TEST(AsmReader, ReadsObjdumpWithInterleavedSource) {
  // go tool objdump -S drops file:line from instruction lines and prints source lines between.
  std::string text =
      "TEXT main.f(SB) /src/main.go\n"
      "func f(s []int, i int) int {\n"
      "  0x1000\t\t4883ec18\t\tSUBQ $0x18, SP\t\n"
      "\treturn s[i]\n"
      "  0x1004\t\te800000000\t\tCALL runtime.panicIndex(SB)\t\n";
  auto l = ReadListing(InputFromString("t", text));
  ASSERT_TRUE(l.ok()) << l.status().message();
  ASSERT_EQ(l->instructions.size(), 2u);
  EXPECT_EQ(l->instructions[1].pc, 4u);
  EXPECT_EQ(l->instructions[1].check, CheckKind::kBounds);
}

TEST(AsmReader, ReadsCheckBceLines) {
  Input in = InputFromString("bce", ReadFile(TestData("compiler/go1.19-escapes-bce.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->format, "check_bce");
  // ./checks.go:10:15: Found IsInBounds / ./checks.go:11:14: Found IsSliceInBounds ...
  size_t in_bounds = 0, slice = 0;
  for (const auto& b : l->bce) (b.slice ? slice : in_bounds)++;
  EXPECT_EQ(in_bounds, 1u);
  EXPECT_EQ(slice, 3u);
}

TEST(AsmReader, ResolvesTracebackOffsetsToTheCallBefore) {
  // go1.19-boundspanic-panic.txt: main.(*table).lookup(...) main.go:14 +0x33; main.main() +0x7a.
  for (const char* fixture :
       {"compiler/go1.19-boundspanic-S.txt", "compiler/go1.19-boundspanic-objdump.txt",
        "compiler/go1.19-boundspanic-objdump-S.txt"}) {
    SCOPED_TRACE(fixture);
    Input in = InputFromString(fixture, ReadFile(TestData(fixture)));
    auto l = ReadListing(in);
    ASSERT_TRUE(l.ok());
    auto site = ResolveReturnAddress(*l, "main.(*table).lookup+0x33");
    ASSERT_TRUE(site.ok()) << site.status().message();
    bool with_source = std::string_view(fixture).find("objdump-S") != std::string_view::npos;
    EXPECT_EQ(site->check, CheckKind::kBounds);
    // objdump -S prints the source text instead of file:line.
    EXPECT_EQ(site->line, with_source ? 0u : 14u);
    EXPECT_EQ(site->source, with_source ? "return t.rows[i] * 2" : "");
    EXPECT_EQ(site->offset, 0x2eu);
    EXPECT_EQ(site->callee, "runtime.panicIndex");
    auto caller = ResolveReturnAddress(*l, "main.main()+0x7a");
    ASSERT_TRUE(caller.ok()) << caller.status().message();
    EXPECT_EQ(caller->line, with_source ? 0u : 21u);
    EXPECT_EQ(caller->callee, "main.(*table).lookup");
    EXPECT_EQ(caller->check, CheckKind::kNone);
  }
}

TEST(AsmReader, ResolveRejectsUnknownFunctionsAndOffsets) {
  Input in = InputFromString("S", ReadFile(TestData("compiler/go1.19-boundspanic-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  EXPECT_FALSE(ResolveReturnAddress(*l, "main.nope+0x10").ok());
  EXPECT_FALSE(ResolveReturnAddress(*l, "main.main").ok());
  EXPECT_FALSE(ResolveReturnAddress(*l, "main.main+0xzz").ok());
  auto far = ResolveReturnAddress(*l, "main.main+0x0");
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.status().message().find("outside"), std::string::npos);
}

TEST(AsmReader, ResolvesOldListingsWithEmptyPackageNames) {
  // Go ≤1.19 go tool compile -S prints the package being compiled as "".
  std::string text =
      "\"\".f STEXT size=64 args=0x10 locals=0x18\n"
      "\t0x0000 00000 (x.go:3)\tTEXT\t\"\".f(SB), ABIInternal, $24-16\n"
      "\t0x0010 00016 (x.go:4)\tTESTB\tAX, (AX)\n"
      "\t0x0014 00020 (x.go:5)\tCALL\truntime.panicdivide(SB)\n"
      "\t0x0019 00025 (x.go:5)\tXCHGL\tAX, AX\n";
  auto l = ReadListing(InputFromString("t", text));
  ASSERT_TRUE(l.ok());
  auto div = ResolveReturnAddress(*l, "main.f+0x19");
  ASSERT_TRUE(div.ok()) << div.status().message();
  EXPECT_EQ(div->check, CheckKind::kDivide);
  // A fault at the nil probe itself (sigpanic frames carry the faulting PC).
  auto nil = ResolveReturnAddress(*l, "main.f+0x10");
  ASSERT_TRUE(nil.ok());
  EXPECT_EQ(nil->check, CheckKind::kNil);
  EXPECT_EQ(nil->line, 4u);
}

TEST(AsmReader, RejectsEmptyAndForeignInputs) {
  auto e = ReadListing(InputFromString("e", ""));
  ASSERT_FALSE(e.ok());
  auto f = ReadListing(InputFromString("f.txt", "hello\nworld\n"));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("f.txt: line 1"), std::string::npos);
  auto b = ReadListing(InputFromString("a.out", std::string("\x7f"
                                                            "ELF\x02\x01\x01\x00\x00\x00",
                                                            10)));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("objdump"), std::string::npos);
}

TEST(AsmReader, Sniffs) {
  EXPECT_GE(SniffListing(ReadFile(TestData("compiler/go1.19-boundspanic-S.txt"))), 50);
  EXPECT_GE(SniffListing(ReadFile(TestData("compiler/go1.19-boundspanic-objdump.txt"))), 50);
  EXPECT_LT(SniffListing(ReadFile(TestData("compiler/go1.19-escapes-m2.txt"))), 50);
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

TEST(TracebackFrames, ParsesTheGo119PanicFixture) {
  auto frames = ParseTracebackFrames(ReadFile(TestData("compiler/go1.19-boundspanic-panic.txt")));
  // main.(*table).lookup(0x7f...?, 0x0?) / main.go:14 +0x33, then main.main() / main.go:21 +0x7a.
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].function, "main.(*table).lookup");
  EXPECT_EQ(frames[0].file, "/tmp/godx-gen/boundspanic/main.go");
  EXPECT_EQ(frames[0].line, 14u);
  EXPECT_EQ(frames[0].offset, 0x33u);
  EXPECT_EQ(frames[1].function, "main.main");
  EXPECT_EQ(frames[1].offset, 0x7au);
}

TEST(TracebackFrames, SkipsCreatedByAndInlinedFrames) {
  std::string text =
      "goroutine 7 [running]:\n"
      "internal/poll.(*pollDesc).waitRead(...)\n"
      "\t/usr/lib/go/src/internal/poll/fd_poll_runtime.go:89\n"  // inlined: no offset
      "main.worker(0xc000010000, {0x4b2f60, 0x3})\n"
      "\t/src/main.go:30 +0x2c fp=0xc000050f80 sp=0xc000050f50 pc=0x48f2ac\n"
      "created by main.main\n"
      "\t/src/main.go:12 +0x45\n";
  auto frames = ParseTracebackFrames(text);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "main.worker");
  EXPECT_EQ(frames[0].offset, 0x2cu);
  EXPECT_EQ(frames[0].line, 30u);
}

}  // namespace
}  // namespace godx::compiler

namespace godx::compiler {
namespace {

// The bounds check of every panicBounds call, from the PCDATA $4 value in effect at its PC.
TEST(AsmReader, DecodesPanicBoundsPcdataOfGo126Listings) {
  Input in = InputFromString("S", godx::testing::ReadFile(
                                      godx::testing::TestData("compiler/go1.26-escapes-S.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->arch, "x86");
  EXPECT_TRUE(l->warnings.empty());
  std::vector<std::pair<uint32_t, BoundsKind>> got;
  for (const Instruction& ins : l->instructions) {
    if (ins.check != CheckKind::kBounds) continue;
    EXPECT_EQ(ins.bounds.source, BoundsSource::kPcdata);
    got.push_back({ins.line, ins.bounds.kind});
  }
  // checks.go:11's PCDATA $4, $39 is followed by a NOP before the call: the value still holds.
  std::vector<std::pair<uint32_t, BoundsKind>> want = {{11, BoundsKind::kSliceB},
                                                       {10, BoundsKind::kIndex},
                                                       {43, BoundsKind::kSliceAcap},
                                                       {43, BoundsKind::kSliceAcap}};
  EXPECT_EQ(got, want);
}

TEST(AsmReader, WarnsOnPanicBoundsItCannotDecode) {
  std::string text =
      "main.f STEXT size=32 args=0x10 locals=0x8 funcid=0x0 align=0x0\n"
      "\t0x0000 00000 (/src/main.go:3)\tTEXT\tmain.f(SB), ABIInternal, $8-16\n"
      "\t0x0000 00000 (/src/main.go:4)\tMOVQ\t8(AX), CX\n"
      "\t0x0004 00004 (/src/main.go:4)\tCALL\truntime.panicBounds(SB)\n"
      "\t0x0009 00009 (/src/main.go:5)\tPCDATA\t$4, $999999\n"
      "\t0x0009 00009 (/src/main.go:5)\tCALL\truntime.panicBounds(SB)\n"
      "main.g STEXT size=32 args=0x10 locals=0x8 funcid=0x0 align=0x0\n"
      "\t0x0000 00000 (/src/main.go:8)\tPCDATA\t$4, $1431\n"
      "\t0x0000 00000 (/src/main.go:8)\tCALL\truntime.panicBounds(SB)\n"
      "main.h STEXT size=32 args=0x10 locals=0x8 funcid=0x0 align=0x0\n"
      "\t0x0000 00000 (/src/main.go:9)\tCALL\truntime.panicBounds(SB)\n";
  auto l = ReadListing(InputFromString("t", text));
  ASSERT_TRUE(l.ok());
  std::vector<BoundsSource> sources;
  for (const Instruction& ins : l->instructions)
    if (ins.check == CheckKind::kBounds) sources.push_back(ins.bounds.source);
  // main.h's call does not inherit main.g's value: pcdata tables are per function.
  EXPECT_EQ(sources, (std::vector<BoundsSource>{BoundsSource::kNoPcdata,
                                                BoundsSource::kUndecodable, BoundsSource::kPcdata,
                                                BoundsSource::kNoPcdata}));
  ASSERT_EQ(l->warnings.size(), 2u);
  EXPECT_NE(l->warnings[0].find("1 bounds check has a PCDATA $4 value godx cannot decode, "
                                "first at line 6"),
            std::string::npos)
      << l->warnings[0];
  EXPECT_NE(l->warnings[1].find("2 calls to runtime.panicBounds"), std::string::npos);
  EXPECT_NE(l->warnings[1].find("first at line 4"), std::string::npos) << l->warnings[1];
}

TEST(AsmReader, LeavesTheKindOfObjdumpPanicBoundsUnknown) {
  Input in = InputFromString(
      "od", godx::testing::ReadFile(
                godx::testing::TestData("compiler/go1.27-boundspanic-objdump.txt")));
  auto l = ReadListing(in);
  ASSERT_TRUE(l.ok());
  auto site = ResolveReturnAddress(*l, "main.(*table).lookup+0x1f");
  ASSERT_TRUE(site.ok());
  EXPECT_EQ(site->check, CheckKind::kBounds);
  EXPECT_EQ(site->bounds.kind, BoundsKind::kUnknown);
  EXPECT_EQ(site->bounds.source, BoundsSource::kObjdump);
  EXPECT_TRUE(l->warnings.empty());  // nothing is wrong with the listing
}

}  // namespace
}  // namespace godx::compiler
