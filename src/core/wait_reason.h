// Go wait reasons, normalised across releases: Go ≤1.20 showed every sync.Mutex, RWMutex and
// WaitGroup wait as "semacquire"; 1.21 split them; 1.25 added "(durable)" and synctest forms;
// 1.26 appends " (leaked)" to goroutines its GC proved unreachable. Every reason in the
// runtime's waitReasonStrings (runtime2.go) of Go 1.19, 1.26 and 1.27, and every goroutine status
// (gStatusStrings), has a class here; wait_reason_test.cc lists them per release.
// Readers of goroutine dumps and scheddetail output group waits by these classes.
#pragma once

#include <string_view>

namespace godx {

enum class WaitClass {
  kNone,        // running, runnable, ...: not a wait
  kChanReceive,
  kChanSend,
  kSelect,
  kNilChan,     // receive or send on a nil channel, select with no cases: blocked forever
  kLock,        // semacquire, sync.Mutex.Lock, sync.RWMutex.[R]Lock
  kWaitGroup,   // sync.WaitGroup.Wait (semacquire before 1.21)
  kCond,        // sync.Cond.Wait
  kIO,          // IO wait (network poller)
  kSyscall,
  kSleep,
  kRuntime,     // GC workers, finalizers, timers, trace reader, ...: the runtime's own goroutines
  kCoroutine,   // "coroutine" (Go 1.23+): parked in an iter.Pull coroutine until next or stop
  kSynctest,    // "synctest.Run", "synctest.Wait": a testing/synctest bubble's driver
  kOther,
};

WaitClass ClassifyWaitReason(std::string_view reason);
std::string_view WaitClassName(WaitClass c);
// True for waits that cannot end without another goroutine acting (leak and deadlock suspects).
bool IsBlockingWait(WaitClass c);

}  // namespace godx
