#include "trace/reader.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/testing.h"
#include "trace/summary.h"

namespace godx::trace {
namespace {

using godx::testing::ReadFile;
using godx::testing::TestData;

struct Reading {
  Result<TraceInfo> info = Status::Error("unread");
  TraceSummary summary;
};

Reading Read(const std::string& bytes, const std::string& name = "t.trace") {
  SummaryBuilder b;
  Reading r;
  r.info = ReadTraceBytes(bytes, name, b);
  r.summary = b.Finish();
  return r;
}

// The fixtures scripts/gen-trace-fixtures writes with testdata/gen/tracegen.
const std::vector<std::string> kReleases = {"1.19", "1.26", "1.27"};

TEST(TraceHeader, ParsesEveryHeaderVersionGoWrote) {
  for (int minor : {5, 7, 8, 9, 10, 11, 19, 21, 22, 23, 25, 26}) {
    std::string h = "go 1." + std::to_string(minor) + " trace";
    h.resize(kHeaderSize, '\0');
    auto v = ParseHeader(h, "h");
    ASSERT_TRUE(v.ok()) << h << ": " << v.status().message();
    EXPECT_EQ(*v, minor);
    EXPECT_EQ(SniffTrace(h), 100);
  }
}

TEST(TraceHeader, RejectsOtherBytesWithOneLineNamingTheOffset) {
  std::string unknown = "go 1.24 trace";
  unknown.resize(kHeaderSize, '\0');
  auto v = ParseHeader(unknown, "x.trace");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "x.trace: offset 0 (0x0): unknown trace format version go 1.24");
  for (std::string bad : {std::string("go 1.22 trace"), std::string("not a trace at all!"),
                          std::string("go 1.22 tracX\0\0\0", 16)}) {
    EXPECT_FALSE(ParseHeader(bad, "x").ok()) << bad;
    EXPECT_EQ(SniffTrace(bad), 0) << bad;
  }
}

// tracegen runs 200 jobs, each one user task with three regions and one log: counts the reader
// must find exactly, in every release's format.
TEST(TraceFixtures, FullTracesHoldTheJobsTracegenRan) {
  for (const std::string& rel : kReleases) {
    SCOPED_TRACE(rel);
    Reading r = Read(ReadFile(TestData("trace/go" + rel + "-full.trace")));
    ASSERT_TRUE(r.info.ok()) << r.info.status().message();
    EXPECT_EQ(r.info->cut, "");
    EXPECT_EQ(r.summary.tasks, 200u);
    EXPECT_EQ(r.summary.regions, 600u);
    EXPECT_EQ(r.summary.logs, 200u);
    EXPECT_GE(r.summary.gc_cycles, 1u);  // runtime.GC() at the end, at least
    EXPECT_GT(r.summary.syscalls, 0u);
    EXPECT_GE(r.summary.ps, 1u);
    EXPECT_LE(r.summary.ps, 4u);  // GOMAXPROCS(4)
    EXPECT_GT(r.summary.last_ns, r.summary.first_ns);
    EXPECT_EQ(r.info->new_format, rel != "1.19");
    if (rel != "1.19") {
      EXPECT_EQ(r.info->header_minor, 26);
      EXPECT_TRUE(r.info->end_markers);
      EXPECT_TRUE(r.info->clock_snapshots);
      EXPECT_GE(r.info->generations, 1u);
    } else {
      EXPECT_EQ(r.info->header_minor, 19);
    }
  }
}

TEST(TraceFixtures, PanicBeforeStopIsReadAndSaysWhatWasCut) {
  for (const std::string& rel : kReleases) {
    SCOPED_TRACE(rel);
    const std::string bytes = ReadFile(TestData("trace/go" + rel + "-panic.trace"));
    Reading r = Read(bytes);
    ASSERT_TRUE(r.info.ok()) << r.info.status().message();
    EXPECT_NE(r.info->cut, "");
    EXPECT_EQ(r.summary.events, 0u);
    if (bytes.size() == kHeaderSize) {
      EXPECT_NE(r.info->cut.find("16-byte header"), std::string::npos) << r.info->cut;
    } else {
      // Go 1.26+ writes its first sync batch (with a 10-byte padded size) before anything else.
      EXPECT_NE(r.info->cut.find("no end-of-generation marker"), std::string::npos)
          << r.info->cut;
    }
  }
}

TEST(TraceFixtures, FlightRecorderSnapshotsReadWhole) {
  for (const std::string rel : {"1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    Reading r = Read(ReadFile(TestData("trace/go" + std::string(rel) + "-flight.trace")));
    ASSERT_TRUE(r.info.ok()) << r.info.status().message();
    EXPECT_EQ(r.info->cut, "");
    EXPECT_TRUE(r.info->end_markers);
    EXPECT_GE(r.info->generations, 1u);
    // tracegen sleeps longer than a generation before the jobs the snapshot keeps.
    EXPECT_GT(r.info->first_generation, 1u);
    EXPECT_GT(r.summary.events, 0u);
    // The recorder keeps only the latest generations: what was before the snapshot is gone, but
    // what is there is consistent (the last job's tasks are complete or still open, never more).
    EXPECT_LE(r.summary.tasks, 20u);
  }
}

// GODEBUG=traceallocfree=1: the allocation/free experiment's batches are skipped (counted), its
// events (Span*, HeapObject*, GoroutineStack*) read like the others.
TEST(TraceFixtures, ExperimentalBatchesAreSkippedCleanly) {
  for (const std::string rel : {"1.26", "1.27"}) {
    SCOPED_TRACE(rel);
    Reading r = Read(ReadFile(TestData("trace/go" + rel + "-allocfree.trace")));
    ASSERT_TRUE(r.info.ok()) << r.info.status().message();
    EXPECT_EQ(r.info->cut, "");
    EXPECT_GT(r.info->experimental_batches, 0u);
    EXPECT_GT(r.info->experimental_bytes, 0u);
    EXPECT_GT(r.summary.by_class[static_cast<size_t>(EventClass::kOther)], 0u);
    EXPECT_EQ(r.summary.tasks, 20u);
    EXPECT_EQ(r.summary.regions, 60u);
  }
}

// Every prefix of a trace is a trace cut short: it reads (never an error or crash), reports no
// more events than the whole, and says it was cut unless the cut fell where a generation-less
// boundary hides it.
TEST(TraceFixtures, EveryCutReadsWhatIsThere) {
  for (const std::string& rel : kReleases) {
    SCOPED_TRACE(rel);
    const std::string bytes = ReadFile(TestData("trace/go" + rel + "-full.trace"));
    Reading whole = Read(bytes);
    ASSERT_TRUE(whole.info.ok());
    size_t cut_reported = 0, cuts = 0;
    for (size_t n = kHeaderSize; n < bytes.size(); n += 211) {
      Reading r = Read(bytes.substr(0, n));
      ASSERT_TRUE(r.info.ok()) << "cut at " << n << ": " << r.info.status().message();
      EXPECT_LE(r.summary.events, whole.summary.events) << n;
      ++cuts;
      if (!r.info->cut.empty()) ++cut_reported;
    }
    // Go 1.26+ traces always know (EndOfGeneration); the old format and Go 1.22-1.25 miss only
    // cuts that fall exactly between two events or batches.
    if (rel != "1.19") {
      EXPECT_EQ(cut_reported, cuts);
    } else {
      EXPECT_GT(cut_reported, cuts / 2);
    }
  }
}

// An old-format trace cut short says how many events it left out where the order broke: with the
// events it kept, never more than the whole trace holds.
TEST(TraceFixtures, OldFormatCutCountsOnlyWhatItLeftOut) {
  const std::string bytes = ReadFile(TestData("trace/go1.19-full.trace"));
  Reading whole = Read(bytes);
  ASSERT_TRUE(whole.info.ok());
  size_t with_left_out = 0;
  for (size_t n = kHeaderSize; n < bytes.size(); n += 211) {
    Reading r = Read(bytes.substr(0, n));
    ASSERT_TRUE(r.info.ok()) << "cut at " << n << ": " << r.info.status().message();
    const std::string& cut = r.info->cut;
    uint64_t left = 0;
    const std::string kNote = " events from the point the order broke on were left out";
    for (size_t at = cut.find(kNote); at != std::string::npos; at = cut.find(kNote, at + 1)) {
      const size_t from = cut.rfind("; ", at) + 2;
      left += std::stoull(cut.substr(from, at - from));
    }
    if (left > 0) ++with_left_out;
    EXPECT_LE(r.summary.events + left, whole.summary.events) << "cut at " << n << ": " << cut;
  }
  EXPECT_GT(with_left_out, 0u);
}

// Corrupt bytes are an error naming the offset, or a reading: never a crash.
TEST(TraceFixtures, CorruptBytesGiveOneLineNamingTheOffset) {
  for (const std::string& rel : kReleases) {
    SCOPED_TRACE(rel);
    const std::string bytes = ReadFile(TestData("trace/go" + rel + "-full.trace"));
    size_t errors = 0;
    for (size_t at = kHeaderSize; at < bytes.size(); at += 331) {
      std::string bad = bytes;
      bad[at] = static_cast<char>(bad[at] ^ 0xa5);
      Reading r = Read(bad, "bad.trace");
      if (!r.info.ok()) {
        ++errors;
        const std::string& m = r.info.status().message();
        EXPECT_EQ(m.rfind("bad.trace: offset ", 0), 0u) << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
      }
    }
    EXPECT_GT(errors, 0u);
  }
}

// An independent reading: Go 1.26's own `go tool trace -d=wire` dump of the same files. Every timed
// event (its lines carry "dt=") and every CPU sample godx hands out must be there, no more, no
// fewer. Skips when Go 1.26 is unavailable here.
TEST(TraceFixtures, EventCountsMatchGoToolTraceWire) {
  std::vector<std::string> files = {"trace/go1.26-full.trace", "trace/go1.26-flight.trace",
                                    "trace/go1.26-allocfree.trace", "trace/go1.27-full.trace",
                                    "trace/go1.27-flight.trace", "trace/go1.27-allocfree.trace"};
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    const std::string cmd = godx::testing::SourceDir() + "/scripts/go-release 1.26 go tool trace "
                            "-d=wire " + TestData(f) + " 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    ASSERT_TRUE(pipe);
    uint64_t timed = 0, samples = 0;
    char line[4096];
    bool any = false;
    while (fgets(line, sizeof line, pipe.get()) != nullptr) {
      any = true;
      std::string l(line);
      if (l.rfind("CPUSample ", 0) == 0) ++samples;
      // Timed events of event batches; ClockSnapshot (dt= too) sits in the sync batch.
      if (!l.empty() && l[0] >= 'A' && l[0] <= 'Z' && l.find(" dt=") != std::string::npos &&
          l.rfind("ClockSnapshot", 0) != 0) {
        ++timed;
      }
    }
    if (pclose(pipe.release()) != 0 && !any) GTEST_SKIP() << "Go 1.26 is unavailable here";
    Reading r = Read(ReadFile(TestData(f)));
    ASSERT_TRUE(r.info.ok()) << r.info.status().message();
    EXPECT_GT(timed, 1000u);
    EXPECT_EQ(r.summary.cpu_samples, samples);
    EXPECT_EQ(r.summary.events - r.summary.cpu_samples, timed);
  }
}

TEST(TraceReader, BatchOfTheWrongTypeIsAnError) {
  std::string t = "go 1.26 trace";
  t.resize(kHeaderSize, '\0');
  t += '\x07';
  Reading r = Read(t, "x.trace");
  ASSERT_FALSE(r.info.ok());
  EXPECT_EQ(r.info.status().message(),
            "x.trace: offset 16 (0x10): expected a batch (EventBatch, ExperimentalBatch or "
            "EndOfGeneration), got byte 7");
}

TEST(TraceReader, OldFormatTooBigIsRefused) {
  const std::string bytes = ReadFile(TestData("trace/go1.19-full.trace"));
  SummaryBuilder b;
  ReadOptions o;
  o.max_old_format_bytes = 1000;
  auto info = ReadTraceBytes(bytes, "big", b, o);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("exceeds the 1000-byte limit"), std::string::npos);
}

}  // namespace
}  // namespace godx::trace
