// The scheduler trace model: one sample per "SCHED" line, with the scheddetail P/M/G lines that
// follow it folded into per-sample counts.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/string_pool.h"

namespace godx::schedlog {

inline constexpr int32_t kUnknown = -1;

// G status numbers (runtime2.go), _Gscan bit removed.
inline constexpr int kGStatusCount = 10;
const char* GStatusName(int status);

struct SchedSample {
  uint64_t line = 0;
  int64_t t_ms = 0;  // since the first schedtrace call (not process start)
  int32_t gomaxprocs = 0, idleprocs = 0, threads = 0, spinningthreads = 0,
          needspinning = kUnknown, idlethreads = 0, runqueue = 0;
  // Detailed mode only (kUnknown otherwise).
  int32_t gcwaiting = kUnknown, nmidlelocked = kUnknown, stopwait = kUnknown,
          sysmonwait = kUnknown;
  // Per-P local run queues: the "[a b c]" list, or runqsize= of scheddetail P lines.
  uint32_t local_begin = 0, local_count = 0;  // into SchedTrace::local_queues
  // Per-P scheduler tick counts: Go 1.25's "schedticks=[...]" (into SchedTrace::schedticks).
  uint32_t ticks_begin = 0, ticks_count = 0;
  int64_t local_sum = 0, local_max = 0, local_min = 0;
  bool detail = false;
  // How the per-P run queues were printed: "[ 1 2 ]" (spaces inside, Go 1.25+) or "[1 2]".
  bool spaced_list = false;
  // scheddetail's gcwaiting= and sysmonwait= printed as true/false (newer) rather than 0/1.
  bool bool_flags = false;
  int32_t detail_index = -1;  // into SchedTrace::details when detail
};

// One P as a scheddetail "P<i>:" line showed it, with the goroutine its M was running.
struct PState {
  int32_t status = kUnknown;
  int64_t schedtick = -1;
  int32_t m = kUnknown;
  int64_t curg = -1;  // from the "M<id>: p=<i> curg=<goid>" line, -1 when none
};

// What the scheddetail lines after one SCHED line said.
struct DetailSnapshot {
  std::vector<PState> p;  // indexed by P id
  uint32_t sample = 0;
  uint32_t goroutines = 0;
  std::array<uint32_t, kGStatusCount + 1> by_status{};  // last slot: unknown status numbers
  std::vector<std::pair<StringId, uint32_t>> by_wait_reason;  // only for status 4 (waiting)
  uint32_t ms = 0, ms_blocked = 0, ms_spinning = 0, ms_locked = 0;
  uint32_t ps = 0, ps_in_syscall = 0;
  uint32_t locked_goroutines = 0;
  // Goroutines in a system call (status 3) whose G line names an M ("m=5"): each holds that OS
  // thread until the call returns (by_status[3] counts them all).
  uint32_t syscall_threads = 0;
};

// Details of the format that changed between releases, counted over the whole log
// (schedlog/release.h turns them into a range of releases).
struct SchedFormatSigns {
  uint64_t with_needspinning = 0, without_needspinning = 0;  // SCHED lines
  uint64_t spaced_lists = 0, tight_lists = 0;                // "[ a b ]" vs "[a b]"
  uint64_t with_schedticks = 0;                              // "schedticks=[ ... ]"
  uint64_t bool_flags = 0;  // scheddetail SCHED lines with "gcwaiting=false" (not "=0")
  uint64_t nil_ids = 0, minus_one_ids = 0;  // scheddetail M/G lines: "curg=nil" vs "curg=-1"
};

// A change of gomaxprocs= from one SCHED line to the next.
struct SchedProcsChange {
  size_t sample = 0;  // the first sample with the new count
  int32_t from = 0, to = 0;
};

struct SchedTrace {
  std::vector<SchedSample> samples;
  std::vector<int32_t> local_queues;
  std::vector<int64_t> schedticks;
  std::vector<DetailSnapshot> details;
  StringPool wait_reasons;
  uint64_t lines = 0, other_lines = 0;
  uint64_t malformed = 0, first_malformed_line = 0;
  std::string first_malformed_why;
  uint64_t restarts = 0;  // the ms clock went back: several runs in one log
  // Samples read from a line that held several (a paste that lost its line ends).
  uint64_t joined_samples = 0;
  // scheddetail blocks whose "SCHED ..." line was not in the text: their sample's GOMAXPROCS, idle
  // Ps and threads are counted from the P and M lines; its time is the previous sample's.
  uint64_t headerless_details = 0;
  SchedFormatSigns signs;
  std::vector<SchedProcsChange> procs_changes;  // every change, in order
};

}  // namespace godx::schedlog
