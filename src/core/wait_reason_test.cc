#include "core/wait_reason.h"

#include <gtest/gtest.h>

namespace godx {
namespace {

TEST(WaitReason, MutexWaitsAreOneClassAcrossReleases) {
  EXPECT_EQ(ClassifyWaitReason("semacquire"), WaitClass::kLock);         // Go ≤1.20
  EXPECT_EQ(ClassifyWaitReason("sync.Mutex.Lock"), WaitClass::kLock);    // Go 1.21+
  EXPECT_EQ(ClassifyWaitReason("sync.RWMutex.RLock"), WaitClass::kLock);
}

TEST(WaitReason, DurableAndSynctestSuffixesAreDropped) {
  EXPECT_EQ(ClassifyWaitReason("chan receive (durable)"), WaitClass::kChanReceive);
  EXPECT_EQ(ClassifyWaitReason("select (synctest)"), WaitClass::kSelect);
}

TEST(WaitReason, NilChannelsRuntimeAndUnknown) {
  EXPECT_EQ(ClassifyWaitReason("chan receive (nil chan)"), WaitClass::kNilChan);
  EXPECT_EQ(ClassifyWaitReason("GC worker (idle)"), WaitClass::kRuntime);
  EXPECT_EQ(ClassifyWaitReason("finalizer wait"), WaitClass::kRuntime);
  EXPECT_EQ(ClassifyWaitReason("something new"), WaitClass::kOther);
  EXPECT_EQ(ClassifyWaitReason("runnable"), WaitClass::kNone);
  EXPECT_TRUE(IsBlockingWait(WaitClass::kLock));
  EXPECT_FALSE(IsBlockingWait(WaitClass::kIO));
}

// waitReasonStrings of runtime2.go and gStatusStrings of traceback.go, release by release (the
// Go trees the fixtures were made with). Every one must have a deliberate class.
constexpr std::string_view kGo119Reasons[] = {
    "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "timer goroutine (idle)", "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
    "preempted", "debug call"};
// Go 1.26 and 1.27 print the same list: 1.19's without "timer goroutine (idle)", plus these.
constexpr std::string_view kGo126Added[] = {
    "GOMAXPROCS updater (idle)", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
    "sync.WaitGroup.Wait", "GC worker (active)", "GC mark termination", "stopping the world",
    "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush",
    "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait",
    "chan receive (durable)", "chan send (durable)", "select (durable)",
    "sync.WaitGroup.Wait (durable)", "cleanup wait"};
constexpr std::string_view kStatuses[] = {"idle",      "runnable",  "running",
                                          "syscall",   "waiting",   "dead",
                                          "copystack", "preempted", "waiting for cgo callback"};

TEST(WaitReason, EveryReasonOfGo119Go126AndGo127HasAClass) {
  for (auto r : kGo119Reasons) EXPECT_NE(ClassifyWaitReason(r), WaitClass::kOther) << r;
  for (auto r : kGo126Added) EXPECT_NE(ClassifyWaitReason(r), WaitClass::kOther) << r;
  for (auto r : kStatuses) {
    WaitClass c = ClassifyWaitReason(r);
    EXPECT_TRUE(c == WaitClass::kNone || c == WaitClass::kSyscall || c == WaitClass::kRuntime)
        << r;
  }
}

TEST(WaitReason, NewReasonsGoWhereTheirWaitBelongs) {
  EXPECT_EQ(ClassifyWaitReason("sync.WaitGroup.Wait (durable)"), WaitClass::kWaitGroup);
  EXPECT_EQ(ClassifyWaitReason("coroutine"), WaitClass::kCoroutine);
  EXPECT_TRUE(IsBlockingWait(WaitClass::kCoroutine)) << "an iter.Pull never stopped leaks";
  EXPECT_EQ(ClassifyWaitReason("synctest.Wait"), WaitClass::kSynctest);
  EXPECT_FALSE(IsBlockingWait(WaitClass::kSynctest));
  EXPECT_EQ(ClassifyWaitReason("cleanup wait"), WaitClass::kRuntime);
  EXPECT_EQ(ClassifyWaitReason("GC weak to strong wait"), WaitClass::kRuntime);
}

TEST(WaitReason, Go126LeakedAndScanQualifiersAreDropped) {
  // goroutineheader prints " (leaked)", " (scan)", " (durable)" after the reason, in that order.
  EXPECT_EQ(ClassifyWaitReason("chan receive (leaked)"), WaitClass::kChanReceive);
  EXPECT_EQ(ClassifyWaitReason("sync.Mutex.Lock (leaked) (scan)"), WaitClass::kLock);
  EXPECT_EQ(ClassifyWaitReason("sleep (scan) (durable)"), WaitClass::kSleep);
  EXPECT_EQ(ClassifyWaitReason("leaked"), WaitClass::kOther);
}

}  // namespace
}  // namespace godx
