#include "trace/model.h"

namespace godx::trace {

std::string_view ClassName(EventClass c) {
  switch (c) {
    case EventClass::kProc: return "proc";
    case EventClass::kGoroutine: return "goroutine";
    case EventClass::kSyscall: return "syscall";
    case EventClass::kGc: return "gc";
    case EventClass::kHeap: return "heap";
    case EventClass::kUser: return "user";
    case EventClass::kCpuSample: return "cpu_sample";
    case EventClass::kOther: return "other";
    case EventClass::kCount: break;
  }
  return "?";
}

std::string_view GoStateName(GoState s) {
  switch (s) {
    case GoState::kUndetermined: return "undetermined";
    case GoState::kNotExist: return "not-exist";
    case GoState::kRunnable: return "runnable";
    case GoState::kRunning: return "running";
    case GoState::kWaiting: return "waiting";
    case GoState::kSyscall: return "syscall";
  }
  return "?";
}

std::string_view ProcStateName(ProcState s) {
  switch (s) {
    case ProcState::kUndetermined: return "undetermined";
    case ProcState::kNotExist: return "not-exist";
    case ProcState::kRunning: return "running";
    case ProcState::kIdle: return "idle";
  }
  return "?";
}

}  // namespace godx::trace
