// Goroutine analysis with the meaning of `go tool trace`'s goroutine pages (its Summarizer in
// internal/trace/summary.go): per goroutine, from the ordered state transitions, the time spent
// executing, waiting for the scheduler (runnable), blocked by reason, in syscalls holding a P
// ("syscall execution") and after losing it ("syscall block"), and in GC mark assist, incremental
// sweep and stop-the-world ranges; goroutines grouped by start function. Memory is per goroutine,
// not per event.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/model.h"

namespace godx::trace {

inline constexpr int64_t kUnsetNs = INT64_MIN;

struct GoroutineSummary {
  uint64_t id = 0;
  std::string name;  // start function ("" when no stack named it)
  int64_t creation_ns = 0;
  int64_t start_ns = kUnsetNs;  // first time running
  int64_t end_ns = kUnsetNs;    // exit (or a block "forever")
  int64_t exec_ns = 0, sched_wait_ns = 0, syscall_ns = 0, syscall_block_ns = 0, total_ns = 0;
  std::map<std::string, int64_t> block_ns;  // by reason
  std::map<std::string, int64_t> range_ns;  // "GC mark assist", "GC incremental sweep", STWs

  // The views `godx trace` shows (the same split as `go tool trace -pprof=sync|net`).
  int64_t SyncBlockNs() const;     // reasons with "chan", "sync" or "select"
  int64_t NetworkBlockNs() const;  // "network"
  int64_t OtherBlockNs() const;    // sleep, GC waits, "forever" excluded ...
  int64_t WaitNs() const { return sched_wait_ns + SyncBlockNs() + NetworkBlockNs() +
                                  syscall_block_ns; }
};

struct GoroutineGroup {
  std::string name;
  uint64_t count = 0;
  int64_t exec_ns = 0, sched_wait_ns = 0, sync_block_ns = 0, network_block_ns = 0,
          other_block_ns = 0, syscall_ns = 0, syscall_block_ns = 0, gc_assist_ns = 0,
          sweep_ns = 0, total_ns = 0;
  std::vector<GoroutineSummary> worst;  // the longest waiting (WaitNs), at most kWorstPerGroup
};

// Time syscalls held their P (the P could run nothing else), by the function that made them.
struct SyscallHold {
  std::string function;
  uint64_t count = 0;
  int64_t held_ns = 0;
};

struct GoroutineAnalysis {
  std::vector<GoroutineGroup> groups;  // by execution time, descending (as go tool trace)
  uint64_t goroutines = 0;
  std::vector<SyscallHold> syscalls;   // by held time, descending
  int64_t end_ns = 0;                  // the closing sync time
  // Goroutines running when the trace ended, and what each did last (for cut traces).
  struct Running {
    uint64_t id;
    std::string name;
    std::string last_event;  // "GoBlock (chan receive)" ...
    int64_t last_ns;
  };
  std::vector<Running> running_at_end;
};

inline constexpr size_t kWorstPerGroup = 3;

class GoroutineAnalyzer : public EventSink {
 public:
  void OnGeneration(const Generation& g) override;
  void OnEvent(const Event& e) override;
  void OnEnd(int64_t sync_ns) override;
  GoroutineAnalysis Finish();

  // Every goroutine (finished by Finish); for tests.
  const std::unordered_map<uint64_t, GoroutineSummary>& goroutines() const { return gs_; }

 private:
  struct Pending {
    int64_t start = kUnsetNs, runnable = kUnsetNs, block = kUnsetNs, syscall = kUnsetNs,
            syscall_block = kUnsetNs;
    std::string block_reason;
    std::map<std::string, int64_t> ranges;  // range name → since
    size_t syscall_fn = SIZE_MAX;           // index into syscalls_ of the pending syscall
    bool finalized = false;
    std::string_view last_event;
    std::string_view last_detail;
    int64_t last_ns = 0;
  };
  GoroutineSummary& Create(uint64_t id, int64_t creation);
  void Finalize(GoroutineSummary& g, Pending& p, int64_t last, bool ended);
  void OnTransition(const Event& e);
  void OnRange(const Event& e);
  std::string NameFromStack(uint64_t stack);
  size_t SyscallFunction(uint64_t stack);
  void EndHold(uint64_t g, int64_t at);

  const StackResolver* resolver_ = nullptr;
  std::vector<Frame> frames_;
  int64_t sync_ns_ = kUnsetNs, last_ns_ = 0;
  bool ended_ = false;
  std::unordered_map<uint64_t, GoroutineSummary> gs_;
  std::unordered_map<uint64_t, Pending> pending_;
  std::unordered_map<uint64_t, uint64_t> syscalling_p_;  // P → goroutine in a syscall on it
  std::unordered_map<uint64_t, uint64_t> syscalling_g_;  // goroutine → its P
  std::map<std::pair<uint64_t, std::string>, uint64_t> ranges_p_;  // (P, range) → goroutine
  std::vector<SyscallHold> syscalls_;
  std::unordered_map<std::string, size_t> syscall_index_;
  std::unordered_map<uint64_t, size_t> syscall_stack_cache_;  // per generation
  std::unordered_map<uint64_t, std::string> name_cache_;      // per generation
};

}  // namespace godx::trace
