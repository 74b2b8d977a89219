#include "compiler/release.h"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

#include "core/text.h"

namespace godx::compiler {

namespace {

// How much of a large input the release signs are looked for in.
constexpr size_t kSampleBytes = 8 << 20;

// GOROOT paths that name their release: the module-cache toolchain that GOTOOLCHAIN downloads
// (".../golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/...") and Debian's versioned
// packages ("/usr/lib/go-1.19/src/..."). A plain /usr/local/go says nothing.
void GorootSigns(std::string_view text, GoRelease* r) {
  constexpr std::string_view kToolchain = "golang.org/toolchain@v0.0.1-";
  if (size_t t = FindText(text, kToolchain); t != std::string_view::npos) {
    std::string_view rest = text.substr(t + kToolchain.size(), 40);
    if (r->Exactly(rest, "GOROOT is that toolchain in the module cache")) return;
  }
  constexpr std::string_view kDebian = "/usr/lib/go-1.";
  if (size_t d = FindText(text, kDebian); d != std::string_view::npos) {
    std::string_view rest = text.substr(d + kDebian.size());
    int minor = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), minor);
    if (ec == std::errc() && p < rest.data() + rest.size() && *p == '/' && minor > 0) {
      std::string why = fmt::format("GOROOT is Debian's /usr/lib/go-1.{}", minor);
      r->AtLeast(minor, why);
      r->AtMost(minor, why);
    }
  }
}

// The first line of `text` that contains `needle`, or "".
std::string_view LineWith(std::string_view text, std::string_view needle) {
  size_t at = FindText(text, needle);
  if (at == std::string_view::npos) return {};
  size_t begin = text.rfind('\n', at);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  size_t end = text.find('\n', at);
  return text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

// Contradicting signs (output of two toolchains pasted together): say nothing.
GoRelease Checked(const GoRelease& r) {
  int exact = GoMinor(r.exact);
  bool outside = exact > 0 && (exact < r.min_minor || exact > r.max_minor);
  if (r.min_minor > r.max_minor || outside) return GoRelease();
  return r;
}

}  // namespace

GoRelease InferBuildRelease(const EscapeBuild& b) {
  GoRelease r;
  if (r.Exactly(b.go_version, "the -json header's gc_version")) return r;
  // The wordings below recur all through a build's output: the first MiBs tell as much as the
  // whole, at a cost that does not grow with the input.
  std::string_view text = std::string_view(b.text).substr(0, kSampleBytes);
  GorootSigns(text, &r);
  // Wordings of -m=2 explanations. Go 1.19's escape analysis prints "X escapes to heap:",
  // "parameter p leaks to S with derefs=N:" and "flow: A = B:"; Go 1.26's names the function
  // ("... in F:", "... for F with ...") and draws the flow with "←". The releases in between are
  // not at hand, so the bounds are 1.20 and 1.25.
  if (FindText(text, " escapes to heap in ") != std::string_view::npos) {
    r.AtLeast(20,
              "-m=2 headers read \"X escapes to heap in F:\" (Go 1.19: \"X escapes to heap:\")");
  } else if (FindText(text, " escapes to heap:\n") != std::string_view::npos) {
    r.AtMost(25, "-m=2 headers read \"X escapes to heap:\" (Go 1.26: \"X escapes to heap in F:\")");
  }
  std::string_view flow = LineWith(text, "   flow: ");
  if (flow.find(" \xe2\x86\x90 ") != std::string_view::npos) {
    r.AtLeast(20, "-m=2 flow lines draw \"\xe2\x86\x90\" (Go 1.19: \"=\")");
  } else if (flow.find(" = ") != std::string_view::npos) {
    r.AtMost(25, "-m=2 flow lines use \"=\" (Go 1.26: \"\xe2\x86\x90\")");
  }
  if (FindText(text, ": append escapes to heap\n") != std::string_view::npos ||
      FindText(text, ": append does not escape\n") != std::string_view::npos) {
    r.AtLeast(20, "\"append escapes to heap\" (Go 1.19 names the whole append(...) expression)");
  }
  if (FindText(text, ": inlining call to abi.NoEscape\n") != std::string_view::npos) {
    r.AtLeast(20, "inlines internal/abi.NoEscape (not in Go 1.19)");
  }
  if (FindText(text, "does not escape, mutate, or call") != std::string_view::npos) {
    r.AtLeast(20, "\"does not escape, mutate, or call\" (not in Go 1.19's escape analysis)");
  }
  return Checked(r);
}

GoRelease InferListingRelease(const Listing& l) {
  GoRelease r;
  GorootSigns(std::string_view(l.text).substr(0, kSampleBytes), &r);
  // Runtime entry points the compiler calls. Go 1.19 on amd64 calls panicIndex/panicSlice* and a
  // write barrier per register (gcWriteBarrierBX); Go 1.26 calls one runtime.panicBounds (the
  // failing check encoded in PCDATA) and gcWriteBarrier1..8 (by the number of pointers).
  bool bounds = false, old_bounds = false, wb_new = false, wb_reg = false;
  for (const Instruction& ins : l.instructions) {
    if (!ins.call || ins.target == 0) continue;
    std::string_view t = l.pool.Get(ins.target);
    if (t.starts_with("runtime.panicBounds")) bounds = true;
    // Go 1.26's SSA backend lowers every bounds failure to panicBounds except on wasm, which
    // calls goPanicIndex & co. (cmd/compile/internal/ssagen, boundsCheck).
    if (t.starts_with("runtime.panicIndex") || t.starts_with("runtime.panicSlice")) {
      old_bounds = true;
    }
    constexpr std::string_view kWb = "runtime.gcWriteBarrier";
    if (t.starts_with(kWb) && t.size() > kWb.size()) {
      char c = t[kWb.size()];
      if (c >= '1' && c <= '8') wb_new = true;
      if (c >= 'A' && c <= 'Z') wb_reg = true;
    }
  }
  if (bounds) {
    r.AtLeast(20, "calls runtime.panicBounds (Go 1.19 calls runtime.panicIndex/panicSlice*)");
  }
  if (wb_new) r.AtLeast(20, "calls runtime.gcWriteBarrier1..8 (Go 1.19: one per register)");
  if (old_bounds) {
    r.AtMost(25, "calls runtime.panicIndex/panicSlice* (Go 1.26 calls runtime.panicBounds)");
  }
  if (wb_reg) r.AtMost(25, "calls a per-register runtime.gcWriteBarrier (gone by Go 1.26)");
  return Checked(r);
}

}  // namespace godx::compiler
