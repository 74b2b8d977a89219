#include "live/leak_verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/units.h"

namespace godx::live {

namespace {

constexpr size_t kMaxEvidence = 5;
constexpr size_t kMaxRows = 20;

int Rank(const std::string& verdict) {
  return verdict == "confirmed" ? 0 : verdict == "reachable" ? 1 : 2;
}

std::string Count(int64_t v) { return v < 0 ? "?" : FormatCount(uint64_t(v)); }

}  // namespace

LeakComparison CompareLeaks(const CountProfile* start, const CountProfile* end,
                            const CountProfile* leaked, double span_s) {
  LeakComparison c;
  c.offered = leaked != nullptr;
  c.leaked = leaked ? leaked->total : 0;
  // Half a second is too short to tell growth from requests in flight.
  c.growth_known = start && end && span_s >= 0.5;
  std::map<std::string, LeakSite> by_pcs;
  std::map<std::string, std::string> site_of;
  auto add = [&](const CountProfile* p, int64_t LeakSite::*field) {
    if (!p) return;
    for (const auto& b : p->buckets) {
      LeakSite& s = by_pcs[b.pcs];
      if (s.site.empty()) s.site = b.site;
      s.*field = (s.*field < 0 ? 0 : s.*field) + int64_t(b.count);
    }
  };
  add(start, &LeakSite::before);
  add(end, &LeakSite::after);
  add(leaked, &LeakSite::leaked);
  for (auto& [pcs, s] : by_pcs) {
    if (s.leaked < 0) s.leaked = 0;
    if (c.growth_known) {
      if (s.before < 0) s.before = 0;
      if (s.after < 0) s.after = 0;
    }
    bool growing = c.growth_known && s.after - s.before >= kBucketGrowthMin;
    if (growing && s.leaked > 0) {
      s.verdict = "confirmed";
    } else if (growing && c.offered) {
      s.verdict = "reachable";
    } else if (s.leaked > 0) {
      s.verdict = "leaked";
    } else {
      continue;  // neither grew nor leaked; or grew with no verdict to hold it against
    }
    c.sites.push_back(s);
  }
  std::stable_sort(c.sites.begin(), c.sites.end(), [](const LeakSite& a, const LeakSite& b) {
    if (Rank(a.verdict) != Rank(b.verdict)) return Rank(a.verdict) < Rank(b.verdict);
    return std::max(a.leaked, a.after) > std::max(b.leaked, b.after);
  });
  return c;
}

void AddLeakVerdict(const LeakComparison& c, Report* r) {
  Json sites = Json::array();
  for (const auto& s : c.sites) {
    sites.push_back(Json{{"site", s.site},
                         {"before", s.before < 0 ? Json(nullptr) : Json(s.before)},
                         {"after", s.after < 0 ? Json(nullptr) : Json(s.after)},
                         {"leaked", s.leaked},
                         {"verdict", s.verdict}});
  }
  r->summary["goroutine_leak"] =
      Json{{"offered", c.offered},
           {"note", c.note.empty() ? Json(nullptr) : Json(c.note)},
           {"leaked", c.offered ? Json(c.leaked) : Json(nullptr)},
           {"growth_known", c.growth_known},
           {"sites", std::move(sites)}};
  if (!c.offered) {
    if (!c.note.empty()) r->facts.push_back({"Leaked (runtime)", c.note});
    return;
  }
  size_t leak_sites = 0;
  for (const auto& s : c.sites) leak_sites += s.leaked > 0;
  r->facts.push_back(
      {"Leaked (runtime)",
       c.leaked == 0
           ? std::string("none: the GC found every blocked goroutine reachable")
           : fmt::format("{} goroutine{} the GC proved unreachable, at {} site{}",
                         FormatCount(c.leaked), c.leaked == 1 ? "" : "s", leak_sites,
                         leak_sites == 1 ? "" : "s")});

  Table t{"Goroutine leaks: the runtime's verdict against growth during the capture",
          {"Site", "Start", "End", "Leaked", "Verdict"},
          {false, true, true, true, false},
          {},
          0};
  for (size_t i = 0; i < c.sites.size() && i < kMaxRows; ++i) {
    const auto& s = c.sites[i];
    t.rows.push_back({s.site, Count(s.before), Count(s.after), Count(s.leaked), s.verdict});
  }
  if (!t.rows.empty()) r->tables.push_back(std::move(t));

  struct Kind {
    const char* verdict;
    const char* id;
    Severity severity;
  };
  for (const Kind& k : {Kind{"confirmed", "goroutine-leak-confirmed", Severity::kCritical},
                        Kind{"leaked", "goroutine-leak-runtime", Severity::kWarning},
                        Kind{"reachable", "goroutine-growth-reachable", Severity::kInfo}}) {
    std::vector<const LeakSite*> of;
    int64_t leaked = 0, grew = 0;
    for (const auto& s : c.sites) {
      if (s.verdict != k.verdict) continue;
      of.push_back(&s);
      leaked += s.leaked;
      grew += std::max<int64_t>(0, s.after) - std::max<int64_t>(0, s.before);
    }
    if (of.empty()) continue;
    Finding f;
    f.id = k.id;
    f.severity = k.severity;
    std::string where = of.size() == 1 ? of[0]->site : fmt::format("{} sites", of.size());
    if (std::string_view(k.verdict) == "confirmed") {
      f.title = fmt::format(
          "Confirmed leak: {} goroutines in {} grew during the capture and the runtime proved "
          "them unreachable",
          FormatCount(uint64_t(leaked)), where);
      f.advice =
          "Both godx's growth check and the GC agree: these goroutines wait on something no "
          "running code can reach. Give them a way out (close the channel, cancel a context, "
          "add a timeout) at the site shown. goroutineleak.pb.gz holds their full stacks "
          "('godx pprof'), goroutine.debug2.txt their creation sites.";
    } else if (std::string_view(k.verdict) == "leaked") {
      f.title = fmt::format(
          "{} goroutine{} in {} can never run again (the runtime's leak check), although "
          "{} did not grow during the capture",
          FormatCount(uint64_t(leaked)), leaked == 1 ? "" : "s", where,
          leaked == 1 ? "it" : "they");
      f.advice =
          "A small or past leak: each leaked goroutine keeps its stack and what it references "
          "forever. Look at the site for a send or receive that nobody will complete "
          "(goroutineleak.pb.gz holds the full stacks).";
    } else {
      f.title = fmt::format(
          "{} goroutine{} more in {} during the capture, but the runtime does not mark them "
          "leaked: still reachable",
          FormatCount(uint64_t(grew)), grew == 1 ? "" : "s", where);
      f.advice =
          "Something reachable can still wake them (a queue, a pool, requests in flight): a "
          "backlog that may drain, not a leak. Watch longer ('godx watch') to see whether it "
          "falls again.";
    }
    for (size_t i = 0; i < of.size() && i < kMaxEvidence; ++i) {
      const LeakSite& s = *of[i];
      std::string line = s.site + ": ";
      if (s.before >= 0 && s.after >= 0) {
        line += fmt::format("{} → {} goroutines (goroutine.debug1.txt → goroutine.debug1.end.txt)",
                            s.before, s.after);
      }
      if (c.offered) {
        line += fmt::format("{}{} leaked (goroutineleak.debug1.txt)",
                            s.before >= 0 && s.after >= 0 ? "; " : "", s.leaked);
      }
      f.evidence.push_back(std::move(line));
    }
    if (of.size() > kMaxEvidence) {
      f.evidence.push_back(fmt::format("… and {} more sites", of.size() - kMaxEvidence));
    }
    r->findings.push_back(std::move(f));
  }
}

}  // namespace godx::live
