#include <array>

#include "trace/spec.h"

namespace godx::trace::v1 {

namespace {

using K = Kind;
using C = EventClass;

constexpr std::array<Spec, kEvCount> MakeTable() {
  std::array<Spec, kEvCount> t{};
  auto set = [&](int type, std::string_view name, uint16_t min, uint8_t nargs, bool stack, K kind,
                 C cls, int8_t str = -1) { t[type] = Spec{name, min, nargs, stack, str, kind, cls}; };
  // Structure: handled by the reader itself, listed for their names and versions.
  set(1, "Batch", 1005, 2, false, K::kOther, C::kOther);
  set(2, "Frequency", 1005, 1, false, K::kOther, C::kOther);
  set(3, "Stack", 1005, 2, false, K::kOther, C::kOther);
  set(4, "Gomaxprocs", 1005, 1, true, K::kProcsChange, C::kProc);
  set(5, "ProcStart", 1005, 1, false, K::kProcStart, C::kProc);
  set(6, "ProcStop", 1005, 0, false, K::kProcStop, C::kProc);
  set(7, "GCStart", 1005, 1, true, K::kGcBegin, C::kGc);
  set(8, "GCDone", 1005, 0, false, K::kGcEnd, C::kGc);
  set(9, "GCSTWStart", 1005, 1, false, K::kStwBegin, C::kGc);
  set(10, "GCSTWDone", 1005, 0, false, K::kStwEnd, C::kGc);
  set(11, "GCSweepStart", 1005, 0, true, K::kGcSweepBegin, C::kGc);
  set(12, "GCSweepDone", 1005, 2, false, K::kGcSweepEnd, C::kGc);
  set(13, "GoCreate", 1005, 2, true, K::kGoCreate, C::kGoroutine);
  set(14, "GoStart", 1005, 2, false, K::kGoStart, C::kGoroutine);
  set(15, "GoEnd", 1005, 0, false, K::kGoEnd, C::kGoroutine);
  set(16, "GoStop", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(17, "GoSched", 1005, 0, true, K::kGoStop, C::kGoroutine);
  set(18, "GoPreempt", 1005, 0, true, K::kGoStop, C::kGoroutine);
  set(19, "GoSleep", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(20, "GoBlock", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(21, "GoUnblock", 1005, 2, true, K::kGoUnblock, C::kGoroutine);
  set(22, "GoBlockSend", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(23, "GoBlockRecv", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(24, "GoBlockSelect", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(25, "GoBlockSync", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(26, "GoBlockCond", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(27, "GoBlockNet", 1005, 0, true, K::kGoBlock, C::kGoroutine);
  set(28, "GoSysCall", 1005, 0, true, K::kGoSyscallBegin, C::kSyscall);
  set(29, "GoSysExit", 1005, 3, false, K::kGoSyscallEnd, C::kSyscall);
  set(30, "GoSysBlock", 1005, 0, false, K::kOther, C::kSyscall);
  set(31, "GoWaiting", 1005, 1, false, K::kGoStatus, C::kGoroutine);
  set(32, "GoInSyscall", 1005, 1, false, K::kGoStatus, C::kGoroutine);
  set(33, "HeapAlloc", 1005, 1, false, K::kHeapAlloc, C::kHeap);
  set(34, "HeapGoal", 1005, 1, false, K::kHeapGoal, C::kHeap);
  set(35, "TimerGoroutine", 1005, 1, false, K::kOther, C::kOther);
  set(36, "FutileWakeup", 1005, 0, false, K::kOther, C::kGoroutine);
  set(37, "String", 1007, 0, false, K::kOther, C::kOther);
  set(38, "GoStartLocal", 1007, 1, false, K::kGoStart, C::kGoroutine);
  set(39, "GoUnblockLocal", 1007, 1, true, K::kGoUnblock, C::kGoroutine);
  set(40, "GoSysExitLocal", 1007, 2, false, K::kGoSyscallEnd, C::kSyscall);
  set(41, "GoStartLabel", 1008, 3, false, K::kGoStart, C::kGoroutine, 2);
  set(42, "GoBlockGC", 1008, 0, true, K::kGoBlock, C::kGoroutine);
  set(43, "GCMarkAssistStart", 1009, 0, true, K::kGcMarkAssistBegin, C::kGc);
  set(44, "GCMarkAssistDone", 1009, 0, false, K::kGcMarkAssistEnd, C::kGc);
  set(45, "UserTaskCreate", 1011, 3, true, K::kUserTaskBegin, C::kUser, 2);
  set(46, "UserTaskEnd", 1011, 1, true, K::kUserTaskEnd, C::kUser);
  set(47, "UserRegion", 1011, 3, true, K::kUserRegionBegin, C::kUser, 2);
  set(48, "UserLog", 1011, 2, true, K::kUserLog, C::kUser, 1);
  set(49, "CPUSample", 1019, 3, true, K::kCpuSample, C::kCpuSample);
  return t;
}

constexpr std::array<Spec, kEvCount> kTable = MakeTable();

}  // namespace

const Spec* SpecFor(uint8_t type, int version) {
  if (type == kEvNone || type >= kEvCount) return nullptr;
  const Spec& s = kTable[type];
  if (s.name.empty() || s.min_version > version) return nullptr;
  return &s;
}

int ArgCount(uint8_t type, int version) {
  const Spec* s = SpecFor(type, version);
  if (s == nullptr || type == kEvStack) return -1;
  int n = s->nargs + (s->stack ? 1 : 0);
  const bool v15 = version < 1007;
  if (type == kEvBatch || type == kEvFrequency || type == kEvTimerGoroutine) {
    return v15 ? n + 1 : n;  // an unused argument before 1.7
  }
  n += 1;             // timestamp
  if (v15) n += 1;    // sequence number
  switch (type) {
    case 12: if (version < 1009) n -= 2; break;   // GCSweepDone gained swept/reclaimed in 1.9
    case kEvGcStart: case 14: case 21: if (v15) n -= 1; break;  // 1.7 added a seq argument
    case 9: if (version < 1010) n -= 1; break;    // GCSTWStart gained its kind in 1.10
    default: break;
  }
  return n;
}

}  // namespace godx::trace::v1
