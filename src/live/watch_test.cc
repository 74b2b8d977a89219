// Watch findings over synthetic sample series: the shape of the growth (still going or held),
// its rate over the part that grew, and RSS against the Go heap.
#include "live/watch.h"

#include <gtest/gtest.h>


namespace godx::live {
namespace {

constexpr int64_t kMiB = 1 << 20;

const Finding* Find(const std::vector<Finding>& fs, const std::string& id) {
  for (const auto& f : fs) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

bool Says(const Finding& f, const std::string& text) {
  if (f.title.find(text) != std::string::npos || f.advice.find(text) != std::string::npos) {
    return true;
  }
  for (const auto& e : f.evidence) {
    if (e.find(text) != std::string::npos) return true;
  }
  return false;
}

// The series: 12 samples 5 s apart, threads 5 → 55, at 55 for the last 7.
TEST(WatchFindings, ThreadPlateauSaysWhenItStoppedAndWeighsLess) {
  Watcher w{WatchConfig{}};
  const int64_t threads[] = {5, 15, 25, 35, 45, 55, 55, 55, 55, 55, 55, 55};
  for (int i = 0; i < 12; ++i) {
    WatchSample s;
    s.t = 5.0 * i;
    s.threads = threads[i];
    w.Add(s);
  }
  auto leaks = w.Leaks();
  const Finding* f = Find(leaks, "thread-leak");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->title.find("keep growing"), std::string::npos) << f->title;
  EXPECT_NE(f->title.find("OS threads grew from 5 to 55 in 25.0 s (2.00/s), then held at 55"),
            std::string::npos)
      << f->title;
  EXPECT_NE(f->title.find("7 of 12 samples"), std::string::npos) << f->title;
  EXPECT_TRUE(Says(*f, "growth stopped at +25.0s")) << f->title;
  EXPECT_EQ(f->severity, Severity::kWarning);  // a tenfold rise, but it stopped

  Watcher going{WatchConfig{}};
  for (int i = 0; i < 12; ++i) {
    WatchSample s;
    s.t = 5.0 * i;
    s.threads = 5 + 10 * i;
    going.Add(s);
  }
  auto going_leaks = going.Leaks();
  const Finding* g = Find(going_leaks, "thread-leak");
  ASSERT_NE(g, nullptr);
  EXPECT_NE(g->title.find("OS threads keep growing: 5 → 115"), std::string::npos) << g->title;
  EXPECT_EQ(g->severity, Severity::kCritical);
}

// 20 s at the default 5 s interval: five samples. RSS 28.7 → 51.7 MiB and the heap with it.
TEST(WatchFindings, ShortWatchReportsMemoryGrowthAboveTheRise) {
  Watcher w{WatchConfig{}};
  const double rss[] = {28.7, 34.5, 40.1, 45.9, 51.7}, heap[] = {24.2, 32.0, 39.7, 47.5, 55.3};
  for (int i = 0; i < 5; ++i) {
    WatchSample s;
    s.t = 5.0 * i;
    s.rss_bytes = int64_t(rss[i] * kMiB);
    s.heap_bytes = int64_t(heap[i] * kMiB);
    w.Add(s);
  }
  auto leaks = w.Leaks();
  const Finding* h = Find(leaks, "heap-growth");
  ASSERT_NE(h, nullptr);
  EXPECT_NE(h->title.find("Go heap keeps growing: 24.2 MiB → 55.3 MiB"), std::string::npos)
      << h->title;
  EXPECT_NE(h->title.find("/min"), std::string::npos) << h->title;
  EXPECT_TRUE(Says(*h, "RSS over the same watch: 28.7 MiB → 51.7 MiB"));
  // One cause, one finding: the RSS growth is the heap's.
  EXPECT_EQ(Find(leaks, "rss-growth"), nullptr);
  EXPECT_EQ(Find(leaks, "rss-growth-off-heap"), nullptr);
}

TEST(WatchFindings, RssGrowingWithAFlatHeapIsOutsideTheHeap) {
  Watcher w{WatchConfig{}};
  for (int i = 0; i < 8; ++i) {
    WatchSample s;
    s.t = 2.0 * i;
    s.rss_bytes = (20 + 8 * i) * kMiB;
    s.rss_anon_bytes = (12 + 8 * i) * kMiB;
    s.rss_file_bytes = 8 * kMiB;
    s.heap_bytes = 4 * kMiB + (i % 2) * kMiB / 2;
    w.Add(s);
  }
  auto leaks = w.Leaks();
  const Finding* f = Find(leaks, "rss-growth-off-heap");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->title.find("RSS grows outside the Go heap: 20.0 MiB → 76.0 MiB in 14.0 s "
                          "(240 MiB/min) while the Go heap went 4.00 MiB → 4.50 MiB"),
            std::string::npos)
      << f->title;
  EXPECT_TRUE(Says(*f, "RssAnon 12.0 MiB → 68.0 MiB (+56.0 MiB)")) << f->evidence[2];
  EXPECT_TRUE(Says(*f, "anonymous memory"));
  EXPECT_FALSE(Says(*f, "heap profiles some minutes apart"));
  EXPECT_EQ(Find(leaks, "rss-growth"), nullptr);
  EXPECT_EQ(Find(leaks, "heap-growth"), nullptr);
}

}  // namespace
}  // namespace godx::live
