#include "trace/annotations.h"

#include <algorithm>
#include <cstddef>
#include <cmath>

namespace godx::trace {

int64_t Quantile(std::vector<int64_t>& v, double q) {
  if (v.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  const size_t i = std::min(v.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

namespace {

LatencyStats Stats(std::vector<int64_t>& v, uint64_t unended) {
  LatencyStats s;
  s.count = v.size();
  s.unended = unended;
  for (int64_t d : v) {
    s.total_ns += d;
    s.max_ns = std::max(s.max_ns, d);
  }
  s.p50_ns = Quantile(v, 0.5);
  s.p99_ns = Quantile(v, 0.99);
  return s;
}

}  // namespace

void AnnotationAnalyzer::OnEvent(const Event& e) {
  switch (e.kind) {
    case Kind::kUserTaskBegin: {
      ++r_.task_count;
      Task& t = tasks_[e.args[0]];
      t.name = std::string(e.str);
      t.begin_ns = e.time_ns;
      t.begun = true;
      break;
    }
    case Kind::kUserTaskEnd: {
      Task& t = tasks_[e.args[0]];
      t.end_ns = e.time_ns;
      t.ended = true;
      break;
    }
    case Kind::kUserRegionBegin:
      ++r_.region_count;
      region_events_.push_back({e.time_ns, e.g, true, e.str});
      break;
    case Kind::kUserRegionEnd:
      region_events_.push_back({e.time_ns, e.g, false, e.str});
      break;
    case Kind::kUserLog: {
      ++r_.log_count;
      LogCategory& c = r_.logs[std::string(e.str)];
      if (c.count++ == 0) c.example = std::string(e.str2.substr(0, 200));
      break;
    }
    default: break;
  }
}

void AnnotationAnalyzer::PairRegions() {
  std::stable_sort(region_events_.begin(), region_events_.end(),
                   [](const RegionEvent& a, const RegionEvent& b) {
                     return a.time_ns < b.time_ns;
                   });
  for (const RegionEvent& ev : region_events_) {
    auto& stack = open_regions_[ev.g];
    if (ev.begin) {
      stack.push_back({ev.name, ev.time_ns});
      continue;
    }
    // The innermost open region of that name ends (upstream matches by name too); an end whose
    // begin came before the trace started is not a latency.
    for (size_t i = stack.size(); i-- > 0;) {
      if (stack[i].name != ev.name) continue;
      auto it = region_ns_.find(ev.name);
      if (it == region_ns_.end()) it = region_ns_.emplace(std::string(ev.name), 0).first;
      it->second.push_back(ev.time_ns - stack[i].begin_ns);
      stack.erase(stack.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  region_events_.clear();
}

AnnotationResult AnnotationAnalyzer::Finish() {
  PairRegions();
  std::map<std::string, std::vector<int64_t>> task_ns;
  std::map<std::string, uint64_t> task_unended;
  for (const auto& [id, t] : tasks_) {
    if (!t.begun) continue;  // begun before the trace: its type is unknown
    if (t.ended) {
      task_ns[t.name].push_back(t.end_ns - t.begin_ns);
    } else {
      ++task_unended[t.name];
      task_ns[t.name];
    }
  }
  for (auto& [name, v] : task_ns) r_.tasks[name] = Stats(v, task_unended[name]);
  std::map<std::string, uint64_t> region_unended;
  for (const auto& [g, stack] : open_regions_) {
    for (const Open& o : stack) ++region_unended[std::string(o.name)];
  }
  for (auto& [name, v] : region_ns_) r_.regions[name] = Stats(v, region_unended[name]);
  for (const auto& [name, n] : region_unended) {
    if (!r_.regions.contains(name)) r_.regions[name].unended = n;
  }
  return std::move(r_);
}

}  // namespace godx::trace
