// Go wait reasons, normalised across releases: Go ≤1.20 showed every sync.Mutex, RWMutex and
// WaitGroup wait as "semacquire"; 1.21 split them; 1.25 added "(durable)" and synctest forms.
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
  kOther,
};

WaitClass ClassifyWaitReason(std::string_view reason);
std::string_view WaitClassName(WaitClass c);
// True for waits that cannot end without another goroutine acting (leak and deadlock suspects).
bool IsBlockingWait(WaitClass c);

}  // namespace godx
