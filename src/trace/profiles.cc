#include "trace/profiles.h"

#include <algorithm>

#include "pprof/builder.h"

namespace godx::trace {

std::optional<ProfileKind> ParseProfileKind(std::string_view name) {
  if (name == "net") return ProfileKind::kNet;
  if (name == "sync") return ProfileKind::kSync;
  if (name == "syscall") return ProfileKind::kSyscall;
  if (name == "sched") return ProfileKind::kSched;
  return std::nullopt;
}

std::string_view ProfileKindName(ProfileKind k) {
  switch (k) {
    case ProfileKind::kNet: return "net";
    case ProfileKind::kSync: return "sync";
    case ProfileKind::kSyscall: return "syscall";
    case ProfileKind::kSched: return "sched";
  }
  return "?";
}

void BlockingProfiler::OnGeneration(const Generation& g) {
  resolver_ = g.resolver;
  old_format_ = g.number == 0;
  by_id_.clear();
}

uint32_t BlockingProfiler::Intern(uint64_t stack) {
  auto [it, added] = by_id_.try_emplace(stack, 0);
  if (!added) return it->second;
  std::vector<uint64_t> pcs;
  frames_.clear();
  if (stack != 0 && resolver_ != nullptr) resolver_->Frames(stack, &frames_);
  pcs.reserve(frames_.size());
  for (const Frame& f : frames_) pcs.push_back(f.pc);
  auto [rec, fresh] = by_pcs_.try_emplace(std::move(pcs), static_cast<uint32_t>(records_.size()));
  if (fresh) records_.push_back(ProfileRecord{frames_, 0, 0});
  it->second = rec->second;
  return it->second;
}

void BlockingProfiler::OnNewFormat(const Event& e) {
  const Transition& st = e.transition;
  if (!st.is_go()) return;
  const uint64_t id = st.id;
  const int64_t t = e.time_ns;
  if (st.go_to == GoState::kRunning) first_run_.try_emplace(id, t);
  GoState state = GoState::kRunnable;
  bool reason_ok = true;
  switch (kind_) {
    case ProfileKind::kNet:
      state = GoState::kWaiting;
      reason_ok = st.reason == "network";
      break;
    case ProfileKind::kSync:
      state = GoState::kWaiting;
      reason_ok = st.reason.find("chan") != std::string_view::npos ||
                  st.reason.find("sync") != std::string_view::npos ||
                  st.reason.find("select") != std::string_view::npos;
      break;
    case ProfileKind::kSyscall: state = GoState::kSyscall; break;
    case ProfileKind::kSched: state = GoState::kRunnable; break;
  }
  auto it = tracking_.find(id);
  if (it == tracking_.end()) {
    if (st.go_to == state && reason_ok) tracking_[id] = Tracked{t, Intern(e.stack)};
    return;
  }
  if (st.go_to == state) return;  // the same state again (a generation's status)
  const Tracked tr = it->second;
  tracking_.erase(it);
  // Clip to the goroutine's [first run, end]; a goroutine that has not run yet may never run,
  // and then its interval is the whole trace: decided at the end.
  auto run = first_run_.find(id);
  if (run == first_run_.end()) {
    deferred_.push_back(Deferred{id, tr.since, t, tr.record});
    return;
  }
  const int64_t overlap = t - std::max(tr.since, run->second);
  if (overlap > 0) Add(tr.record, overlap);
}

void BlockingProfiler::OnOldFormat(const Event& e) {
  // Old wire types (Go ≤1.21).
  const uint8_t type = e.wire_type;
  const int64_t t = e.time_ns;
  auto record = [&]() -> uint32_t {
    if (e.stack == 0) return UINT32_MAX;
    const uint32_t r = Intern(e.stack);
    return records_[r].stack.empty() ? UINT32_MAX : r;
  };
  auto link = [&](uint64_t g, auto counts) {
    auto it = last_.find(g);
    if (it == last_.end()) return;
    if (it->second.record != UINT32_MAX && counts(it->second.type)) {
      Add(it->second.record, t - it->second.time);
    }
    last_.erase(it);
  };
  auto is = [&](ProfileKind k) { return kind_ == k; };
  switch (type) {
    case 13:  // GoCreate
      last_[e.args[0]] = Last{type, t, record()};
      break;
    case 14: case 38: case 41:  // GoStart
      link(e.g, [&](uint8_t w) { return is(ProfileKind::kSched) && (w == 21 || w == 39 || w == 13); });
      break;
    case 21: case 39:  // GoUnblock
      link(e.args[0], [&](uint8_t w) {
        if (is(ProfileKind::kNet)) return w == 27;
        if (is(ProfileKind::kSync)) return w == 22 || w == 23 || w == 24 || w == 25 || w == 26 ||
                                           w == 42;
        return false;
      });
      last_[e.args[0]] = Last{21, t, record()};
      break;
    case 29: case 40:  // GoSysExit
      link(e.g, [&](uint8_t w) { return is(ProfileKind::kSyscall) && w == 28; });
      last_[e.g] = Last{29, t, UINT32_MAX};
      break;
    case 17: case 18: case 19: case 20: case 22: case 23: case 24: case 25: case 26: case 27:
    case 28: case 31: case 32: case 42:
      last_[e.g] = Last{type, t, record()};
      break;
    default: break;
  }
}

void BlockingProfiler::OnEvent(const Event& e) {
  if (old_format_) {
    OnOldFormat(e);
  } else {
    OnNewFormat(e);
  }
}

std::vector<ProfileRecord> BlockingProfiler::Records() {
  for (const Deferred& d : deferred_) {
    if (!first_run_.contains(d.g) && d.to > d.from) Add(d.record, d.to - d.from);
  }
  deferred_.clear();
  std::vector<ProfileRecord> out;
  for (ProfileRecord& r : records_) {
    if (r.count > 0) out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ProfileRecord& a, const ProfileRecord& b) { return a.ns > b.ns; });
  return out;
}

pprof::Profile BlockingProfiler::Profile() {
  const pprof::ProfileBuilder::Type types[] = {{"contentions", "count"},
                                               {"delay", "nanoseconds"}};
  pprof::ProfileBuilder b(types, {"trace", "count"}, 1);
  std::vector<uint32_t> stack;
  for (const ProfileRecord& r : Records()) {
    stack.clear();
    for (const Frame& f : r.stack) {
      stack.push_back(b.Frame(f.func, f.file, static_cast<int64_t>(f.line)));
    }
    const int64_t values[] = {r.count, r.ns};
    b.Sample(stack, values);
  }
  return b.Finish();
}

}  // namespace godx::trace
