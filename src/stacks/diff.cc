#include "stacks/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "core/units.h"

namespace godx::stacks {

namespace {

// Thresholds (docs/formats/goroutine-dumps.md, "Diff findings").
constexpr int64_t kGrowthMin = 10;       // goroutines more in one stack...
constexpr double kGrowthMinRatio = 1.25;  // ...and this many times as many as before
constexpr int64_t kGrowthCritical = 1000;

// `lenient` when one dump is a ?debug=1 profile and the other is not: debug=1 hides the runtime
// frames on top of each stack (runtime.gopark, chanrecv...) and has no "created by" lines, so
// both are left out of the comparison.
std::string Signature(const Dump& d, const Bucket& b, bool lenient) {
  std::string s;
  auto add = [&](const Frame& f) {
    s.append(d.Str(f.function));
    if (d.similarity != Similarity::kLines) {
      s.push_back('\x1f');
      s.append(d.Str(f.file));
      s += fmt::format(":{}", f.line);
    }
    s.push_back('\x1e');
  };
  size_t first = 0;
  if (lenient) {
    while (first < b.frames.size() && d.Str(b.frames[first].function).substr(0, 8) == "runtime.")
      ++first;
  }
  for (size_t i = first; i < b.frames.size(); ++i) add(b.frames[i]);
  s.push_back('\x1d');
  if (!lenient) add(b.created_by);
  return s;
}

// The same stack where only callers' lines moved: the innermost frame with its file:line, the
// functions of the rest, and the creator's function. Two dumps of one process rarely differ
// so, but a goroutine writing the dump (runtime/pprof.writeGoroutine... called from a different
// line) or a rebuilt binary does.
std::string LooseSignature(const Dump& d, const Bucket& b, bool lenient) {
  std::string s;
  size_t first = 0;
  if (lenient) {
    while (first < b.frames.size() && d.Str(b.frames[first].function).substr(0, 8) == "runtime.")
      ++first;
  }
  for (size_t i = first; i < b.frames.size(); ++i) {
    s.append(d.Str(b.frames[i].function));
    if (i == first) s += fmt::format("\x1f{}:{}", d.Str(b.frames[i].file), b.frames[i].line);
    s.push_back('\x1e');
  }
  s.push_back('\x1d');
  if (!lenient) s.append(d.Str(b.created_by.function));
  return s;
}

// Buckets of one dump by signature: the first bucket with it, and the goroutines of all.
struct Side {
  size_t index = 0;
  uint64_t count = 0;
  bool matched = false;
};

}  // namespace

const char* ChangeName(Change c) {
  switch (c) {
    case Change::kGrew:
      return "grew";
    case Change::kShrank:
      return "shrank";
    case Change::kAppeared:
      return "appeared";
    case Change::kVanished:
      return "vanished";
    case Change::kSame:
      return "same";
  }
  return "same";
}

DumpDiff DiffDumps(const Dump& before, const Dump& after) {
  DumpDiff diff;
  diff.before_total = before.goroutines;
  diff.after_total = after.goroutines;
  const bool lenient = before.debug1 != after.debug1;
  std::unordered_map<std::string, Side> old_sides;
  std::vector<std::string> old_order;
  old_sides.reserve(before.buckets.size());
  for (size_t i = 0; i < before.buckets.size(); ++i) {
    std::string sig = Signature(before, before.buckets[i], lenient);
    auto [it, inserted] = old_sides.try_emplace(sig, Side{i, 0, false});
    if (inserted) old_order.push_back(sig);
    it->second.count += before.buckets[i].count;
  }
  std::unordered_map<std::string, Side> new_sides;
  std::vector<std::string> new_order;
  for (size_t i = 0; i < after.buckets.size(); ++i) {
    std::string sig = Signature(after, after.buckets[i], lenient);
    auto [it, inserted] = new_sides.try_emplace(sig, Side{i, 0, false});
    if (inserted) new_order.push_back(sig);
    it->second.count += after.buckets[i].count;
  }
  for (const std::string& sig : new_order) {
    const Side& now = new_sides[sig];
    DiffEntry e;
    e.after_index = static_cast<int64_t>(now.index);
    e.after = now.count;
    auto it = old_sides.find(sig);
    if (it != old_sides.end()) {
      it->second.matched = true;
      e.before_index = static_cast<int64_t>(it->second.index);
      e.before = it->second.count;
      e.change = e.after > e.before   ? Change::kGrew
                 : e.after < e.before ? Change::kShrank
                                      : Change::kSame;
    } else {
      e.change = Change::kAppeared;
    }
    diff.entries.push_back(e);
  }
  // Second pass: a stack that appeared and one that vanished which differ only in callers'
  // lines are one stack.
  {
    std::unordered_map<std::string, size_t> vanished;  // loose signature -> old_order index
    for (size_t k = 0; k < old_order.size(); ++k) {
      const Side& was = old_sides[old_order[k]];
      if (!was.matched)
        vanished.try_emplace(LooseSignature(before, before.buckets[was.index], lenient), k);
    }
    for (DiffEntry& e : diff.entries) {
      if (e.change != Change::kAppeared) continue;
      auto it = vanished.find(
          LooseSignature(after, after.buckets[static_cast<size_t>(e.after_index)], lenient));
      if (it == vanished.end()) continue;
      Side& was = old_sides[old_order[it->second]];
      vanished.erase(it);
      was.matched = true;
      e.before_index = static_cast<int64_t>(was.index);
      e.before = was.count;
      e.callers_moved = true;
      e.change = e.after > e.before   ? Change::kGrew
                 : e.after < e.before ? Change::kShrank
                                      : Change::kSame;
    }
  }
  for (const std::string& sig : old_order) {
    const Side& was = old_sides[sig];
    if (was.matched) continue;
    DiffEntry e;
    e.before_index = static_cast<int64_t>(was.index);
    e.before = was.count;
    e.change = Change::kVanished;
    diff.entries.push_back(e);
  }
  std::stable_sort(diff.entries.begin(), diff.entries.end(),
                   [](const DiffEntry& a, const DiffEntry& b) {
                     int64_t da = std::llabs(a.delta()), db = std::llabs(b.delta());
                     if (da != db) return da > db;
                     return a.after > b.after;
                   });
  return diff;
}

Report AnalyzeDiff(const Dump& before, const Dump& after, const DumpDiff& diff,
                   const AnalyzeOptions& options, const ViewOptions& view) {
  Report r;
  r.kind = "stacks-diff";
  r.source = before.source + " → " + after.source;
  int64_t total_delta =
      static_cast<int64_t>(diff.after_total) - static_cast<int64_t>(diff.before_total);
  r.title = fmt::format("Goroutine dump diff: {} → {} goroutines ({:+})",
                        FormatCount(diff.before_total), FormatCount(diff.after_total), total_delta);
  size_t n[5] = {0, 0, 0, 0, 0};
  int64_t sum[5] = {0, 0, 0, 0, 0};
  for (const DiffEntry& e : diff.entries) {
    ++n[static_cast<int>(e.change)];
    sum[static_cast<int>(e.change)] += e.delta();
  }
  r.facts.push_back(
      {"Before", fmt::format("{} goroutines in {} stacks", FormatCount(diff.before_total),
                             FormatCount(before.buckets.size()))});
  r.facts.push_back(
      {"After", fmt::format("{} goroutines in {} stacks", FormatCount(diff.after_total),
                            FormatCount(after.buckets.size()))});
  r.facts.push_back({"Grew", fmt::format("{} stacks, {:+} goroutines", n[0], sum[0])});
  r.facts.push_back({"Shrank", fmt::format("{} stacks, {:+} goroutines", n[1], sum[1])});
  r.facts.push_back({"Appeared", fmt::format("{} stacks, {:+} goroutines", n[2], sum[2])});
  r.facts.push_back({"Vanished", fmt::format("{} stacks, {:+} goroutines", n[3], sum[3])});

  auto bucket_of = [&](const DiffEntry& e) -> std::pair<const Dump*, const Bucket*> {
    if (e.after_index >= 0) return {&after, &after.buckets[static_cast<size_t>(e.after_index)]};
    return {&before, &before.buckets[static_cast<size_t>(e.before_index)]};
  };

  for (const DiffEntry& e : diff.entries) {
    if (e.change != Change::kGrew && e.change != Change::kAppeared) continue;
    int64_t d = e.delta();
    double ratio =
        e.before == 0 ? 1e9 : static_cast<double>(e.after) / static_cast<double>(e.before);
    if (d < kGrowthMin || ratio < kGrowthMinRatio) continue;
    auto [dump, b] = bucket_of(e);
    WaitClass wc = BucketWaitClass(*dump, *b);
    Finding f;
    f.id = "leak-confirmed";
    bool blocked = IsBlockingWait(wc) || wc == WaitClass::kIO;
    f.severity = d >= kGrowthCritical ? Severity::kCritical : Severity::kWarning;
    int u = UserFrame(*dump, b->frames);
    std::string site = u >= 0
                           ? FrameSite(*dump, b->frames[static_cast<size_t>(u)])
                           : (b->frames.empty() ? "(no frames)" : FrameSite(*dump, b->frames[0]));
    f.title =
        fmt::format("{} goroutines more {} at {} ({} → {})", FormatCount(static_cast<uint64_t>(d)),
                    blocked ? "blocked in " + std::string(WaitClassName(wc)) : "in one stack", site,
                    FormatCount(e.before), FormatCount(e.after));
    f.evidence.push_back(fmt::format(
        "{} → {} goroutines ({:+}{}) on this stack between the two dumps", FormatCount(e.before),
        FormatCount(e.after), d,
        e.before == 0 ? std::string()
                      : fmt::format(", ×{:.2f}", static_cast<double>(e.after) /
                                                     static_cast<double>(e.before))));
    // debug=1 profiles print no states: say the wait class the frames show instead.
    std::string state(dump->Str(b->state()));
    if (state.empty() && wc != WaitClass::kOther) state = std::string(WaitClassName(wc));
    std::string created =
        b->created_by.function ? "created by " + FrameSite(*dump, b->created_by) : "";
    if (!state.empty())
      f.evidence.push_back(
          fmt::format("state [{}]{}", state, created.empty() ? "" : ", " + created));
    else if (!created.empty())
      f.evidence.push_back(created);
    if (e.change == Change::kAppeared)
      f.evidence.push_back("this stack was absent from the first dump");
    f.advice = blocked ? "A stack that only grows while its goroutines wait is a leak: find who "
                         "should wake them (send, close, cancel) and why it does not."
                       : "This stack grows between dumps: check that its goroutines finish.";
    r.findings.push_back(std::move(f));
    if (r.findings.size() >= 10) break;
  }

  Table t;
  t.title = "Stacks that changed (largest change first)";
  t.columns = {"Change", "Before", "After", "Delta", "State", "Stack"};
  t.right = {false, true, true, true, false, false};
  size_t shown = 0, limit = view.top == 0 ? SIZE_MAX : view.top;
  Json entries = Json::array();
  for (const DiffEntry& e : diff.entries) {
    auto [dump, b] = bucket_of(e);
    if (e.change != Change::kSame && shown < limit) {
      ++shown;
      int u = UserFrame(*dump, b->frames);
      std::string site = u >= 0
                             ? FrameSite(*dump, b->frames[static_cast<size_t>(u)])
                             : (b->frames.empty() ? "(no frames)" : FrameSite(*dump, b->frames[0]));
      t.rows.push_back({std::string(ChangeName(e.change)) + (e.callers_moved ? " *" : ""),
                        FormatCount(e.before), FormatCount(e.after),
                        fmt::format("{:+}", e.delta()), std::string(dump->Str(b->state())), site});
    }
    if (options.json) {
      Json j = BucketJson(*dump, *b);
      j.erase("count");
      entries.push_back(Json{{"change", ChangeName(e.change)},
                             {"before", e.before},
                             {"after", e.after},
                             {"delta", e.delta()},
                             {"callers_moved", e.callers_moved},
                             {"bucket", std::move(j)}});
    }
  }
  size_t changed = diff.entries.size() - n[4];
  if (changed > shown) t.omitted_rows = changed - shown;
  size_t moved = 0;
  for (const DiffEntry& e : diff.entries) moved += e.callers_moved;
  if (moved > 0)
    r.facts.push_back({"Callers moved", fmt::format("{} stack{} matched although a caller's line "
                                                    "differs (marked * when its count changed)",
                                                    moved, moved == 1 ? "" : "s")});
  if (!t.rows.empty()) r.tables.push_back(std::move(t));

  r.summary["before_goroutines"] = diff.before_total;
  r.summary["after_goroutines"] = diff.after_total;
  r.summary["delta"] = total_delta;
  r.summary["grew"] = n[0];
  r.summary["shrank"] = n[1];
  r.summary["appeared"] = n[2];
  r.summary["vanished"] = n[3];
  r.summary["unchanged"] = n[4];
  r.extra["changes"] = std::move(entries);
  for (const auto& w : before.warnings) r.warnings.push_back(before.source + ": " + w);
  for (const auto& w : after.warnings) r.warnings.push_back(after.source + ": " + w);
  if (before.truncated)
    r.warnings.push_back(before.source + " is truncated: " + before.truncated_why);
  if (after.truncated) r.warnings.push_back(after.source + " is truncated: " + after.truncated_why);
  return r;
}

}  // namespace godx::stacks
