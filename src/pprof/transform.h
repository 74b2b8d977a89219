// The profile rewrites `go tool pprof` runs before a report, with its exact semantics (its
// profile package's Prune/RemoveUninteresting, FilterSamplesByName, ShowFrom, FilterSamplesByTag,
// FilterTagsByName, PruneFrom, Aggregate, and the driver's tagroot/tagleaf pseudo-frames).
// Each rewrites the Profile in place; patterns are RE2 (Go regexps, unanchored).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "pprof/model.h"
#include "pprof/options.h"

namespace godx::pprof {

// The unit of each numeric label key (pprof's Profile.NumLabelUnits).
std::map<std::string, std::string, std::less<>> NumLabelUnits(const Profile& p);

// Applies the profile's drop_frames/keep_frames (pprof's RemoveUninteresting).
Status RemoveUninteresting(Profile* p);

// What pprof's driver does between reading and reporting: tagroot/tagleaf, then the
// focus/ignore/hide/show/show_from/tagfocus/tagignore/tagshow/taghide/prune_from filters.
// Warnings pprof prints to stderr ("Focus expression matched no samples") go to `warnings`.
Status ApplyPprofFilters(const PprofOptions& o, Profile* p, std::vector<std::string>* warnings);
void AddLabelNodes(const PprofOptions& o, Profile* p, std::vector<std::string>* warnings);

// pprof's Aggregate for the chosen granularity (after the per-output overrides).
void AggregateProfile(Granularity g, bool noinlines, bool showcolumns, Profile* p);

// Resolves -sample_index as pprof does ("" = default type; number; name; inuse_ prefix dropped).
Result<size_t> PprofSampleIndex(const Profile& p, const std::string& wanted);

// True when sample `s` carries the label pprof::base=true (the base part of a diff).
bool IsDiffBaseSample(const Profile& p, size_t s);

}  // namespace godx::pprof
