// Which Go release produced compiler output, as far as the output tells: the -json header's
// gc_version is exact; text output only shows it through wordings that changed between releases
// and through GOROOT paths that name a release (a toolchain in the module cache, Debian's
// /usr/lib/go-1.N). Bounds are only those the compilers' sources prove; no sign, no range.
#pragma once

#include "compiler/asm_model.h"
#include "compiler/model.h"
#include "core/go_release.h"

namespace godx::compiler {

// Unknown (GoRelease::Known() false) when nothing tells or the signs contradict each other.
GoRelease InferBuildRelease(const EscapeBuild& b);
GoRelease InferListingRelease(const Listing& l);

}  // namespace godx::compiler
