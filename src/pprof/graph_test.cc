// Function-level top, filters and views on profiles built in code, with expected values worked
// out by hand from pprof's rules (flat to the leaf frame, cum once per node per sample).
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "pprof/analyze.h"
#include "pprof/filter.h"
#include "pprof/graph.h"
#include "pprof/views.h"

namespace godx::pprof {
namespace {

// Functions a, b, c; locations 0:a 1:b 2:c 3:(b with a inlined: lines a, b).
Profile Build() {
  Profile p;
  auto s = [&](std::string_view v) { return p.strings.Intern(v); };
  p.sample_types = {{s("cpu"), s("nanoseconds")}};
  for (auto name : {"main.a", "main.b", "runtime.c"}) {
    p.functions.push_back({p.functions.size() + 1, s(name), s(name), s("/x.go"), 0});
  }
  p.lines = {{0, 1, 0}, {1, 2, 0}, {2, 3, 0}, {0, 4, 0}, {1, 5, 0}};
  p.locations = {{1, kNoIndex, 0x10, 0, 1, false},
                 {2, kNoIndex, 0x20, 1, 1, false},
                 {3, kNoIndex, 0x30, 2, 1, false},
                 {4, kNoIndex, 0x40, 3, 2, false}};
  auto add = [&](std::vector<uint32_t> st, int64_t v, std::vector<Label> l = {}) {
    int64_t vals[] = {v};
    p.AddSample(st, vals, l);
  };
  add({0, 1, 2}, 10, {{s("endpoint"), s("/x"), 0, 0}});  // a <- b <- c
  add({1, 0, 1, 2}, 5);                                    // b <- a <- b <- c (recursion)
  add({3, 2}, 7, {{s("endpoint"), s("/y"), 0, 0}});     // (a inlined in b) <- c
  add({2}, 0);                                             // zero: skipped
  return p;
}

const TopRow* Row(const TopResult& t, std::string_view name) {
  for (const auto& r : t.rows) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

TEST(PprofGraph, FlatAndCumFollowPprof) {
  Profile p = Build();
  TopResult t = ComputeTop(p, 0, false);
  EXPECT_EQ(t.total, 22);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].name, "main.a");  // flat 10 + 7
  EXPECT_EQ(t.rows[0].flat, 17);
  EXPECT_EQ(t.rows[0].cum, 22);
  EXPECT_EQ(Row(t, "main.b")->flat, 5);
  EXPECT_EQ(Row(t, "main.b")->cum, 22);  // recursion counted once
  EXPECT_EQ(Row(t, "runtime.c")->cum, 22);
  EXPECT_EQ(Row(t, "runtime.c")->flat, 0);
}

TEST(PprofGraph, InlineLabelFromCallEdges) {
  Profile p = Build();
  TopResult t = ComputeTop(p, 0, false);
  // main.a is reached inlined (location 3) and by direct calls: partial.
  EXPECT_EQ(Row(t, "main.a")->InlineLabel(), "(partial-inline)");
  EXPECT_EQ(Row(t, "runtime.c")->InlineLabel(), "");
}

TEST(PprofGraph, CumSortOrdersByCumThenName) {
  Profile p = Build();
  TopResult t = ComputeTop(p, 0, true);
  EXPECT_EQ(t.rows[0].name, "main.a");
  EXPECT_EQ(t.rows[1].name, "main.b");
  EXPECT_EQ(t.rows[2].name, "runtime.c");
}

TEST(PprofGraph, FocusIgnoreHideShow) {
  {
    Profile p = Build();
    FilterOptions f;
    f.ignore = "^main\\.b$";
    ASSERT_TRUE(ApplyFilters(f, &p).ok());
    EXPECT_EQ(ComputeTotal(p, 0), 0);  // every non-zero sample has main.b
  }
  {
    Profile p = Build();
    FilterOptions f;
    f.hide = "^runtime\\.";
    ASSERT_TRUE(ApplyFilters(f, &p).ok());
    TopResult t = ComputeTop(p, 0, false);
    EXPECT_EQ(Row(t, "runtime.c"), nullptr);
    EXPECT_EQ(t.total, 22);
  }
  {
    Profile p = Build();
    FilterOptions f;
    f.show = "^main\\.b$";
    ASSERT_TRUE(ApplyFilters(f, &p).ok());
    TopResult t = ComputeTop(p, 0, false);
    ASSERT_EQ(t.rows.size(), 1u);
    EXPECT_EQ(t.rows[0].flat, 22);
  }
  {
    Profile p = Build();
    FilterOptions f;
    f.tagfocus = "endpoint=/y";
    ASSERT_TRUE(ApplyFilters(f, &p).ok());
    EXPECT_EQ(ComputeTotal(p, 0), 7);
  }
  {
    Profile p = Build();
    FilterOptions f;
    f.tagignore = "/x";
    ASSERT_TRUE(ApplyFilters(f, &p).ok());
    EXPECT_EQ(ComputeTotal(p, 0), 12);
  }
}

// Build() with the first two samples labelled bytes=512 and bytes=65536 instead.
Profile WithBytes() {
  Profile p = Build();
  StringId bytes = p.strings.Intern("bytes");
  std::vector<Label> labels;
  std::vector<uint32_t> begin{0};
  for (size_t i = 0; i < p.num_samples(); ++i) {
    if (i == 0) labels.push_back({bytes, 0, 512, 0});
    if (i == 1) labels.push_back({bytes, 0, 65536, 0});
    begin.push_back(static_cast<uint32_t>(labels.size()));
  }
  p.labels = labels;
  p.label_begin = begin;
  return p;
}

TEST(PprofGraph, NumericTagRanges) {
  Profile small = WithBytes(), big = WithBytes(), none = WithBytes();
  FilterOptions f;
  f.tagfocus = "bytes=:1kb";
  ASSERT_TRUE(ApplyFilters(f, &small).ok());
  EXPECT_EQ(ComputeTotal(small, 0), 10);
  f.tagfocus = "32kb:";
  ASSERT_TRUE(ApplyFilters(f, &big).ok());
  EXPECT_EQ(ComputeTotal(big, 0), 5);
  f.tagfocus = "";
  f.tagignore = "bytes=0:1mb";
  ASSERT_TRUE(ApplyFilters(f, &none).ok());
  EXPECT_EQ(ComputeTotal(none, 0), 7);
}

TEST(PprofGraph, BadRegexNamesTheFlag) {
  Profile p = Build();
  FilterOptions f;
  f.focus = "(";
  Status st = ApplyFilters(f, &p);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("--focus"), std::string::npos);
}

TEST(PprofViews, TagsAndTraces) {
  Profile p = Build();
  std::string tags = TagsView(p, 0, "");
  EXPECT_NE(tags.find("endpoint: Total 17 ns"), std::string::npos) << tags;
  EXPECT_NE(tags.find("/x"), std::string::npos);
  std::string traces = TracesView(p, 0, "");
  EXPECT_NE(traces.find("main.a (inline)"), std::string::npos) << traces;
  EXPECT_NE(traces.find("endpoint:/x"), std::string::npos);
}

TEST(PprofViews, PeekShowsCallersAndCallees) {
  auto out = PeekView(Build(), 0, "^main\\.a$", "");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_NE(out->find("| main.a"), std::string::npos) << *out;
  EXPECT_NE(out->find("|   main.b"), std::string::npos) << *out;
  EXPECT_FALSE(PeekView(Build(), 0, "^nothing$", "").ok());
}

TEST(PprofViews, ListWithoutSourceStillGivesLines) {
  auto out = ListView(Build(), 0, "main\\.a", "");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_NE(out->find("ROUTINE"), std::string::npos);
  EXPECT_NE(out->find("(source not readable)"), std::string::npos) << *out;
}

TEST(PprofViews, ListShowsSourceWhenReadable) {
  std::string path = ::testing::TempDir() + "/godx-list-test.go";
  {
    std::ofstream f(path);
    f << "package main\n\nfunc a() {\n\tfor {\n\t\twork()\n\t}\n}\n";
  }
  Profile p;
  auto s = [&](std::string_view v) { return p.strings.Intern(v); };
  p.sample_types = {{s("cpu"), s("nanoseconds")}};
  p.functions.push_back({1, s("main.a"), s("main.a"), s(path), 3});
  p.lines = {{0, 5, 0}, {0, 4, 0}};
  p.locations = {{1, kNoIndex, 1, 0, 1, false}, {2, kNoIndex, 2, 1, 1, false}};
  uint32_t st1[] = {0}, st2[] = {1};
  int64_t v1[] = {30}, v2[] = {10};
  p.AddSample(st1, v1);
  p.AddSample(st2, v2);
  auto out = ListView(p, 0, "main\\.a", "");
  std::remove(path.c_str());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_NE(out->find("     30 ns      30 ns      5: \t\twork()"), std::string::npos) << *out;
  EXPECT_NE(out->find("     10 ns      10 ns      4: \tfor {"), std::string::npos) << *out;
  EXPECT_NE(out->find("3: func a() {"), std::string::npos) << *out;
  EXPECT_NE(out->find("40 ns      40 ns (flat, cum) 100% of Total"), std::string::npos) << *out;
}

TEST(PprofAnalyze, JsonRowsHoldEveryFunctionRaw) {
  Profile p = Build();
  ViewOptions v;
  v.nodecount = 1;
  AnalyzeOptions o;
  o.json = true;
  Report r = AnalyzeProfile(p, "mem", 0, v, o);
  EXPECT_EQ(r.kind, "pprof");
  EXPECT_EQ(r.summary["total"], 22);
  EXPECT_EQ(r.summary["unit"], "nanoseconds");
  ASSERT_EQ(r.extra["rows"].size(), 3u);
  EXPECT_EQ(r.extra["rows"][0]["function"], "main.a");
  EXPECT_EQ(r.extra["rows"][0]["flat"], 17);
}

TEST(PprofAnalyze, OwnCodeIsTheProgramsNotTheStandardLibrarys) {
  // Heap sites: the innermost frame outside runtime/std, here a third-party module's.
  Profile p;
  auto s = [&](std::string_view v) { return p.strings.Intern(v); };
  p.sample_types = {{s("inuse_objects"), s("count")}, {s("inuse_space"), s("bytes")}};
  for (auto name : {"runtime.mallocgc", "github.com/dgraph-io/badger/v3/skl.newArena", "main.main"}) {
    p.functions.push_back({p.functions.size() + 1, s(name), s(name), s(""), 0});
  }
  p.lines = {{0, 1, 0}, {1, 1, 0}, {2, 1, 0}};
  p.locations = {{1, kNoIndex, 1, 0, 1, false}, {2, kNoIndex, 2, 1, 1, false}, {3, kNoIndex, 3, 2, 1, false}};
  uint32_t st[] = {0, 1, 2};
  int64_t v[] = {1, 4096};
  p.AddSample(st, v);
  Report r = AnalyzeProfile(p, "heap", 1, ViewOptions{}, AnalyzeOptions{});
  ASSERT_FALSE(r.findings.empty());
  EXPECT_NE(r.findings[0].title.find("skl.newArena"), std::string::npos) << r.findings[0].title;
}

TEST(PprofAnalyze, CpuFindingsFlagRuntimeWork) {
  Profile p;
  auto s = [&](std::string_view v) { return p.strings.Intern(v); };
  p.sample_types = {{s("samples"), s("count")}, {s("cpu"), s("nanoseconds")}};
  for (auto name : {"runtime.scanobject", "runtime.gcBgMarkWorker", "main.work"}) {
    p.functions.push_back({p.functions.size() + 1, s(name), s(name), s(""), 0});
  }
  p.lines = {{0, 1, 0}, {1, 1, 0}, {2, 1, 0}};
  p.locations = {{1, kNoIndex, 1, 0, 1, false}, {2, kNoIndex, 2, 1, 1, false}, {3, kNoIndex, 3, 2, 1, false}};
  // 1,000 samples over 10 s: 0.6 CPUs in GC, enough evidence for CRITICAL (a handful of samples
  // is not: see analyze_test.cc).
  p.duration_nanos = 10'000'000'000;
  int64_t gc[] = {600, 6'000'000'000};
  int64_t work[] = {400, 4'000'000'000};
  uint32_t gcst[] = {0, 1}, workst[] = {2};
  p.AddSample(gcst, gc);
  p.AddSample(workst, work);
  Report r = AnalyzeProfile(p, "cpu", 1, ViewOptions{}, AnalyzeOptions{});
  bool gc_found = false, user_found = false;
  for (const auto& f : r.findings) {
    if (f.id == "cpu-gc-marking") {
      gc_found = true;
      EXPECT_EQ(f.severity, Severity::kCritical);  // 60%
    }
    if (f.id == "cpu-hot-user-code") user_found = f.title.find("main.work") != std::string::npos;
  }
  EXPECT_TRUE(gc_found);
  EXPECT_TRUE(user_found);
}

}  // namespace
}  // namespace godx::pprof
