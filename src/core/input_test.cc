#include "core/input.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace godx {
namespace {

std::string Gzip(const std::string& s) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, s.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  zs.avail_in = static_cast<uInt>(s.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& s) {
  std::string out(ZSTD_compressBound(s.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), s.data(), s.size(), 3));
  return out;
}

TEST(Input, PlainBytesPassThrough) {
  auto in = Input::FromBytes("x", "hello\nworld\n");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->data(), "hello\nworld\n");
  EXPECT_EQ(in->compression(), Compression::kNone);
  EXPECT_TRUE(in->cut_note().empty());
}

TEST(Input, GzipIsDecompressed) {
  std::string text(100000, 'a');
  auto in = Input::FromBytes("x.gz", Gzip(text));
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_EQ(in->compression(), Compression::kGzip);
  EXPECT_EQ(in->data(), text);
}

TEST(Input, ConcatenatedGzipMembersAreAllRead) {
  auto in = Input::FromBytes("x.gz", Gzip("first\n") + Gzip("second\n"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->data(), "first\nsecond\n");
}

TEST(Input, ZstdIsDecompressed) {
  std::string text = "gc 1 @0.001s 0%: ...\n";
  auto in = Input::FromBytes("x.zst", Zstd(text));
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_EQ(in->compression(), Compression::kZstd);
  EXPECT_EQ(in->data(), text);
}

TEST(Input, TruncatedGzipKeepsWhatWasInflatedAndSaysSo) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  std::string gz = Gzip(text);
  auto in = Input::FromBytes("cut.gz", gz.substr(0, gz.size() / 2));
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_FALSE(in->cut_note().empty());
  EXPECT_GT(in->data().size(), 0u);
  EXPECT_EQ(text.substr(0, in->data().size()), in->data());
}

TEST(Input, CorruptGzipHeaderIsAnErrorNamingTheInput) {
  auto in = Input::FromBytes("bad.gz", std::string("\x1f\x8b\x08\x00garbage-garbage", 18));
  ASSERT_FALSE(in.ok());
  EXPECT_NE(in.status().message().find("bad.gz"), std::string::npos);
}

TEST(Input, DecompressionCapStopsABomb) {
  std::string zeros(50 << 20, '\0');
  InputOptions opts;
  opts.max_bytes = 4 << 20;
  auto in = Input::FromBytes("bomb.gz", Gzip(zeros), opts);
  ASSERT_TRUE(in.ok());
  EXPECT_LE(in->data().size(), (4u << 20) + (1u << 20));
  EXPECT_NE(in->cut_note().find("cap"), std::string::npos);
}

TEST(Input, OpensFilesByMappingThem) {
  std::string path = ::testing::TempDir() + "/godx-input-test.txt";
  std::ofstream(path) << "abc\n";
  auto in = Input::Open(path);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->data(), "abc\n");
  EXPECT_EQ(in->name(), path);
  std::remove(path.c_str());
}

TEST(Input, MissingFileErrorNamesIt) {
  auto in = Input::Open("/nonexistent/godx.log");
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().message(), "/nonexistent/godx.log: cannot open: No such file or directory");
}

TEST(Input, DirectoryIsRejected) {
  auto in = Input::Open("/tmp");
  ASSERT_FALSE(in.ok());
  EXPECT_NE(in.status().message().find("is a directory"), std::string::npos);
}

TEST(Input, EmptyFileIsEmptyData) {
  std::string path = ::testing::TempDir() + "/godx-empty.txt";
  std::ofstream(path).close();
  auto in = Input::Open(path);
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->data().empty());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace godx
