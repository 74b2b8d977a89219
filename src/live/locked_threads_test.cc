#include "live/locked_threads.h"

#include <gtest/gtest.h>

namespace godx::live {
namespace {

// Buckets cut from `godx stacks --json` of a real goroutine.debug2.txt that `godx doctor PID`
// captured from testdata/gen/scenario/threadleak (Go 1.26): 103 sessions locked to their thread
// and waiting for a reply, and unlocked goroutines of the same program beside them.
constexpr char kBuckets[] = R"([
 {"count": 103, "state": "chan receive", "locked": 103,
  "frames": [{"function": "main.session", "file": "godx.test/gen/scenario/threadleak/main.go", "line": 33}],
  "created_by": {"function": "main.startSessions", "file": "godx.test/gen/scenario/threadleak/main.go", "line": 40}},
 {"count": 1, "state": "chan receive", "locked": 0,
  "frames": [{"function": "main.startSessions", "file": "godx.test/gen/scenario/threadleak/main.go", "line": 39}],
  "created_by": {"function": "main.main", "file": "godx.test/gen/scenario/threadleak/main.go", "line": 59}},
 {"count": 1, "state": "IO wait", "locked": 0,
  "frames": [{"function": "internal/poll.runtime_pollWait", "file": "runtime/netpoll.go", "line": 351},
             {"function": "internal/poll.(*pollDesc).wait", "file": "internal/poll/fd_poll_runtime.go", "line": 84},
             {"function": "main.main", "file": "godx.test/gen/scenario/threadleak/main.go", "line": 65}],
  "created_by": null}
])";

TEST(LockedSites, NamesTheSiteWhereLockedGoroutinesWait) {
  auto sites = LockedSites(Json::parse(kBuckets));
  ASSERT_EQ(sites.size(), 1u);  // unlocked buckets are not counted
  EXPECT_EQ(sites[0].site, "main.session at main.go:33");
  EXPECT_EQ(sites[0].state, "chan receive");
  EXPECT_EQ(sites[0].created_by, "main.startSessions at main.go:40");
  EXPECT_EQ(sites[0].locked, 103u);
  EXPECT_EQ(sites[0].running, 0u);
}

TEST(LockedSites, SkipsRuntimeFramesAndSumsBucketsOfOneSite) {
  Json buckets = Json::parse(kBuckets);
  // The IO-wait bucket as if it were locked twice over, and the session bucket split in two as a
  // dump with differing arguments would give it.
  buckets[2]["locked"] = 1;
  buckets.push_back(buckets[0]);
  buckets[3]["count"] = 2;
  buckets[3]["locked"] = 2;
  buckets[3]["state"] = "running";
  auto sites = LockedSites(buckets);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].site, "main.session at main.go:33");
  EXPECT_EQ(sites[0].locked, 105u);
  EXPECT_EQ(sites[0].running, 2u);
  EXPECT_EQ(sites[0].state, "chan receive");  // the state most of them are in
  EXPECT_EQ(sites[1].site, "main.main at main.go:65");
  EXPECT_EQ(sites[1].created_by, "");
}

TEST(LockedSites, NoBucketsNoSites) {
  EXPECT_TRUE(LockedSites(Json(nullptr)).empty());
  EXPECT_TRUE(LockedSites(Json::array()).empty());
}

}  // namespace
}  // namespace godx::live
