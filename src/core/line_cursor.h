// LineCursor walks a text buffer line by line without copying. Lines are views into the buffer
// (valid as long as the buffer); the trailing "\n" and any "\r" before it are not part of a line.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace godx {

class LineCursor {
 public:
  explicit LineCursor(std::string_view data) : data_(data) {}

  // Returns false at the end of the buffer. A last line without "\n" is still returned.
  bool Next(std::string_view* line) {
    if (pos_ >= data_.size()) return false;
    const char* start = data_.data() + pos_;
    size_t left = data_.size() - pos_;
    const void* nl = std::memchr(start, '\n', left);
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : left;
    line_start_ = pos_;
    pos_ += len + (nl ? 1 : 0);
    if (len > 0 && start[len - 1] == '\r') --len;
    *line = std::string_view(start, len);
    ++line_number_;
    return true;
  }

  // Takes the next line without looking for its end, which the caller found: the line runs from
  // offset() to `newline` (the offset of its '\n', or of the end of the data).
  void Take(size_t newline) {
    line_start_ = pos_;
    pos_ = newline < data_.size() ? newline + 1 : data_.size();
    ++line_number_;
  }

  // 1-based number of the line last returned by Next().
  uint64_t line_number() const { return line_number_; }
  // Byte offset of the start of the line last returned by Next().
  size_t line_offset() const { return line_start_; }
  // Byte offset of the next unread byte.
  size_t offset() const { return pos_; }
  std::string_view data() const { return data_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint64_t line_number_ = 0;
};

}  // namespace godx
