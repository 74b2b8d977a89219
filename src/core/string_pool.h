// StringPool interns repeated strings (function names, files, wait reasons) as dense 32-bit ids.
// Views returned by Get() stay valid for the pool's lifetime: the text is copied into blocks that
// never move.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace godx {

using StringId = uint32_t;

class StringPool {
 public:
  StringPool() { Intern(""); }  // id 0 is the empty string
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  StringPool(StringPool&&) = default;
  StringPool& operator=(StringPool&&) = default;

  StringId Intern(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    std::string_view stored = Store(s);
    auto id = static_cast<StringId>(strings_.size());
    strings_.push_back(stored);
    ids_.emplace(stored, id);
    return id;
  }

  std::string_view Get(StringId id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::string_view Store(std::string_view s) {
    constexpr size_t kBlock = 64 * 1024;
    if (s.size() > kBlock / 4) {
      blocks_.emplace_back(s);
      return blocks_.back();
    }
    if (blocks_.empty() || tail_free_ < s.size()) {
      blocks_.emplace_back();
      blocks_.back().reserve(kBlock);
      tail_ = &blocks_.back();
      tail_free_ = kBlock;
    }
    size_t at = tail_->size();
    tail_->append(s);  // never reallocates: capacity was reserved
    tail_free_ -= s.size();
    return std::string_view(tail_->data() + at, s.size());
  }

  std::deque<std::string> blocks_;
  std::string* tail_ = nullptr;
  size_t tail_free_ = 0;
  std::vector<std::string_view> strings_;
  std::unordered_map<std::string_view, StringId> ids_;
};

}  // namespace godx
