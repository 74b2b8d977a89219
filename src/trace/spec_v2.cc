#include <array>

#include "trace/spec.h"

namespace godx::trace::v2 {

namespace {

using K = Kind;
using C = EventClass;

// Index = wire type. Structural types (batch framing, tables) are absent: they never appear as
// timed events inside an event batch.
constexpr std::array<Spec, 137> MakeTable() {
  std::array<Spec, 137> t{};
  auto set = [&](int type, std::string_view name, uint8_t nargs, K kind, C cls, int8_t str = -1,
                 int8_t stack = -1, uint8_t min = 22, int8_t str2 = -1) {
    t[type] = Spec{name, nargs, str, str2, stack, min, kind, cls};
  };
  set(9, "ProcsChange", 2, K::kProcsChange, C::kProc, -1, 1);
  set(10, "ProcStart", 2, K::kProcStart, C::kProc);
  set(11, "ProcStop", 0, K::kProcStop, C::kProc);
  set(12, "ProcSteal", 3, K::kProcSteal, C::kProc);
  set(13, "ProcStatus", 2, K::kProcStatus, C::kProc);
  set(14, "GoCreate", 3, K::kGoCreate, C::kGoroutine, -1, 2);
  set(15, "GoCreateSyscall", 1, K::kGoCreate, C::kGoroutine);
  set(16, "GoStart", 2, K::kGoStart, C::kGoroutine);
  set(17, "GoDestroy", 0, K::kGoEnd, C::kGoroutine);
  set(18, "GoDestroySyscall", 0, K::kGoEnd, C::kGoroutine);
  set(19, "GoStop", 2, K::kGoStop, C::kGoroutine, 0, 1);
  set(20, "GoBlock", 2, K::kGoBlock, C::kGoroutine, 0, 1);
  set(21, "GoUnblock", 3, K::kGoUnblock, C::kGoroutine, -1, 2);
  set(22, "GoSyscallBegin", 2, K::kGoSyscallBegin, C::kSyscall, -1, 1);
  set(23, "GoSyscallEnd", 0, K::kGoSyscallEnd, C::kSyscall);
  set(24, "GoSyscallEndBlocked", 0, K::kGoSyscallEndBlocked, C::kSyscall);
  set(25, "GoStatus", 3, K::kGoStatus, C::kGoroutine);
  set(26, "STWBegin", 2, K::kStwBegin, C::kGc, 0, 1);
  set(27, "STWEnd", 0, K::kStwEnd, C::kGc);
  set(28, "GCActive", 1, K::kGcActive, C::kGc);
  set(29, "GCBegin", 2, K::kGcBegin, C::kGc, -1, 1);
  set(30, "GCEnd", 1, K::kGcEnd, C::kGc);
  set(31, "GCSweepActive", 1, K::kOther, C::kGc);
  set(32, "GCSweepBegin", 1, K::kGcSweepBegin, C::kGc, -1, 0);
  set(33, "GCSweepEnd", 2, K::kGcSweepEnd, C::kGc);
  set(34, "GCMarkAssistActive", 1, K::kOther, C::kGc);
  set(35, "GCMarkAssistBegin", 1, K::kGcMarkAssistBegin, C::kGc, -1, 0);
  set(36, "GCMarkAssistEnd", 0, K::kGcMarkAssistEnd, C::kGc);
  set(37, "HeapAlloc", 1, K::kHeapAlloc, C::kHeap);
  set(38, "HeapGoal", 1, K::kHeapGoal, C::kHeap);
  set(39, "GoLabel", 1, K::kGoLabel, C::kUser, 0);
  set(40, "UserTaskBegin", 4, K::kUserTaskBegin, C::kUser, 2, 3);
  set(41, "UserTaskEnd", 2, K::kUserTaskEnd, C::kUser, -1, 1);
  set(42, "UserRegionBegin", 3, K::kUserRegionBegin, C::kUser, 1, 2);
  set(43, "UserRegionEnd", 3, K::kUserRegionEnd, C::kUser, 1, 2);
  set(44, "UserLog", 4, K::kUserLog, C::kUser, 1, 3, 22, 2);
  // Go 1.23: coroutine switches (iter.Pull) and goroutine status with a stack.
  set(45, "GoSwitch", 2, K::kOther, C::kGoroutine, -1, -1, 23);
  set(46, "GoSwitchDestroy", 2, K::kOther, C::kGoroutine, -1, -1, 23);
  set(47, "GoCreateBlocked", 3, K::kGoCreate, C::kGoroutine, -1, 2, 23);
  set(48, "GoStatusStack", 4, K::kGoStatus, C::kGoroutine, -1, 3, 23);
  // Go 1.23: the allocation/free experiment (GODEBUG=traceallocfree=1).
  set(128, "Span", 3, K::kExperimental, C::kOther, -1, -1, 23);
  set(129, "SpanAlloc", 3, K::kExperimental, C::kOther, -1, -1, 23);
  set(130, "SpanFree", 1, K::kExperimental, C::kOther, -1, -1, 23);
  set(131, "HeapObject", 2, K::kExperimental, C::kOther, -1, -1, 23);
  set(132, "HeapObjectAlloc", 2, K::kExperimental, C::kOther, -1, -1, 23);
  set(133, "HeapObjectFree", 1, K::kExperimental, C::kOther, -1, -1, 23);
  set(134, "GoroutineStack", 2, K::kExperimental, C::kOther, -1, -1, 23);
  set(135, "GoroutineStackAlloc", 2, K::kExperimental, C::kOther, -1, -1, 23);
  set(136, "GoroutineStackFree", 1, K::kExperimental, C::kOther, -1, -1, 23);
  return t;
}

constexpr std::array<Spec, 137> kTable = MakeTable();

}  // namespace

const Spec* TimedSpec(uint8_t type, int minor) {
  if (type >= kTable.size()) return nullptr;
  const Spec& s = kTable[type];
  if (s.name.empty() || s.min_minor > minor) return nullptr;
  return &s;
}

}  // namespace godx::trace::v2
