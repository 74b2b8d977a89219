#include "pprof/release.h"

#include <string_view>
#include <vector>

namespace godx::pprof {

namespace {

// One sign of a release. Bounds come from comparing the runtime sources of the releases in the
// fixture matrix (1.19, 1.26, 1.27): a name absent from 1.19 and present in 1.26 proves "1.20 or
// later" and no more, since the releases in between are not at hand; a name present in 1.19 and
// gone in 1.26 proves "1.25 or earlier".
struct Sign {
  enum Where { kSampleType, kFunction, kFunctionPrefix } where;
  std::string_view text;
  int min_minor, max_minor;
  std::string_view why;
};

constexpr Sign kSigns[] = {
    {Sign::kSampleType, "goroutineleak", 26, 0,
     "sample type goroutineleak: the goroutine leak profile first shipped in Go 1.26 "
     "(GOEXPERIMENT=goroutineleakprofile)"},
    {Sign::kFunction, "runtime.pprof_goroutineProfileWithLabels", 20, 0,
     "runtime.pprof_goroutineProfileWithLabels (Go 1.19 named it "
     "runtime/pprof.runtime_goroutineProfileWithLabels)"},
    {Sign::kFunction, "runtime/pprof.runtime_goroutineProfileWithLabels", 0, 25,
     "runtime/pprof.runtime_goroutineProfileWithLabels (renamed by Go 1.26)"},
    {Sign::kFunctionPrefix, "internal/sync.", 20, 0,
     "internal/sync frames (sync.Mutex's slow path lives there; no such package in Go 1.19)"},
    {Sign::kFunction, "sync.runtime_SemacquireMutex", 0, 25,
     "sync.runtime_SemacquireMutex (internal/sync.runtime_SemacquireMutex by Go 1.26)"},
    {Sign::kFunctionPrefix, "runtime.mallocgcSmall", 20, 0,
     "runtime.mallocgcSmall* (mallocgc split by size class; one function in Go 1.19)"},
    {Sign::kFunction, "runtime.mallocgcLarge", 20, 0,
     "runtime.mallocgcLarge (mallocgc split by size class; one function in Go 1.19)"},
    {Sign::kFunction, "runtime.mallocgcTiny", 20, 0,
     "runtime.mallocgcTiny (mallocgc split by size class; one function in Go 1.19)"},
    {Sign::kFunctionPrefix, "sync.OnceFunc", 21, 0,
     "sync.OnceFunc (new in Go 1.21: $GOROOT/api/go1.21.txt)"},
    {Sign::kFunctionPrefix, "sync.OnceValue", 21, 0,
     "sync.OnceValue(s) (new in Go 1.21: $GOROOT/api/go1.21.txt)"},
    {Sign::kFunctionPrefix, "crypto/internal/fips140/", 20, 0,
     "crypto/internal/fips140 frames (the FIPS 140 module; not in Go 1.19)"},
    {Sign::kFunction, "internal/bytealg.MakeNoZero", 20, 0,
     "internal/bytealg.MakeNoZero (not in Go 1.19)"},
    {Sign::kFunction, "time.runtimeNow", 20, 0,
     "time.runtimeNow (Go 1.19's time.Now calls time.now)"},
    {Sign::kFunction, "runtime.heapBits.initSpan", 0, 25,
     "runtime.heapBits.initSpan (the heap bitmap was redesigned before Go 1.26)"},
};

bool Matches(const Sign& s, std::string_view name) {
  return s.where == Sign::kFunctionPrefix ? name.starts_with(s.text) : name == s.text;
}

void Apply(const Sign& s, GoRelease* r) {
  if (s.min_minor > 0) r->AtLeast(s.min_minor, s.why);
  if (s.max_minor > 0) r->AtMost(s.max_minor, s.why);
}

}  // namespace

GoRelease InferRelease(const Profile& p) {
  GoRelease r;
  std::vector<bool> seen(std::size(kSigns), false);
  auto consider = [&](bool sample_type, std::string_view name) {
    for (size_t i = 0; i < std::size(kSigns); ++i) {
      const Sign& s = kSigns[i];
      if (seen[i] || sample_type != (s.where == Sign::kSampleType) || !Matches(s, name)) continue;
      seen[i] = true;
      Apply(s, &r);
    }
  };
  for (const ValueType& vt : p.sample_types) consider(true, p.Str(vt.type));
  for (const Function& f : p.functions) consider(false, p.Str(f.name));
  // Contradicting signs (a merge of profiles from different releases, a user function that
  // happens to carry a runtime name): say nothing rather than print an empty range.
  if (r.min_minor > r.max_minor) return GoRelease();
  return r;
}

}  // namespace godx::pprof
