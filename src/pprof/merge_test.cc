#include <gtest/gtest.h>

#include "pprof/graph.h"
#include "pprof/merge.h"
#include "pprof/reader.h"
#include "pprof/writer.h"

namespace godx::pprof {
namespace {

Profile One(std::string_view fn, int64_t v, std::string_view type = "cpu") {
  Profile p;
  auto s = [&](std::string_view x) { return p.strings.Intern(x); };
  p.sample_types = {{s(type), s("nanoseconds")}};
  p.functions.push_back({7, s(fn), s(fn), s("/f.go"), 0});
  p.lines = {{0, 3, 0}};
  p.locations = {{9, kNoIndex, 0x99, 0, 1, false}};
  p.period = 10;
  uint32_t st[] = {0};
  int64_t vals[] = {v};
  p.AddSample(st, vals);
  return p;
}

TEST(PprofMerge, SumsIdenticalStacks) {
  Profile a = One("main.f", 10), b = One("main.f", 5), c = One("main.g", 1);
  auto m = MergeProfiles({&a, &b, &c}, {"a", "b", "c"});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->num_samples(), 2u);
  EXPECT_EQ(m->functions.size(), 2u);
  EXPECT_EQ(m->Values(0)[0], 15);
  EXPECT_EQ(ComputeTotal(*m, 0), 16);
}

TEST(PprofMerge, MismatchedSampleTypesAreAnError) {
  Profile a = One("main.f", 10), b = One("main.f", 5, "alloc_space");
  auto m = MergeProfiles({&a, &b}, {"a.pb.gz", "b.pb.gz"});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("b.pb.gz"), std::string::npos);
}

TEST(PprofMerge, DiffMarksBaseAndTotalsTheBase) {
  Profile base = One("main.f", 10), now = One("main.f", 25);
  Merger m;
  ASSERT_TRUE(m.Add(base, "base", -1, true).ok());
  ASSERT_TRUE(m.Add(now, "new").ok());
  Profile d = m.Finish();
  TopResult t = ComputeTop(d, 0, false);
  EXPECT_EQ(t.total, 10);  // pprof: percentages relative to the base
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].flat, 15);
}

TEST(PprofMerge, MergedProfileRoundTrips) {
  Profile a = One("main.f", 10), b = One("main.g", 5);
  auto m = MergeProfiles({&a, &b}, {"a", "b"});
  ASSERT_TRUE(m.ok());
  auto back = ReadProto("merged", EncodeProto(*m), {});
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(ComputeTotal(*back, 0), 15);
  EXPECT_EQ(back->period, 10);
}

}  // namespace
}  // namespace godx::pprof
