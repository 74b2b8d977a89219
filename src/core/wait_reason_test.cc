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

}  // namespace
}  // namespace godx
