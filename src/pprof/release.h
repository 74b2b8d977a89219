// Which Go release wrote a profile, as far as the profile itself tells: profile.proto carries no
// version field, so godx reads what changed between releases (sample types, runtime function
// names that were added or renamed). Every bound is one that the Go sources prove; a profile with
// no telling sign gets no range rather than a guess.
#pragma once

#include "core/go_release.h"
#include "pprof/model.h"

namespace godx::pprof {

// Unknown (GoRelease::Known() false) when nothing tells, or when the signs contradict each
// other (a merge of profiles from different releases).
GoRelease InferRelease(const Profile& p);

}  // namespace godx::pprof
