// profile.proto reading: every field (including the newer Line.column, Function.start_line,
// default_sample_type, doc_url, Label.num/num_unit), packed and unpacked repeated fields, and
// clear errors with byte offsets on corrupt input.
#include <gtest/gtest.h>

#include "pprof/proto_wire.h"
#include "pprof/reader.h"
#include "pprof/test_util.h"
#include "pprof/writer.h"

namespace godx::pprof {
namespace {

// A two-sample CPU-like profile built in code.
Profile Sample() {
  Profile p;
  auto s = [&](std::string_view v) { return p.strings.Intern(v); };
  p.sample_types = {{s("samples"), s("count")}, {s("cpu"), s("nanoseconds")}};
  p.period_type = {s("cpu"), s("nanoseconds")};
  p.period = 10000000;
  p.time_nanos = 1700000000000000000;
  p.duration_nanos = 5000000000;
  p.default_sample_type = s("cpu");
  p.doc_url = s("https://example.com/doc");
  p.comments = {s("a comment")};
  p.mappings.push_back({1, 0x400000, 0x500000, 0, s("/bin/app"), s("abc"), true, true, true, true});
  p.functions.push_back({1, s("main.leaf"), s("main.leaf"), s("/src/main.go"), 10});
  p.functions.push_back({2, s("main.inl"), s("main.inl"), s("/src/main.go"), 20});
  p.functions.push_back({3, s("main.main"), s("main.main"), s("/src/main.go"), 30});
  p.lines = {{0, 12, 3}, {1, 22, 5}, {2, 33, 7}};
  p.locations.push_back({1, 0, 0x401000, 0, 2, false});  // leaf with main.inl inlined
  p.locations.push_back({2, 0, 0x402000, 2, 1, false});
  uint32_t st[] = {0, 1};
  int64_t v1[] = {3, 30000000};
  Label l1[] = {{s("endpoint"), s("/a"), 0, 0}, {s("bytes"), 0, 512, s("bytes")}};
  p.AddSample(st, v1, l1);
  uint32_t st2[] = {1};
  int64_t v2[] = {1, 10000000};
  p.AddSample(st2, v2);
  return p;
}

TEST(PprofReader, RoundTripsEveryField) {
  Profile in = Sample();
  auto out = ReadProto("mem", EncodeProto(in), {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Profile& p = *out;
  ASSERT_EQ(p.sample_types.size(), 2u);
  EXPECT_EQ(p.Str(p.sample_types[1].type), "cpu");
  EXPECT_EQ(p.Str(p.default_sample_type), "cpu");
  EXPECT_EQ(p.Str(p.doc_url), "https://example.com/doc");
  EXPECT_EQ(p.period, 10000000);
  EXPECT_EQ(p.time_nanos, 1700000000000000000);
  EXPECT_EQ(p.duration_nanos, 5000000000);
  ASSERT_EQ(p.comments.size(), 1u);
  EXPECT_EQ(p.Str(p.comments[0]), "a comment");
  ASSERT_EQ(p.num_samples(), 2u);
  EXPECT_EQ(p.Stack(0).size(), 2u);
  EXPECT_EQ(p.Values(0)[1], 30000000);
  ASSERT_EQ(p.Labels(0).size(), 2u);
  EXPECT_EQ(p.Str(p.Labels(0)[0].str), "/a");
  EXPECT_EQ(p.Labels(0)[1].num, 512);
  EXPECT_EQ(p.Str(p.Labels(0)[1].num_unit), "bytes");
  ASSERT_EQ(p.locations.size(), 2u);
  auto lines = p.LinesOf(p.locations[0]);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].column, 3);
  EXPECT_EQ(lines[1].line, 22);
  EXPECT_EQ(p.functions[2].start_line, 30);
  EXPECT_EQ(p.Str(p.mappings[0].build_id), "abc");
  EXPECT_TRUE(p.mappings[0].has_inline_frames);
}

TEST(PprofReader, ReadsGzippedThroughInput) {
  auto gz = Gzip(EncodeProto(Sample()));
  ASSERT_TRUE(gz.ok());
  auto p = testutil::ReadBytes("gz", *gz);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->num_samples(), 2u);
}

TEST(PprofReader, AcceptsUnpackedRepeatedFields) {
  // Sample{location_id: 1, location_id: 1, value: 7} written unpacked, as old encoders did.
  std::string strings, vt, sample, loc, out;
  WireWriter w(&out);
  WireWriter v(&vt);
  v.Uint(1, 1);
  v.Uint(2, 2);
  w.Bytes(1, vt);
  WireWriter sw(&sample);
  sw.Key(1, kVarint);
  sw.Varint(1);
  sw.Key(1, kVarint);
  sw.Varint(1);
  sw.Key(2, kVarint);
  sw.Varint(7);
  w.Bytes(2, sample);
  WireWriter lw(&loc);
  lw.Uint(1, 1);
  lw.Uint(3, 0x1234);
  w.Bytes(4, loc);
  w.Bytes(6, "");
  w.Bytes(6, "objects");
  w.Bytes(6, "count");
  auto p = ReadProto("unpacked", out, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->num_samples(), 1u);
  EXPECT_EQ(p->Stack(0).size(), 2u);
  EXPECT_EQ(p->Values(0)[0], 7);
}

TEST(PprofReader, RejectsStringIndexOutsideTable) {
  Profile in = Sample();
  in.functions[0].name = 999;  // the writer trusts the model; the reader must not
  auto p = ReadProto("bad", EncodeProto(in), {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("bad: byte "), std::string::npos) << p.status().message();
  EXPECT_NE(p.status().message().find("Function.name"), std::string::npos);
}

TEST(PprofReader, RejectsUnknownLocationId) {
  Profile in = Sample();
  in.stack[0] = 41;  // encoded as id 42, which no Location has
  auto p = ReadProto("badloc", EncodeProto(in), {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("location_id 42"), std::string::npos) << p.status().message();
}

TEST(PprofReader, TruncatedProtoGivesOffset) {
  std::string raw = EncodeProto(Sample());
  auto p = ReadProto("cut", raw.substr(0, raw.size() / 2), {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("cut: byte "), std::string::npos) << p.status().message();
}

TEST(PprofReader, WrongValueCountIsAnError) {
  // A second sample_type appended to the message (protobuf concatenation adds to repeated
  // fields): every sample now has one value fewer than the sample types.
  Profile in;
  in.sample_types = {{in.strings.Intern("objects"), in.strings.Intern("count")}};
  int64_t v[] = {1};
  in.AddSample({}, v);
  std::string raw = EncodeProto(in), vt;
  WireWriter w(&raw), t(&vt);
  t.Uint(1, 1);
  t.Uint(2, 2);
  w.Bytes(1, vt);
  auto p = ReadProto("vals", raw, {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("values in the Sample"), std::string::npos);
}

TEST(PprofReader, SniffsProtoAndText) {
  EXPECT_GE(SniffProfile(EncodeProto(Sample())), 50);
  EXPECT_GE(SniffProfile("heap profile: 1: 2 [3: 4] @ heap/1024\n"), 50);
  EXPECT_GE(SniffProfile("goroutine profile: total 3\n"), 50);
  EXPECT_EQ(SniffProfile("gc 1 @0.012s 2%: 0.1+0.2+0.3 ms clock\n"), 0);
  EXPECT_EQ(SniffProfile("goroutine 1 [running]:\n"), 0);
}

TEST(PprofReader, EmptyInputIsAnError) {
  auto p = ReadProfile("empty", "", {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("empty"), std::string::npos);
}

TEST(PprofReader, DefaultSampleIndexFollowsPprof) {
  Profile p = Sample();
  EXPECT_EQ(p.DefaultSampleIndex(), 1u);  // default_sample_type = cpu
  p.default_sample_type = 0;
  EXPECT_EQ(p.DefaultSampleIndex(), 1u);  // else the last
  EXPECT_EQ(p.FindSampleIndex("samples"), 0);
  EXPECT_EQ(p.FindSampleIndex("1"), 1);
  EXPECT_EQ(p.FindSampleIndex("nope"), -1);
}

}  // namespace
}  // namespace godx::pprof
