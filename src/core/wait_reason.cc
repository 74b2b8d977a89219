#include "core/wait_reason.h"

namespace godx {

namespace {
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
}  // namespace

WaitClass ClassifyWaitReason(std::string_view r) {
  // Drop the qualifiers the runtime appends after the reason, in any order: " (leaked)" (1.26+),
  // " (scan)", " (durable)" (1.25+; older trees said " (synctest)").
  for (bool again = true; again;) {
    again = false;
    for (std::string_view q : {" (durable)", " (synctest)", " (leaked)", " (scan)"}) {
      if (r.size() > q.size() && r.substr(r.size() - q.size()) == q) {
        r.remove_suffix(q.size());
        again = true;
      }
    }
  }
  if (r.empty() || r == "running" || r == "runnable" || r == "idle" || r == "dead" ||
      r == "copystack" || r == "preempted" || r == "moribund" || r == "waiting" || r == "???") {
    return WaitClass::kNone;
  }
  // A leaked goroutine whose wait reason was cleared prints its status alone.
  if (r == "leaked") return WaitClass::kOther;
  if (r == "chan receive (nil chan)" || r == "chan send (nil chan)" || r == "select (no cases)")
    return WaitClass::kNilChan;
  if (r == "chan receive") return WaitClass::kChanReceive;
  if (r == "chan send") return WaitClass::kChanSend;
  if (r == "select") return WaitClass::kSelect;
  if (r == "semacquire" || r == "sync.Mutex.Lock" || r == "sync.RWMutex.RLock" ||
      r == "sync.RWMutex.Lock")
    return WaitClass::kLock;
  if (r == "sync.WaitGroup.Wait") return WaitClass::kWaitGroup;
  if (r == "sync.Cond.Wait") return WaitClass::kCond;
  if (r == "IO wait") return WaitClass::kIO;
  if (r == "syscall") return WaitClass::kSyscall;
  if (r == "sleep") return WaitClass::kSleep;
  if (StartsWith(r, "GC ") || StartsWith(r, "garbage collection") || r == "finalizer wait" ||
      r == "force gc (idle)" || r == "timer goroutine (idle)" || r == "trace reader (blocked)" ||
      r == "wait for GC cycle" || r == "GOMAXPROCS updater (idle)" || r == "cleanup wait" ||
      r == "dumping heap" || r == "panicwait" || r == "debug call" || r == "stopping the world" ||
      r == "flushing proc caches" || StartsWith(r, "trace ") || r == "page trace flush" ||
      r == "waiting for cgo callback")  // Go 1.26+ status of a goroutine kept for cgo callbacks
    return WaitClass::kRuntime;
  if (r == "coroutine") return WaitClass::kCoroutine;
  if (r == "synctest.Run" || r == "synctest.Wait") return WaitClass::kSynctest;
  return WaitClass::kOther;
}

std::string_view WaitClassName(WaitClass c) {
  switch (c) {
    case WaitClass::kNone: return "not waiting";
    case WaitClass::kChanReceive: return "chan receive";
    case WaitClass::kChanSend: return "chan send";
    case WaitClass::kSelect: return "select";
    case WaitClass::kNilChan: return "nil channel (forever)";
    case WaitClass::kLock: return "mutex";
    case WaitClass::kWaitGroup: return "WaitGroup";
    case WaitClass::kCond: return "sync.Cond";
    case WaitClass::kIO: return "IO wait";
    case WaitClass::kSyscall: return "syscall";
    case WaitClass::kSleep: return "sleep";
    case WaitClass::kRuntime: return "runtime";
    case WaitClass::kCoroutine: return "coroutine";
    case WaitClass::kSynctest: return "synctest";
    case WaitClass::kOther: return "other";
  }
  return "other";
}

bool IsBlockingWait(WaitClass c) {
  switch (c) {
    case WaitClass::kChanReceive:
    case WaitClass::kChanSend:
    case WaitClass::kSelect:
    case WaitClass::kNilChan:
    case WaitClass::kLock:
    case WaitClass::kWaitGroup:
    case WaitClass::kCond:
    case WaitClass::kCoroutine:  // an iter.Pull never stopped leaks its coroutine goroutine
      return true;
    default:
      return false;
  }
}

}  // namespace godx
