#include "stacks/filter.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <memory>

#include "core/units.h"

namespace godx::stacks {

namespace {

bool Matches(const Dump& d, const Bucket& b, const RE2& re) {
  for (const Frame& f : b.frames) {
    std::string_view fn = d.Str(f.function);
    if (RE2::PartialMatch(re2::StringPiece(fn.data(), fn.size()), re)) return true;
  }
  for (StringId id : {b.created_by.function, b.state()}) {
    std::string_view s = d.Str(id);
    if (!s.empty() && RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re)) return true;
  }
  return false;
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
  uint64_t kept_goroutines = 0, dropped = 0;
  for (Bucket& b : d->buckets) {
    bool keep = (!focus || Matches(*d, b, *focus)) && (!ignore || !Matches(*d, b, *ignore));
    if (keep) {
      kept_goroutines += b.count;
      kept.push_back(std::move(b));
    } else {
      dropped += b.count;
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
  return Status::Ok();
}

}  // namespace godx::stacks
