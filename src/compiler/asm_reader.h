// Reads assembly listings (`-gcflags=-S`, `go tool compile -S`, `go tool objdump [-S]`) and
// check_bce debug lines into a Listing, and resolves traceback offsets against it.
#pragma once

#include <string_view>

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

// Sniffer for `godx analyze`: how sure we are that `head` is a -S listing or objdump (0..100).
int SniffListing(std::string_view head);

}  // namespace godx::compiler
