#include "compiler/lsp_line.h"

#include "core/text.h"

namespace godx::compiler {

namespace {

constexpr int kMaxDepth = 32;

// Where a value sits in the diagnostic; decides which fields are kept.
enum class Ctx : uint8_t {
  kSkip,
  kTop,          // the diagnostic object
  kRange,        // .range
  kStart,        // .range.start
  kRelated,      // .relatedInformation (array)
  kRelatedItem,  // .relatedInformation[i]
  kLocation,     // .relatedInformation[i].location
  kLocRange,     // ...location.range
  kLocStart,     // ...location.range.start
};

class Scanner {
 public:
  Scanner(std::string_view s, LspDiagnostic* out)
      : p_(s.data()), end_(s.data() + s.size()), d_(out) {}

  bool Run() {
    Ws();
    if (p_ >= end_ || *p_ != '{') return false;
    if (!Value(Ctx::kTop, 0)) return false;
    Ws();
    return p_ == end_;
  }

 private:
  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }

  bool Hex4(uint32_t* v) {
    if (end_ - p_ < 4) return false;
    uint32_t x = 0;
    for (int i = 0; i < 4; ++i) {
      char c = p_[i];
      uint32_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
      x = x << 4 | d;
    }
    p_ += 4;
    *v = x;
    return true;
  }

  // A string; decoded into `out` when it is not null.
  bool String(std::string* out) {
    if (p_ >= end_ || *p_ != '"') return false;
    ++p_;
    if (out) out->clear();
    while (p_ < end_) {
      const char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20)
        ++p_;
      if (out) out->append(run, static_cast<size_t>(p_ - run));
      if (p_ >= end_) return false;
      char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\') return false;  // a raw control character
      if (++p_ >= end_) return false;
      char e = *p_++;
      char lit = 0;
      switch (e) {
        case '"':
          lit = '"';
          break;
        case '\\':
          lit = '\\';
          break;
        case '/':
          lit = '/';
          break;
        case 'b':
          lit = '\b';
          break;
        case 'f':
          lit = '\f';
          break;
        case 'n':
          lit = '\n';
          break;
        case 'r':
          lit = '\r';
          break;
        case 't':
          lit = '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
            p_ += 2;
            uint32_t lo;
            if (!Hex4(&lo)) return false;
            if (lo >= 0xDC00 && lo < 0xE000)
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else
              cp = 0xFFFD;
          } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
          }
          if (out) AppendUtf8(cp, out);
          continue;
        }
        default:
          return false;
      }
      if (out) out->push_back(lit);
    }
    return false;
  }

  bool Number(uint32_t* out) {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    uint64_t v = 0;
    bool digits = false;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (v < (uint64_t{1} << 40)) v = v * 10 + static_cast<uint64_t>(*p_ - '0');
      ++p_;
      digits = true;
    }
    if (!digits) return false;
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      ++p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (out) *out = (integral && *start != '-' && v <= UINT32_MAX) ? static_cast<uint32_t>(v) : 0;
    return true;
  }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  Ctx Child(Ctx ctx, std::string_view key) {
    switch (ctx) {
      case Ctx::kTop:
        if (key == "range") return Ctx::kRange;
        if (key == "relatedInformation") return Ctx::kRelated;
        return Ctx::kSkip;
      case Ctx::kRange:
        return key == "start" ? Ctx::kStart : Ctx::kSkip;
      case Ctx::kRelatedItem:
        return key == "location" ? Ctx::kLocation : Ctx::kSkip;
      case Ctx::kLocation:
        return key == "range" ? Ctx::kLocRange : Ctx::kSkip;
      case Ctx::kLocRange:
        return key == "start" ? Ctx::kLocStart : Ctx::kSkip;
      default:
        return Ctx::kSkip;
    }
  }

  // The string or number field `key` of an object in context `ctx`, when godx keeps it.
  bool Field(Ctx ctx, std::string_view key) {
    if (p_ >= end_) return false;
    if (*p_ == '"') {
      std::string* dst = nullptr;
      if (ctx == Ctx::kTop && key == "code") {
        dst = &d_->code;
        d_->has_code = true;
      } else if (ctx == Ctx::kTop && key == "message") {
        dst = &d_->message;
      } else if (ctx == Ctx::kRelatedItem && key == "message") {
        dst = &d_->related.back().message;
      } else if (ctx == Ctx::kLocation && key == "uri") {
        dst = &d_->related.back().uri;
      }
      return String(dst);
    }
    if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
      uint32_t* dst = nullptr;
      if (ctx == Ctx::kStart) {
        d_->has_start = true;
        dst = key == "line" ? &d_->line : key == "character" ? &d_->col : nullptr;
      } else if (ctx == Ctx::kLocStart) {
        dst = key == "line"        ? &d_->related.back().line
              : key == "character" ? &d_->related.back().col
                                   : nullptr;
      }
      return Number(dst);
    }
    return Value(Child(ctx, key), 0 + depth_);
  }

  bool Value(Ctx ctx, int depth) {
    if (depth > kMaxDepth) return false;
    Ws();
    if (p_ >= end_) return false;
    char c = *p_;
    if (c == '{') {
      ++p_;
      if (ctx == Ctx::kRelatedItem) d_->related.emplace_back();
      Ws();
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        return true;
      }
      std::string key;
      while (true) {
        Ws();
        if (!String(&key)) return false;
        Ws();
        if (p_ >= end_ || *p_ != ':') return false;
        ++p_;
        Ws();
        int saved = depth_;
        depth_ = depth + 1;
        bool ok = Field(ctx, key);
        depth_ = saved;
        if (!ok) return false;
        Ws();
        if (p_ >= end_) return false;
        if (*p_ == ',') {
          ++p_;
          continue;
        }
        if (*p_ == '}') {
          ++p_;
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      ++p_;
      Ctx item = ctx == Ctx::kRelated ? Ctx::kRelatedItem : Ctx::kSkip;
      Ws();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        return true;
      }
      while (true) {
        if (!Value(item, depth + 1)) return false;
        Ws();
        if (p_ >= end_) return false;
        if (*p_ == ',') {
          ++p_;
          continue;
        }
        if (*p_ == ']') {
          ++p_;
          return true;
        }
        return false;
      }
    }
    if (c == '"') return String(nullptr);
    if (c == '-' || (c >= '0' && c <= '9')) return Number(nullptr);
    return Literal("true") || Literal("false") || Literal("null");
  }

  const char* p_;
  const char* end_;
  LspDiagnostic* d_;
  int depth_ = 0;
};

}  // namespace

bool ScanLspDiagnostic(std::string_view line, LspDiagnostic* out) {
  *out = LspDiagnostic();
  Scanner s(line, out);
  return s.Run();
}

}  // namespace godx::compiler
