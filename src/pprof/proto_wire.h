// Minimal protobuf wire-format cursor and writer for profile.proto. Hand-written rather than
// generated: godx needs zero-copy views into the input, byte offsets for error messages, no
// exceptions, and only the varint / length-delimited / fixed wire types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/varint.h"

namespace godx::pprof {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kBytes = 2, kFixed32 = 5 };

struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t varint = 0;     // kVarint, kFixed64, kFixed32
  std::string_view bytes;  // kBytes: a view into the message
};

// Walks the fields of one message. On malformed data Next() returns false and error() is set;
// offset() then says where (relative to the start of the message given to the constructor).
class WireCursor {
 public:
  explicit WireCursor(std::string_view data) : data_(data) {}

  bool Next(Field* f) {
    if (pos_ >= data_.size()) return false;
    field_start_ = pos_;
    uint64_t key;
    if (!ReadUvarint(data_, &pos_, &key)) return Fail("a field key (varint)");
    f->number = static_cast<uint32_t>(key >> 3);
    f->wire = static_cast<uint32_t>(key & 7);
    if (f->number == 0 || (key >> 3) > 0x1fffffff) return Fail("a field number > 0");
    switch (f->wire) {
      case kVarint:
        if (!ReadUvarint(data_, &pos_, &f->varint)) return Fail("a varint value");
        return true;
      case kFixed64:
        if (data_.size() - pos_ < 8) return Fail("8 bytes of a fixed64 value");
        f->varint = Le(8);
        return true;
      case kFixed32:
        if (data_.size() - pos_ < 4) return Fail("4 bytes of a fixed32 value");
        f->varint = Le(4);
        return true;
      case kBytes: {
        uint64_t len;
        if (!ReadUvarint(data_, &pos_, &len)) return Fail("a length (varint)");
        if (len > data_.size() - pos_) return Fail("a length-delimited field within the data");
        f->bytes = data_.substr(pos_, len);
        pos_ += len;
        return true;
      }
      default:
        return Fail("a known wire type (0, 1, 2 or 5)");
    }
  }

  bool failed() const { return error_ != nullptr; }
  const char* error() const { return error_; }
  size_t offset() const { return field_start_; }

 private:
  bool Fail(const char* what) {
    error_ = what;
    pos_ = data_.size();
    return false;
  }
  uint64_t Le(int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;
  size_t field_start_ = 0;
  const char* error_ = nullptr;
};

// Calls fn(uint64_t) for each value of a repeated varint field, packed or not. False when a packed
// run is malformed.
template <typename Fn>
bool ForEachVarint(const Field& f, Fn&& fn) {
  if (f.wire == kVarint) {
    fn(f.varint);
    return true;
  }
  if (f.wire != kBytes) return false;
  size_t p = 0;
  uint64_t v;
  while (p < f.bytes.size()) {
    if (!ReadUvarint(f.bytes, &p, &v)) return false;
    fn(v);
  }
  return true;
}

// Appends protobuf wire data to a string.
class WireWriter {
 public:
  explicit WireWriter(std::string* out) : out_(out) {}
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Key(uint32_t number, uint32_t wire) { Varint(uint64_t{number} << 3 | wire); }
  // Proto3: zero values are not written.
  void Uint(uint32_t number, uint64_t v) {
    if (v == 0) return;
    Key(number, kVarint);
    Varint(v);
  }
  void Int(uint32_t number, int64_t v) { Uint(number, static_cast<uint64_t>(v)); }
  void Bool(uint32_t number, bool v) { Uint(number, v ? 1 : 0); }
  void Bytes(uint32_t number, std::string_view b) {
    Key(number, kBytes);
    Varint(b.size());
    out_->append(b);
  }

 private:
  std::string* out_;
};

}  // namespace godx::pprof
