// Go's debug=1 text profiles (runtime/pprof writeHeap / writeProfileInternal / printCountProfile).
// Values and sample types follow google/pprof's legacy parsers (profile/legacy_profile.go) so that
// totals agree with `go tool pprof`; unlike pprof, the "#\t0xpc\tfunc+0xoff\tfile:line" symbol
// lines and "# labels: {...}" lines are kept, so functions have names and samples have labels.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "core/line_cursor.h"
#include "core/scanner.h"
#include "pprof/legacy.h"
#include "pprof/reader.h"

namespace godx::pprof {

namespace {

// double -> int64 without undefined behaviour on out-of-range values (hostile input).
int64_t ClampToInt64(double v) {
  if (!(v == v)) return 0;
  if (v >= 9.2e18) return INT64_MAX;
  if (v <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(v);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view FirstContentLine(LineCursor* cursor) {
  std::string_view line;
  while (cursor->Next(&line)) {
    std::string_view t = Trim(line);
    if (!t.empty() && t[0] != '#') return t;
  }
  return {};
}

// "goroutine profile: total 6" -> "goroutine".
bool ParseCountHeader(std::string_view line, std::string_view* type) {
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  Scanner s(line.substr(sp));
  uint64_t n;
  if (!s.Literal(" profile: total ") || !s.Uint(&n) || !s.AtEnd()) return false;
  *type = line.substr(0, sp);
  return true;
}

enum class Kind { kNone, kHeap, kContention, kCount };

Kind KindOf(std::string_view first) {
  if (first.find("heap profile:") != std::string_view::npos) return Kind::kHeap;
  if (first.starts_with("--- contention:") || first.starts_with("--- mutex:") ||
      first.starts_with("--- contentionz ")) {
    return Kind::kContention;
  }
  std::string_view type;
  if (ParseCountHeader(first, &type)) return Kind::kCount;
  return Kind::kNone;
}

class TextReader {
 public:
  TextReader(std::string_view name, std::string_view data, const ReadOptions& options)
      : name_(name), data_(data), options_(options), cursor_(data) {}

  Result<Profile> Read() {
    std::string_view first = FirstContentLine(&cursor_);
    switch (KindOf(first)) {
      case Kind::kHeap:
        GODX_RETURN_IF_ERROR(HeapHeader(first));
        break;
      case Kind::kContention:
        GODX_RETURN_IF_ERROR(ContentionHeader());
        break;
      case Kind::kCount: {
        std::string_view type;
        ParseCountHeader(first, &type);
        StringId t = p_.strings.Intern(type), count = p_.strings.Intern("count");
        p_.sample_types = {{t, count}};
        p_.period_type = {t, count};
        p_.period = 1;
        p_.format = SourceFormat::kGoCountText;
        break;
      }
      case Kind::kNone:
        return Status::Error(fmt::format(
            "{}: line {}: expected a Go debug=1 profile header ('heap profile:', '--- contention:', "
            "'--- mutex:' or '<type> profile: total N')",
            name_, cursor_.line_number()));
    }
    GODX_RETURN_IF_ERROR(Samples());
    return std::move(p_);
  }

 private:
  Status LineError(std::string_view what) const {
    return Status::Error(fmt::format("{}: line {}: expected {}", name_, cursor_.line_number(), what));
  }

  Status HeapHeader(std::string_view line) {
    // heap profile: 10038: 36400256 [31577: 123188600] @ heap/8192
    Scanner s(line.substr(line.find("heap profile:") + 13));
    uint64_t h[4] = {0, 0, 0, 0};
    s.SkipSpaces();
    bool ok = s.Uint(&h[0]) && s.Char(':');
    s.SkipSpaces();
    ok = ok && s.Uint(&h[1]);
    s.SkipSpaces();
    ok = ok && s.Char('[');
    s.SkipSpaces();
    ok = ok && s.Uint(&h[2]) && s.Char(':');
    s.SkipSpaces();
    ok = ok && s.Uint(&h[3]);
    s.SkipSpaces();
    ok = ok && s.Char(']');
    s.SkipSpaces();
    ok = ok && s.Char('@');
    s.SkipSpaces();
    if (!ok) return LineError("'heap profile: N: N [N: N] @ heap/RATE'");
    std::string_view kind = s.Until('/');
    uint64_t rate = 0;
    if (s.Char('/')) s.Uint(&rate);
    has_alloc_ = (h[2] != h[0] && h[2] != 0) || (h[3] != h[1] && h[3] != 0);
    if (kind == "heap") {
      v2_ = true;
      rate /= 2;  // Go writes 2*MemProfileRate here; pprof halves it back
    } else if (kind == "heapz_v2" || kind == "heap_v2") {
      v2_ = true;
    } else if (kind == "heapprofile") {
      rate = 1;
    } else if (kind.starts_with("growthz") || kind.starts_with("fragmentationz")) {
      rate = 1;
    } else {
      return LineError("a heap profile kind of heap, heap_v2, heapz_v2 or heapprofile");
    }
    rate_ = static_cast<int64_t>(rate);
    p_.period = rate_;
    p_.period_type = {p_.strings.Intern("space"), p_.strings.Intern("bytes")};
    StringId count = p_.strings.Intern("count"), bytes = p_.strings.Intern("bytes");
    if (has_alloc_) {
      // alloc before inuse, as pprof does, so the default (last) type is inuse_space.
      p_.sample_types = {{p_.strings.Intern("alloc_objects"), count},
                         {p_.strings.Intern("alloc_space"), bytes},
                         {p_.strings.Intern("inuse_objects"), count},
                         {p_.strings.Intern("inuse_space"), bytes}};
    } else {
      p_.sample_types = {{p_.strings.Intern("objects"), count}, {p_.strings.Intern("space"), bytes}};
    }
    bytes_key_ = bytes;
    p_.format = SourceFormat::kGoHeapText;
    return Status::Ok();
  }

  Status ContentionHeader() {
    p_.format = SourceFormat::kGoContentionText;
    StringId count = p_.strings.Intern("count");
    p_.period_type = {p_.strings.Intern("contentions"), count};
    p_.period = 1;
    p_.sample_types = {{p_.strings.Intern("contentions"), count},
                       {p_.strings.Intern("delay"), p_.strings.Intern("nanoseconds")}};
    // "key=value" attributes until the first sample line.
    std::string_view line;
    while (true) {
      LineCursor probe = cursor_;
      if (!probe.Next(&line)) return Status::Ok();
      std::string_view t = Trim(line);
      size_t eq = t.find('=');
      if (!t.empty() && t[0] != '#' && eq == std::string_view::npos) return Status::Ok();
      cursor_ = probe;
      if (t.empty() || t[0] == '#') continue;
      std::string_view key = Trim(t.substr(0, eq)), val = Trim(t.substr(eq + 1));
      Scanner s(val);
      int64_t v = 0;
      bool num = s.Int(&v) && s.AtEnd();
      if (key == "cycles/second") {
        if (!num) return LineError("an integer after cycles/second=");
        cpu_hz_ = v;
      } else if (key == "sampling period") {
        if (!num) return LineError("an integer after 'sampling period='");
        p_.period = v;
      } else if (key == "ms since reset") {
        if (!num) return LineError("an integer after 'ms since reset='");
        p_.duration_nanos = v * 1000 * 1000;
      } else if (key == "discarded samples") {
      } else {
        return LineError("a contention attribute (cycles/second, sampling period, ms since reset)");
      }
    }
  }

  // The "@ 0x1 0x2 ..." part; returns false on a malformed address.
  bool Addresses(Scanner* s) {
    addrs_.clear();
    s->SkipSpaces();
    while (!s->AtEnd()) {
      uint64_t a;
      if (!s->Hex(&a)) return false;
      addrs_.push_back(a);
      s->SkipSpaces();
    }
    return true;
  }

  bool SampleLine(std::string_view t) {
    Scanner s(t);
    vals_.clear();
    int64_t block = 0;
    if (p_.format == SourceFormat::kGoHeapText) {
      int64_t in_n = 0, in_b = 0;
      uint64_t al_n = 0, al_b = 0;
      bool ok = s.Int(&in_n) && s.Char(':');
      s.SkipSpaces();
      ok = ok && s.Int(&in_b);
      s.SkipSpaces();
      ok = ok && s.Char('[');
      s.SkipSpaces();
      ok = ok && s.Uint(&al_n) && s.Char(':');
      s.SkipSpaces();
      ok = ok && s.Uint(&al_b);
      s.SkipSpaces();
      ok = ok && s.Char(']');
      s.SkipSpaces();
      if (!ok || !s.Char('@')) return false;
      auto add = [&](int64_t n, int64_t b) {
        if (n == 0 && b != 0) return false;
        if (n != 0) {
          block = b / n;
          if (v2_) Scale(&n, &b);
        }
        vals_.push_back(n);
        vals_.push_back(b);
        return true;
      };
      if (has_alloc_ && !add(static_cast<int64_t>(al_n), static_cast<int64_t>(al_b))) return false;
      if (!add(in_n, in_b)) return false;
    } else if (p_.format == SourceFormat::kGoContentionText) {
      uint64_t cycles = 0, count = 0;
      bool ok = s.Uint(&cycles);
      s.SkipSpaces();
      ok = ok && s.Uint(&count);
      s.SkipSpaces();
      if (!ok || !s.Char('@')) return false;
      auto v1 = static_cast<int64_t>(cycles), v2 = static_cast<int64_t>(count);
      if (p_.period > 0) {
        if (cpu_hz_ > 0) {
          double ghz = static_cast<double>(cpu_hz_) / 1e9;
          v1 = ClampToInt64(static_cast<double>(v1) * static_cast<double>(p_.period) / ghz);
        }
        v2 *= p_.period;
      }
      vals_ = {v2, v1};
    } else {
      uint64_t n;
      if (!s.Uint(&n)) return false;
      s.SkipSpaces();
      if (!s.Char('@')) return false;
      vals_ = {static_cast<int64_t>(n)};
    }
    if (!Addresses(&s)) return false;
    if (addrs_.size() > options_.max_stack_depth) return false;
    pending_labels_.clear();
    if (p_.format == SourceFormat::kGoHeapText) {
      pending_labels_.push_back(Label{bytes_key_, 0, block, 0});
    }
    stack_.clear();
    for (uint64_t a : addrs_) stack_.push_back(locs_.For(a - 1));
    next_frame_ = 0;
    named_begin_ = SIZE_MAX;
    named_end_ = 0;
    return true;
  }

  // pprof's scaleHeapSample: undo the heap profiler's sampling (Poisson with mean `rate_`).
  void Scale(int64_t* count, int64_t* size) const {
    if (*count == 0 || *size == 0) {
      *count = *size = 0;
      return;
    }
    if (rate_ <= 1) return;
    double avg = static_cast<double>(*size) / static_cast<double>(*count);
    double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate_)));
    *count = ClampToInt64(static_cast<double>(*count) * scale);
    *size = ClampToInt64(static_cast<double>(*size) * scale);
  }

  // "#\t0x4bc39c\tmain.alloc+0x7c\t\t/path/main.go:30": attach the frame to the location of the
  // current sample whose pc matches (inlined calls repeat the pc, callee first).
  void SymbolLine(std::string_view t) {
    Scanner s(t.substr(1));
    s.SkipSpaces();
    uint64_t pc;
    if (!s.Hex(&pc)) return;
    s.SkipSpaces();
    std::string_view func = s.Until('\t');
    s.SkipSpaces();
    std::string_view fileline = Trim(s.Rest());
    if (func.empty()) return;
    size_t plus = func.rfind("+0x");
    if (plus != std::string_view::npos) func = func.substr(0, plus);
    std::string_view file = fileline;
    int64_t line = 0;
    size_t colon = fileline.rfind(':');
    if (colon != std::string_view::npos) {
      Scanner ls(fileline.substr(colon + 1));
      if (ls.Int(&line) && ls.AtEnd()) file = fileline.substr(0, colon);
      else line = 0;
    }
    // Find the frame: the stack's pcs are address-1 for each entry.
    size_t j = next_frame_;
    while (j < stack_.size() && p_.locations[stack_[j]].address != pc) ++j;
    if (j == stack_.size()) {
      // Same pc as the frame just matched (an inlined caller).
      if (next_frame_ > 0 && p_.locations[stack_[next_frame_ - 1]].address == pc) j = next_frame_ - 1;
      else return;
    }
    next_frame_ = j + 1;
    named_begin_ = std::min(named_begin_, j);
    named_end_ = std::max(named_end_, j + 1);
    uint32_t li = stack_[j];
    Location& loc = p_.locations[li];
    if (filled_.size() <= li) filled_.resize(li + 1, 0);
    if (filled_[li] == 2) return;  // named by an earlier sample
    if (filled_[li] == 0) {
      loc.line_begin = static_cast<uint32_t>(p_.lines.size());
      loc.line_count = 0;
      filled_[li] = 1;
      filling_.push_back(li);
    } else if (loc.line_begin + loc.line_count != p_.lines.size()) {
      return;  // not contiguous: keep what we have
    }
    if (loc.line_count >= options_.max_lines_per_location) return;
    Line l;
    l.function = FunctionFor(func, file);
    l.line = line;
    p_.lines.push_back(l);
    ++loc.line_count;
  }

  uint32_t FunctionFor(std::string_view name, std::string_view file) {
    key_.assign(name);
    key_.push_back('\0');
    key_.append(file);
    auto [it, inserted] = fn_by_key_.emplace(key_, static_cast<uint32_t>(p_.functions.size()));
    if (inserted) {
      Function f;
      f.id = p_.functions.size() + 1;
      f.name = f.system_name = p_.strings.Intern(name);
      f.filename = p_.strings.Intern(file);
      p_.functions.push_back(f);
    }
    return it->second;
  }

  // "# labels: {"worker":"0", "k":"v"}"
  void LabelsLine(std::string_view t) {
    size_t brace = t.find('{');
    if (brace == std::string_view::npos) return;
    std::string_view s = t.substr(brace + 1);
    std::string key, val;
    while (true) {
      size_t i = 0;
      while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
      s.remove_prefix(i);
      if (s.empty() || s[0] == '}') break;
      if (!Quoted(&s, &key) || s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
      if (!Quoted(&s, &val)) break;
      pending_labels_.push_back(Label{p_.strings.Intern(key), p_.strings.Intern(val), 0, 0});
    }
  }

  // A Go %q string at the start of *s; advances past it.
  static bool Quoted(std::string_view* s, std::string* out) {
    out->clear();
    if (s->empty() || (*s)[0] != '"') return false;
    size_t i = 1;
    while (i < s->size() && (*s)[i] != '"') {
      if ((*s)[i] == '\\' && i + 1 < s->size()) {
        char c = (*s)[++i];
        out->push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
      } else {
        out->push_back((*s)[i]);
      }
      ++i;
    }
    if (i >= s->size()) return false;
    s->remove_prefix(i + 1);
    return true;
  }

  // runtime/pprof leaves the runtime's own frames at the leaf of a heap record unnamed (its
  // printStackRecord shows runtime.* frames only after the first frame of other code; the same
  // address may be named in another record), and its proto form drops them (writeHeapProto's
  // hideRuntime). Left in, they would be the top rows of every view as unnamed frames while the
  // findings name the caller; dropped, the debug=1 text reads like the proto form of the same
  // profile: the first frame this record names is its leaf. The unnamed frame at the root is
  // runtime.goexit, which printStackRecord never names; it goes too. A record that names no frame
  // keeps its addresses.
  void Flush() {
    if (!in_sample_) return;
    std::span<const uint32_t> stack(stack_);
    if (p_.format == SourceFormat::kGoHeapText && named_begin_ < named_end_) {
      stack = stack.subspan(named_begin_, named_end_ - named_begin_);
    }
    p_.AddSample(stack, vals_, pending_labels_);
    for (uint32_t li : filling_) filled_[li] = 2;
    filling_.clear();
    in_sample_ = false;
  }

  Status Samples() {
    std::string_view line;
    while (cursor_.Next(&line)) {
      std::string_view t = Trim(line);
      if (t.empty()) continue;
      if (t[0] == '#') {
        if (!in_sample_) continue;
        if (t.starts_with("# labels:")) LabelsLine(t);
        else if (t.size() > 1 && (t[1] == '\t' || t[1] == ' ')) SymbolLine(t);
        continue;
      }
      if (p_.format == SourceFormat::kGoHeapText ? (t.find("--- Memory map: ---") != std::string_view::npos ||
                                                     t.find("MAPPED_LIBRARIES:") != std::string_view::npos)
                                                  : t.starts_with("---")) {
        rest_ = data_.substr(cursor_.line_offset());
        break;  // the memory map or another trailing section
      }
      Flush();
      if (p_.format == SourceFormat::kGoContentionText && t.find('=') != std::string_view::npos) {
        continue;  // a late attribute line
      }
      if (!SampleLine(t)) {
        bool last_unterminated = cursor_.offset() == data_.size() && !data_.ends_with('\n');
        if (last_unterminated) {
          p_.notes.push_back(fmt::format("input cut at line {} (a partial sample was dropped)",
                                         cursor_.line_number()));
          break;
        }
        switch (p_.format) {
          case SourceFormat::kGoHeapText:
            return LineError("a heap sample 'N: N [N: N] @ 0x... ...'");
          case SourceFormat::kGoContentionText:
            return LineError("a contention sample 'CYCLES COUNT @ 0x... ...'");
          default:
            return LineError("a count sample 'N @ 0x... ...'");
        }
      }
      if (p_.num_samples() >= options_.max_samples) return LineError("fewer samples (cap reached)");
      in_sample_ = true;
    }
    Flush();
    // Locations no symbol line named are left address-only, as pprof shows them; the trailing
    // memory map (gperftools) says which binary they belong to.
    AttachMemoryMap(rest_, /*from_start=*/false, &p_);
    return Status::Ok();
  }

  std::string_view name_;
  std::string_view data_;
  const ReadOptions& options_;
  LineCursor cursor_;
  Profile p_;
  AddressLocations locs_{&p_};
  bool has_alloc_ = false, v2_ = false, in_sample_ = false;
  int64_t rate_ = 1, cpu_hz_ = 0;
  StringId bytes_key_ = 0;
  std::vector<uint64_t> addrs_;
  std::vector<int64_t> vals_;
  std::vector<uint32_t> stack_;
  std::vector<Label> pending_labels_;
  size_t next_frame_ = 0;
  size_t named_begin_ = SIZE_MAX, named_end_ = 0;  // frames the current record's '#' lines name
  std::vector<uint8_t> filled_;  // per location: 0 unnamed, 1 being named, 2 named
  std::vector<uint32_t> filling_;
  std::unordered_map<std::string, uint32_t> fn_by_key_;
  std::string key_;
  std::string_view rest_;
};

}  // namespace

bool LooksLikeGoText(std::string_view head) {
  LineCursor c(head);
  return KindOf(FirstContentLine(&c)) != Kind::kNone;
}

Result<Profile> ReadGoText(std::string_view name, std::string_view data,
                           const ReadOptions& options) {
  TextReader r(name, data, options);
  return r.Read();
}

}  // namespace godx::pprof
