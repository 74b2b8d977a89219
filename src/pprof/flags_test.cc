// pprof's command line as godx reads it, and the measurement rules its text depends on.
#include "pprof/flags.h"

#include <gtest/gtest.h>

#include "pprof/measurement.h"
#include "pprof/text_report.h"

namespace godx::pprof {
namespace {

TEST(PprofFlags, ReadsGoFlagSyntaxAndPprofDefaults) {
  auto o = ParsePprofFlags({"-top", "-nodecount", "5", "--focus=main", "-cum", "cpu.pb.gz"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->format, OutputFormat::kText);
  EXPECT_EQ(o->nodecount, 5);
  EXPECT_EQ(o->focus, "main");
  EXPECT_TRUE(o->cum);
  EXPECT_EQ(o->sources, std::vector<std::string>{"cpu.pb.gz"});
  // pprof's defaults.
  EXPECT_DOUBLE_EQ(o->nodefraction, 0.005);
  EXPECT_DOUBLE_EQ(o->edgefraction, 0.001);
  EXPECT_EQ(o->unit, "minimum");
  EXPECT_TRUE(o->trim);
  EXPECT_DOUBLE_EQ(o->divide_by, 1.0);
}

TEST(PprofFlags, StopsAtTheFirstSourceAsGoFlagDoes) {
  auto o = ParsePprofFlags({"-top", "a.pb.gz", "-focus=x"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->focus, "");
  EXPECT_EQ(o->sources, (std::vector<std::string>{"a.pb.gz", "-focus=x"}));
}

TEST(PprofFlags, LegacyShortcutsSetTheSampleIndex) {
  auto o = ParsePprofFlags({"-top", "-mean_delay", "block.pb.gz"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->sample_index, "delay");
  EXPECT_TRUE(o->mean);
  o = ParsePprofFlags({"-alloc_objects", "-text", "heap.pb.gz"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->sample_index, "alloc_objects");
}

TEST(PprofFlags, OptionalValuesAndGroups) {
  auto o = ParsePprofFlags({"-peek=^main\\.", "-lines", "-trim=false", "-diff_base=old.pb.gz", "new.pb.gz"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->format, OutputFormat::kPeek);
  EXPECT_EQ(o->output_regex, "^main\\.");
  EXPECT_EQ(o->granularity, Granularity::kLines);
  EXPECT_FALSE(o->trim);
  EXPECT_EQ(o->diff_base, "old.pb.gz");
}

TEST(PprofFlags, RejectsWhatPprofRejects) {
  EXPECT_EQ(ParsePprofFlags({"-nosuchflag", "x"}).status().message(), "flag provided but not defined: -nosuchflag");
  EXPECT_EQ(ParsePprofFlags({"-top"}).status().message(), "no profile source specified");
  EXPECT_EQ(ParsePprofFlags({"-top", "-tree", "x"}).status().message(), "must set at most one output format");
  EXPECT_EQ(ParsePprofFlags({"-top", "-base=a", "-diff_base=b", "x"}).status().message(),
            "-base and -diff_base flags cannot both be specified");
  EXPECT_EQ(ParsePprofFlags({"-top", "-normalize", "x"}).status().message(), "must have base profile to normalize by");
  EXPECT_FALSE(ParsePprofFlags({"-top", "-nodecount=many", "x"}).ok());
  EXPECT_FALSE(ParsePprofFlags({"-top", "-lines", "-files", "x"}).ok());
}

TEST(PprofFlags, TellsPprofSpellingFromGodxSubcommands) {
  EXPECT_TRUE(IsPprofCommandLine({"-top", "cpu.pb.gz"}));
  EXPECT_TRUE(IsPprofCommandLine({"-lines", "-peek=x", "cpu.pb.gz"}));
  EXPECT_FALSE(IsPprofCommandLine({"top", "--cum", "cpu.pb.gz"}));
  EXPECT_FALSE(IsPprofCommandLine({"cpu.pb.gz"}));
  EXPECT_FALSE(IsPprofCommandLine({"merge", "-o", "all.pb.gz", "a.pb.gz"}));
  EXPECT_FALSE(IsPprofCommandLine({"--json", "cpu.pb.gz"}));
}

TEST(PprofMeasurement, ScalesAndPrintsAsPprof) {
  EXPECT_EQ(measurement::ScaledLabel(2970000000, "nanoseconds", "minimum"), "2.97s");
  EXPECT_EQ(measurement::ScaledLabel(1536, "bytes", "auto"), "1.50kB");
  EXPECT_EQ(measurement::ScaledLabel(10000000, "nanoseconds", "ms"), "10ms");
  EXPECT_EQ(measurement::ScaledLabel(0, "bytes", "minimum"), "0");
  EXPECT_EQ(measurement::ScaledLabel(42, "count", "minimum"), "42");
  EXPECT_EQ(measurement::ScaledLabel(7, "widgets", "minimum"), "7");  // unknown units are kept
  EXPECT_EQ(measurement::Percentage(1, 1), "  100%");
  EXPECT_EQ(measurement::Percentage(1234, 10000), "12.34%");
  EXPECT_EQ(measurement::Percentage(5, 1000), "  0.5%");  // Go's %5.2g
  EXPECT_EQ(measurement::Percentage(0, 0), "    0%");
}

TEST(PprofTabwriter, AlignsRightLikeGo) {
  EXPECT_EQ(TabwriterAlignRight("a:\t x\n \t10 (1%):\t v\n \t2 (3%):\t w\n\n"),
            " a: x\n    10 (1%): v\n     2 (3%): w\n\n");  // Go's text/tabwriter output
}

}  // namespace
}  // namespace godx::pprof
