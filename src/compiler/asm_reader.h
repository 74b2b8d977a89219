// Reads assembly listings (`-gcflags=-S`, `go tool compile -S`, `go tool objdump [-S]`) and
// check_bce debug lines into a Listing, and resolves traceback offsets against it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/asm_model.h"
#include "core/input.h"
#include "core/status.h"

namespace godx::compiler {

// Reads a listing. The Listing's views point into `input`, which must outlive it. Fails, naming
// the input, when it is empty, binary, or holds no function and no check_bce line.
Result<Listing> ReadListing(const Input& input);

// Resolves "FUNC+0xOFF" (a traceback frame: `main.main()` then `main.go:48 +0x3f6`) to the
// instruction that was executing. The offset is a return address, so the site is the call just
// before it; when no call precedes it the instruction at the offset itself faulted (a nil
// dereference reached through sigpanic). Fails when the function or offset is not in the listing.
Result<PanicSite> ResolveReturnAddress(const Listing& listing, std::string_view func_plus_offset);

// The same, with the function and offset already separated (a parsed traceback frame).
Result<PanicSite> ResolveOffset(const Listing& listing, std::string_view function, uint64_t offset);

// One frame of a Go traceback: "main.(*T).get(0xc000010000, 0x3)" then
// "\t/src/main.go:14 +0x33".
// A call the compiler inlined: the runtime prints it as a frame of its own, "main.get(...)" then
// "\tFILE:LINE" without an offset, above the frame of the function it was inlined into.
struct InlinedFrame {
  std::string function;
  std::string file;
  uint32_t line = 0;
};
struct TracebackFrame {
  std::string function;  // "main.(*T).get"
  std::string file;
  uint32_t line = 0;
  uint64_t offset = 0;  // the +0x... (a return address, or the faulting PC for sigpanic)
  uint64_t input_line = 0;
  // The inlined calls printed directly above this frame, innermost first: the offset lies in the
  // body of inlined.front(), so a listing names that frame's line for it, not `line`.
  std::vector<InlinedFrame> inlined;
};
// Frames of every goroutine in a traceback or goroutine dump, in order. Frames without an offset
// are inlined calls and go to the next frame's `inlined`; "created by" lines are skipped.
std::vector<TracebackFrame> ParseTracebackFrames(std::string_view text);

// Sniffer for `godx analyze`: how sure we are that `head` is a -S listing or objdump (0..100).
int SniffListing(std::string_view head);

}  // namespace godx::compiler
