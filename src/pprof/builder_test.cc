#include "pprof/builder.h"

#include <gtest/gtest.h>

#include "pprof/graph.h"
#include "pprof/reader.h"
#include "pprof/writer.h"

namespace godx::pprof {
namespace {

TEST(PprofBuilder, BuildsEncodesAndReadsBack) {
  ProfileBuilder::Type types[] = {{"contentions", "count"}, {"delay", "nanoseconds"}};
  ProfileBuilder b(types, {"contentions", "count"}, 1);
  uint32_t lock = b.Frame("sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 90);
  uint32_t work = b.Frame("main.work", "/src/main.go", 12);
  uint32_t main = b.Frame("main.main", "/src/main.go", 30);
  EXPECT_EQ(b.Frame("main.work", "/src/main.go", 12), work);  // deduplicated
  uint32_t s1[] = {lock, work, main}, s2[] = {work, main};
  int64_t v1[] = {2, 1000}, v2[] = {1, 500};
  ProfileBuilder::StringLabel l[] = {{"goroutine", "7"}};
  b.Sample(s1, v1, l);
  b.Sample(s1, v1, l);  // summed
  b.Sample(s2, v2);
  b.SetDuration(1, 5000000000);
  Profile p = b.Finish();
  EXPECT_EQ(p.num_samples(), 2u);
  auto back = ReadProto("built", EncodeProto(p), {});
  ASSERT_TRUE(back.ok()) << back.status().message();
  TopResult t = ComputeTop(*back, 1, false);
  EXPECT_EQ(t.total, 2500);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].name, "sync.(*Mutex).Lock");
  EXPECT_EQ(t.rows[0].flat, 2000);
  EXPECT_EQ(back->duration_nanos, 5000000000);
  ASSERT_EQ(back->Labels(0).size(), 1u);
  EXPECT_EQ(back->Str(back->Labels(0)[0].str), "7");
}

}  // namespace
}  // namespace godx::pprof
