#include "stacks/filter.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <memory>

#include "core/units.h"
#include "stacks/labels.h"

namespace godx::stacks {

namespace {

bool Match(std::string_view s, const RE2& re) {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
}

// The stack, the creator, the state or a header attribute ("synctest bubble 3"): a match takes
// the whole bucket.
bool StackMatches(const Dump& d, const Bucket& b, const RE2& re) {
  for (const Frame& f : b.frames)
    if (Match(d.Str(f.function), re)) return true;
  for (StringId id : {b.created_by.function, b.state()}) {
    std::string_view s = d.Str(id);
    if (!s.empty() && Match(s, re)) return true;
  }
  for (const auto& [id, n] : b.attributes)
    if (Match(d.Str(id), re)) return true;
  return false;
}

// A label set matches when one of its labels, as "key=value", does (or its printed text, for
// sets that do not parse).
bool LabelsMatch(std::string_view set, const RE2& re, std::vector<Label>* scratch) {
  if (!ParseLabelSet(set, scratch)) return Match(set, re);
  for (const Label& l : *scratch)
    if (Match(LabelText(l), re)) return true;
  return false;
}

// Keeps `n` of a bucket's goroutines after its label sets were filtered. The runtime prints
// state, wait and ids per goroutine but the bucket keeps them per stack, so a bucket cut by
// labels scales its per-state counts (exact when it has one state, the usual case).
void ShrinkBucket(Bucket* b, uint64_t n) {
  if (n == b->count) return;
  uint64_t assigned = 0;
  for (auto& [state, c] : b->states) {
    c = b->count == 0 ? 0 : c * n / b->count;
    assigned += c;
  }
  if (!b->states.empty()) b->states.front().second += n - assigned;
  b->leaked = std::min(b->leaked, n);
  b->locked = std::min(b->locked, n);
  b->count = n;
}

Result<std::unique_ptr<RE2>> Compile(const std::string& flag, const std::string& pattern) {
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, o);
  if (!re->ok())
    return Status::Error(
        fmt::format("{} '{}': invalid regular expression: {}", flag, pattern, re->error()));
  return re;
}

}  // namespace

Status FilterDump(Dump* d, const FilterOptions& options) {
  if (options.focus.empty() && options.ignore.empty()) return Status::Ok();
  std::unique_ptr<RE2> focus, ignore;
  if (!options.focus.empty()) {
    GODX_ASSIGN_OR_RETURN(focus, Compile("--focus", options.focus));
  }
  if (!options.ignore.empty()) {
    GODX_ASSIGN_OR_RETURN(ignore, Compile("--ignore", options.ignore));
  }
  std::vector<Bucket> kept;
  std::vector<Label> scratch;
  uint64_t kept_goroutines = 0, dropped = 0, leaked = 0, labeled = 0;
  for (Bucket& b : d->buckets) {
    const uint64_t before = b.count;
    // Label sets: with --focus a bucket whose stack does not match keeps only the goroutines
    // whose labels do; --ignore drops the goroutines whose labels match.
    const bool whole = focus && StackMatches(*d, b, *focus);
    bool keep = (!focus || whole) && !(ignore && StackMatches(*d, b, *ignore));
    if (keep || (focus && !whole)) {
      std::vector<std::pair<StringId, uint64_t>> sets;
      uint64_t labeled_kept = 0, labeled_removed = 0;
      for (const auto& set : b.labels) {
        std::string_view text = d->Str(set.first);
        bool in = (!focus || whole || LabelsMatch(text, *focus, &scratch)) &&
                  (!ignore || !LabelsMatch(text, *ignore, &scratch));
        if (in) {
          sets.push_back(set);
          labeled_kept += set.second;
        } else {
          labeled_removed += set.second;
        }
      }
      if (focus && !whole) {
        // Only goroutines of the sets kept (those beyond the 16 sets a bucket keeps are unknown).
        keep = labeled_kept > 0 && !(ignore && StackMatches(*d, b, *ignore));
        if (keep) ShrinkBucket(&b, labeled_kept);
        b.labeled = labeled_kept;
      } else if (labeled_removed > 0) {
        keep = b.count > labeled_removed;
        if (keep) ShrinkBucket(&b, b.count - labeled_removed);
        b.labeled -= std::min(b.labeled, labeled_removed);
      }
      b.labels = std::move(sets);
    }
    if (keep) {
      kept_goroutines += b.count;
      dropped += before - b.count;
      leaked += b.leaked;
      labeled += b.labeled;
      kept.push_back(std::move(b));
    } else {
      dropped += before;
    }
  }
  d->buckets = std::move(kept);
  if (dropped > 0) {
    d->warnings.push_back(fmt::format("{} of {} goroutines left out by{}{}", FormatCount(dropped),
                                      FormatCount(d->goroutines),
                                      focus ? " --focus '" + options.focus + "'" : "",
                                      ignore ? " --ignore '" + options.ignore + "'" : ""));
  }
  d->goroutines = kept_goroutines;
  d->leaked = leaked;
  d->labeled = labeled;
  return Status::Ok();
}

}  // namespace godx::stacks
