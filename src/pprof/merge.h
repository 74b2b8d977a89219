// Merging profiles (pprof's profile.Merge): samples with the same stack and labels are summed,
// functions/locations/mappings are deduplicated by content. Also the basis of diff and --base,
// which merge the base scaled by -1.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "pprof/model.h"

namespace godx::pprof {

class Merger {
 public:
  Merger();
  ~Merger();
  Merger(const Merger&) = delete;
  Merger& operator=(const Merger&) = delete;

  // Adds every sample of `p`, values multiplied by `scale` (-1 for a base). With `mark_base`, the
  // samples get the label pprof::base=true, as pprof's -diff_base does, so percentages can be
  // taken relative to the base. Sample types must match the first profile's (by type and unit);
  // a mismatch is an error naming `name`.
  Status Add(const Profile& p, std::string_view name, int64_t scale = 1, bool mark_base = false);
  // The merged profile; the Merger is spent afterwards.
  Profile Finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Convenience: merge whole profiles.
Result<Profile> MergeProfiles(const std::vector<const Profile*>& profiles,
                              const std::vector<std::string>& names);

}  // namespace godx::pprof
