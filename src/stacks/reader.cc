#include "stacks/reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/line_cursor.h"
#include "core/line_prefix.h"
#include "core/progress.h"
#include "core/scanner.h"
#include "core/text.h"
#include "stacks/version.h"

namespace godx::stacks {

const char* CrashKindName(CrashKind k) {
  switch (k) {
    case CrashKind::kPanic:
      return "panic";
    case CrashKind::kFatal:
      return "fatal";
    case CrashKind::kSignal:
      return "signal";
    case CrashKind::kHttpPanic:
      return "http-panic";
  }
  return "panic";
}

namespace {

constexpr size_t kMaxIdsPerBucket = 8;
constexpr size_t kMaxAttributesPerBucket = 16;
constexpr size_t kMaxCrashes = 64;
constexpr size_t kMaxRaces = 256;
constexpr size_t kMaxNotes = 16;
constexpr size_t kMaxPanicContinuation = 16;         // lines of a multi-line panic value
constexpr uint64_t kDebug2Cap = uint64_t{64} << 20;  // runtime/pprof's debug=2 buffer limit

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

// "SIGQUIT: quit", "SIGABRT: abort", "SIGSEGV: segmentation violation": a fatal signal report.
bool IsSignalLine(std::string_view line) {
  if (!StartsWith(line, "SIG")) return false;
  size_t i = 3;
  while (i < line.size() && line[i] >= 'A' && line[i] <= 'Z') ++i;
  return i > 3 && i + 1 < line.size() && line[i] == ':' && line[i + 1] == ' ';
}

// "rax    0x0", "rip    0x46b3c1", "r8     0x1": the register dump after a fatal signal.
bool IsRegisterLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() &&
         ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9')))
    ++i;
  if (i == 0 || i > 8 || i >= line.size() || line[i] != ' ') return false;
  while (i < line.size() && line[i] == ' ') ++i;
  return StartsWith(line.substr(i), "0x");
}

// A frame's file line whose indentation was lost (web pages strip the tab): "/src/x/main.go:42
// +0x1d", "app/main.go:7", "C:/work/main.go:9". Only read right after a call line.
bool IsBareLocation(std::string_view line) {
  FileLine fl;
  if (line.empty() || line.front() == ' ' || line.front() == '\t' || !ParseLocation(line, &fl))
    return false;
  std::string_view f = fl.file;
  return f.find(' ') == std::string_view::npos &&
         (f.ends_with(".go") || f.ends_with(".s") || f.ends_with(".c") || f == "?");
}

// "Previous write at 0x00c000014100 by goroutine 8:", "Read at 0x... by main goroutine:",
// "Write by goroutine 5:" (Go 1.5 and before): an access of a race report.
bool IsRaceAccessLine(std::string_view line) {
  if (line.empty() || line.back() != ':') return false;
  for (std::string_view p : {"Previous write ", "Previous read ", "Write at ", "Read at ",
                             "Write by ", "Read by ", "Atomic write ", "Atomic read "}) {
    if (StartsWith(line, p))
      return line.find(" goroutine") != std::string_view::npos;
  }
  return false;
}

// "Exception 0xc0000005 0x0 0x7ffb2f6f2fff 0x1beb7f80000": a Windows exception the Go runtime
// could not turn into a panic (inside a DLL or C code), printed before the crashing stack.
bool IsExceptionLine(std::string_view line) {
  return StartsWith(line, "Exception 0x") && line.size() > 12;
}

// The hex words of "runtime: unknown pc" stack dumps: "02edfe6c:  ba53fbbb  000001f5 ...".
bool IsStackWordsLine(std::string_view line) {
  if (StartsWith(line, "0x")) line.remove_prefix(2);
  size_t i = 0;
  while (i < line.size() && std::isxdigit(static_cast<unsigned char>(line[i]))) ++i;
  return i >= 8 && i <= 16 && i + 1 < line.size() && line[i] == ':' && line[i + 1] == ' ';
}

bool IsElisionLine(std::string_view line, bool* is) {
  // "...additional frames elided..." (≤1.20, ancestors) and "...N frames elided..." (1.21+)
  *is = StartsWith(line, "...") && line.size() > 6 && line.substr(line.size() - 3) == "..." &&
        line.find("elided") != std::string_view::npos;
  return *is;
}

// Where a dump's first line starts behind a log prefix or indentation ("2024-08-09T01:45:13Z
// goroutine 7 [chan receive]:", "    panic: boom"); npos when the line holds none. One pass
// over the first bytes: this runs on every line of a log that is not a dump line.
size_t RecordBehindPrefix(std::string_view line) {
  constexpr size_t kMaxPrefix = 96;
  GoroutineHeader h;
  for (size_t at = 1; at < line.size() && at <= kMaxPrefix; ++at) {
    const char c = line[at];
    if (c != 'g' && c != 'p' && c != 'f' && c != 'S' && c != '=' && c != 'E' && c != 'W')
      continue;
    const char before = line[at - 1];
    // Progress dots may run into a signal line ("......SIGQUIT: quit").
    if (!IsMarkerBoundary(before) && !(before == '.' && c == 'S')) continue;
    std::string_view rest = line.substr(at);
    bool found = false;
    switch (c) {
      case 'g':
        found = (StartsWith(rest, "goroutine ") && ParseGoroutineHeader(rest, &h)) ||
                StartsWith(rest, "goroutine profile: total ") ||
                StartsWith(rest, "goroutineleak profile: total ");
        break;
      case 'p':
        found = StartsWith(rest, "panic: ");
        break;
      case 'f':
        found = StartsWith(rest, "fatal error: ");
        break;
      case 'S':
        found = IsSignalLine(rest);
        break;
      case '=':
        found = rest == "==================";
        break;
      case 'E':
        found = IsExceptionLine(rest);
        break;
      case 'W':
        found = rest == "WARNING: DATA RACE";
        break;
    }
    if (found) return at;
  }
  return std::string_view::npos;
}

enum class State {
  kText,         // outside any dump
  kPreamble,     // after "panic:"/"fatal error:"/signal lines, before the first goroutine
  kGoroutine,    // inside a goroutine's frames
  kAncestor,     // "[originating from goroutine N]:" frames (GODEBUG=tracebackancestors)
  kSystemStack,  // "runtime stack:" or goroutine 0 (g0) frames: not a goroutine
  kBetween,      // inside a dump, between goroutines
  kRace,         // inside a race report
  kDebug1,       // inside a ?debug=1 profile
};

}  // namespace

struct DumpParser::Impl {
  ReadOptions opt;
  Dump dump;
  std::string source;
  std::function<void(std::string_view)> text_sink;
  std::function<void()> section_sink;

  State state = State::kText;
  // The log prefix every line of the current block carries (kubectl --timestamps, docker
  // compose, a test runner's indentation), learned from the line that opened a dump. `raw` is
  // the line being read as it was in the input: text around dumps is passed on unstripped.
  LinePrefix prefix;
  std::string_view raw;
  bool section_prefixed = false;  // the open section was found behind a learned prefix
  bool after_call = false;        // the last frame line was a call or "created by" line
  // Lines read since the prefix was learned. A "prefix" that the next line does not carry was
  // not a collector's: a terminal's "^\\" echo, a code span's backtick, progress dots before
  // the runtime's first line. It is dropped and the record read on.
  uint64_t prefix_uses = 0;
  // A call line read outside any dump: with a file line after it, it is the middle of a
  // goroutine whose header was not pasted.
  std::string text_call;
  std::string text_call_raw;
  bool has_text_call = false;
  // A blank line inside a goroutine's frames: the goroutine ends there, unless the text is
  // double spaced and its next frame line follows.
  bool blank_in_frames = false;
  State frames_state = State::kGoroutine;
  // Lines after a blank line that follows a panic value: the value's next lines when a goroutine
  // follows them ("panic: migration failed:\n\n  step 3: ..."), else text after the crash.
  std::vector<std::string> value_tail;
  std::vector<std::string> value_tail_raw;
  uint64_t line_no = 0;
  uint64_t bytes = 0;
  bool section_open = false;
  bool saw_created_by = false, saw_created_in = false;
  std::string pending_rule;  // a "=====" line that may open a race report
  bool has_pending_rule = false;
  size_t panic_continuation = 0;
  bool preamble_blank = false;
  bool bucket_cap_warned = false, frame_cap_warned = false;
  std::unordered_map<uint64_t, uint32_t> index;  // stack hash → first bucket

  // The goroutine being read.
  struct Current {
    bool active = false;
    uint64_t id = 0;
    StringId state = 0;
    uint32_t minutes = 0;
    bool locked = false;
    std::vector<StringId> attributes;
    std::vector<Frame> frames;
    Frame created_by;
    bool elided = false;
    bool want_file = false;  // last call line still waits for its file line
    bool capture = false;    // the crashing goroutine: keep arguments
    bool keep_args = false;  // keep arguments (the crash's goroutine, a map crash's others)
    size_t crash_index = 0;
    uint64_t line = 0;
    uint64_t count = 1;  // debug=1 records carry a count
    StringId labels = 0;
    StringId wait_object = 0;
    bool leaked = false;

    // Starts a goroutine record at input line `at` standing for `n` goroutines (the vectors keep
    // their memory for the next record).
    void Start(uint64_t at, uint64_t n) {
      active = true;
      id = 0;
      state = 0;
      minutes = 0;
      locked = false;
      attributes.clear();
      frames.clear();
      created_by = Frame{};
      elided = false;
      want_file = false;
      capture = false;
      keep_args = false;
      line = at;
      count = n;
      labels = 0;
      wait_object = 0;
      leaked = false;
    }
  } cur;

  // Race report being read.
  Race race;
  bool race_want_file = false;

  explicit Impl(std::string src, const ReadOptions& o) : opt(o), source(std::move(src)) {
    dump.source = source;
    dump.similarity = opt.similarity;
  }

  void Text(std::string_view line) {
    ++dump.other_lines;
    int minor, patch;
    if (dump.version.named_minor == 0 && StartsWith(line, "go version go") &&
        ReleaseInGoVersionLine(line, &minor, &patch)) {
      Named(minor, patch, fmt::format("the line '{}'", line.substr(0, 80)));
    }
    if (text_sink) text_sink(line);
  }

  void OpenSection() {
    if (!section_open) {
      section_open = true;
      section_prefixed = false;
      section_signal = false;
      ++dump.sections;
      section_first_crash = dump.crashes.size();
    }
  }
  size_t section_first_crash = 0;
  bool section_signal = false;  // the section printed a fatal signal's line (maybe a repeat)

  void CloseSection() {
    FlushValueTail();
    blank_in_frames = false;
    CommitGoroutine();
    CommitRace();
    state = State::kText;
    if (section_open && RevertFalseStart()) return;
    // "runtime: ..." notes never followed by "fatal error:": the first note is the message.
    for (size_t i = section_first_crash; i < dump.crashes.size(); ++i) {
      Crash& c = dump.crashes[i];
      if (c.kind == CrashKind::kFatal && c.message.empty() && !c.notes.empty())
        c.message = c.notes[0];
    }
    if (section_open) {
      section_open = false;
      if (section_sink) section_sink();
    }
  }

  // A section that is only "fatal error: ..." or "runtime: ..." text, with no stack after it, is
  // an application's own log line, not the runtime's: give its lines back as text. (The runtime
  // always follows a fatal error with a goroutine or "runtime stack:", GOTRACEBACK=none aside.)
  static constexpr size_t kMaxHeldLines = 32;
  std::vector<std::string> held;  // the current section's lines while it may be a false start
  bool holding = false;

  bool RevertFalseStart() {
    if (!holding) return false;
    holding = false;
    if (dump.crashes.size() <= section_first_crash) return false;
    for (size_t i = section_first_crash; i < dump.crashes.size(); ++i) {
      const Crash& c = dump.crashes[i];
      if (c.goroutine >= 0 || !c.stack.empty()) return false;
      // Behind a learned prefix, "panic: " or "SIGxxx: " may sit inside an application's own log
      // line just as "fatal error: " may at a line's start: without a stack it is not a crash.
      if (!section_prefixed && (c.kind != CrashKind::kFatal || !c.signal.empty())) return false;
    }
    if (section_prefixed) prefix.Clear();
    dump.crashes.resize(section_first_crash);
    section_open = false;
    --dump.sections;
    std::vector<std::string> lines = std::move(held);
    held.clear();
    for (const std::string& l : lines) Text(l);
    return true;
  }

  // Called after each line: keeps the lines of a section that may still be a false start.
  void Hold(std::string_view line, uint64_t sections_before) {
    if (!section_open) {
      holding = false;
      return;
    }
    if (dump.sections != sections_before) {  // this line opened a section
      held.clear();
      holding = true;
    }
    if (!holding) return;
    if (state == State::kGoroutine || state == State::kSystemStack || state == State::kRace ||
        state == State::kDebug1 || held.size() >= kMaxHeldLines) {
      holding = false;  // real dump content: no longer a false start
      held.clear();
      return;
    }
    held.emplace_back(line);
  }

  void Hint(int min_minor, const char* why) {
    if (min_minor > dump.version.min_minor) {
      dump.version.min_minor = min_minor;
      dump.version.min_reason = why;
    }
  }
  // A feature that later releases print differently: an upper bound.
  void Cap(int max_minor, const char* why) {
    if (max_minor < dump.version.max_minor) {
      dump.version.max_minor = max_minor;
      dump.version.max_reason = why;
    }
  }
  void Named(int minor, int patch, std::string why) {
    if (dump.version.named_minor != 0) return;  // the first naming wins
    dump.version.named_minor = minor;
    dump.version.named_patch = patch;
    dump.version.named_reason = std::move(why);
  }

  std::string Clip(std::string_view s) const {
    return std::string(s.substr(0, opt.max_message_bytes));
  }

  // ---- buckets ----

  uint64_t HashStack(const std::vector<Frame>& frames, const Frame& created_by) const {
    uint64_t h = frames.size();
    auto add = [&](const Frame& f) {
      h = Mix(h, f.function);
      if (opt.similarity != Similarity::kLines) {
        h = Mix(h, f.file);
        h = Mix(h, f.line);
      }
      if (opt.similarity == Similarity::kExact) h = Mix(h, f.args);
    };
    for (const Frame& f : frames) add(f);
    h = Mix(h, 0x5eed);
    add(created_by);
    return h;
  }

  bool SameFrame(const Frame& a, const Frame& b) const {
    if (a.function != b.function) return false;
    if (opt.similarity != Similarity::kLines && (a.file != b.file || a.line != b.line))
      return false;
    if (opt.similarity == Similarity::kExact && a.args != b.args) return false;
    return true;
  }

  bool SameStack(const Bucket& b, const std::vector<Frame>& frames, const Frame& created_by) const {
    if (b.frames.size() != frames.size() || !SameFrame(b.created_by, created_by)) return false;
    for (size_t i = 0; i < frames.size(); ++i)
      if (!SameFrame(b.frames[i], frames[i])) return false;
    return true;
  }

  template <typename V>
  static void AddCount(std::vector<std::pair<StringId, uint64_t>>* v, StringId id, V n,
                       size_t cap) {
    for (auto& [k, c] : *v) {
      if (k == id) {
        c += n;
        return;
      }
    }
    if (v->size() < cap) v->emplace_back(id, n);
  }

  void CommitGoroutine() {
    if (!cur.active) return;
    Current& c = cur;
    c.active = false;
    if (c.capture && c.crash_index < dump.crashes.size()) {
      dump.crashes[c.crash_index].stack = c.frames;  // the culprit is chosen in FinishDump
    } else if (Crash* map_crash = OpenMapCrash()) {
      NoteMapPeer(c, map_crash);
    }
    if (opt.similarity != Similarity::kExact) {
      for (Frame& f : c.frames) f.args = 0;
    }
    dump.goroutines += c.count;
    if (c.leaked) dump.leaked += c.count;
    if (c.labels != 0) dump.labeled += c.count;
    uint64_t h = HashStack(c.frames, c.created_by);
    auto it = index.find(h);
    uint32_t found = UINT32_MAX;
    uint32_t last = UINT32_MAX;
    if (it != index.end()) {
      for (uint32_t i = it->second; i != UINT32_MAX; i = dump.buckets[i].next_same_hash) {
        last = i;
        if (SameStack(dump.buckets[i], c.frames, c.created_by)) {
          found = i;
          break;
        }
      }
    }
    if (found == UINT32_MAX) {
      if (dump.buckets.size() >= opt.max_buckets) {
        if (!bucket_cap_warned) {
          bucket_cap_warned = true;
          dump.warnings.push_back(fmt::format(
              "more than {} distinct stacks: further new stacks were counted but not kept",
              opt.max_buckets));
        }
        return;
      }
      found = static_cast<uint32_t>(dump.buckets.size());
      dump.buckets.emplace_back();
      Bucket& b = dump.buckets.back();
      b.frames = c.frames;
      b.created_by = c.created_by;
      b.first_line = c.line;
      if (last != UINT32_MAX) {
        dump.buckets[last].next_same_hash = found;
      } else {
        index.emplace(h, found);
      }
    }
    Bucket& b = dump.buckets[found];
    b.count += c.count;
    AddCount(&b.states, c.state, c.count, SIZE_MAX);
    b.min_minutes = std::min(b.min_minutes, c.minutes);
    b.max_minutes = std::max(b.max_minutes, c.minutes);
    if (c.locked) b.locked += c.count;
    if (c.elided) b.elided = true;
    if (b.ids.size() < kMaxIdsPerBucket && !dump.debug1) b.ids.push_back(c.id);
    for (StringId a : c.attributes) AddCount(&b.attributes, a, c.count, kMaxAttributesPerBucket);
    if (c.leaked) b.leaked += c.count;
    if (c.labels != 0) {
      b.labeled += c.count;
      AddCount(&b.labels, c.labels, c.count, kMaxAttributesPerBucket);
    }
    if (c.wait_object != 0)
      AddCount(&b.wait_objects, c.wait_object, c.count, kMaxAttributesPerBucket);
  }

  void BeginGoroutine(const GoroutineHeader& h) {
    CommitGoroutine();
    OpenSection();
    Current& c = cur;
    c.Start(line_no, 1);
    c.id = h.id;
    // "(durable)" is part of some wait reasons' names and appended to others: one spelling.
    if (h.durable) {
      durable_state.assign(h.state);
      durable_state += " (durable)";
      c.state = dump.strings.Intern(durable_state);
      Hint(25, "wait reason with (durable) (Go 1.25+)");
    } else {
      c.state = dump.strings.Intern(h.state);
    }
    c.minutes = h.minutes;
    c.locked = h.locked;
    c.leaked = h.leaked;
    for (auto a : h.attributes) {
      c.attributes.push_back(dump.strings.Intern(a));
      if (StartsWith(a, "synctest bubble ")) Hint(25, "synctest bubble in headers (Go 1.25+)");
      if (StartsWith(a, "synctest group ")) {
        Hint(24, "synctest group in headers (Go 1.24; 1.25 says bubble)");
        Cap(24, "synctest group in headers (Go 1.24; 1.25 says bubble)");
      }
    }
    if (!h.labels.empty())
      c.labels = dump.strings.Intern(h.labels.substr(0, opt.max_message_bytes));
    if (h.label_form == GoroutineHeader::LabelForm::kAfterBrackets)
      Hint(27, "goroutine labels after the [state] in headers (Go 1.27+)");
    if (h.label_form == GoroutineHeader::LabelForm::kInBrackets) {
      Hint(26, "labels:{...} inside the [state] (Go 1.26 with GODEBUG=tracebacklabels=1)");
      Cap(26, "labels:{...} inside the [state] (1.27 prints them after it)");
    }
    if (h.leaked) Hint(26, "goroutines marked (leaked) (Go 1.26+ leak detection)");
    if (h.gp) Hint(22, "goroutine headers with gp= m= (Go 1.22+)");
    if (StartsWith(h.state, "sync.Mutex.Lock") || StartsWith(h.state, "sync.RWMutex."))
      Hint(21, "wait reason sync.Mutex.Lock (Go 1.21+)");
    if (h.state == "GOMAXPROCS updater (idle)")
      Hint(25, "wait reason GOMAXPROCS updater (idle) (Go 1.25+)");
    // The first goroutine after a crash line is the one that crashed.
    if (dump.crashes.size() > section_first_crash) {
      Crash& crash = dump.crashes.back();
      if (crash.goroutine < 0 && crash.stack.empty()) {
        crash.goroutine = static_cast<int64_t>(h.id);
        crash.goroutine_state = std::string(h.state);
        c.capture = true;
        c.crash_index = dump.crashes.size() - 1;
      }
    }
    c.keep_args = c.capture || OpenMapCrash() != nullptr;
    state = State::kGoroutine;
  }

  void AddFrame(const CallLine& call) {
    if (cur.frames.size() >= opt.max_frames) {
      if (!frame_cap_warned) {
        frame_cap_warned = true;
        dump.warnings.push_back(fmt::format("a stack deeper than {} frames was cut there (line {})",
                                            opt.max_frames, line_no));
      }
      cur.elided = true;
      cur.want_file = false;  // its file line is consumed without a frame to hold it
      return;
    }
    Frame f;
    f.function = InternFunction(call.function);
    f.inlined = call.inlined;
    if (cur.keep_args || opt.similarity == Similarity::kExact)
      f.args = dump.strings.Intern(call.args.substr(0, opt.max_message_bytes));
    if (call.args.find('?') != std::string_view::npos)
      Hint(18, "arguments marked '?' (Go 1.18+)");
    else if (call.args.find('{') != std::string_view::npos)
      Hint(17, "arguments in {...} (Go 1.17+)");
    if (cur.wait_object == 0) cur.wait_object = WaitObject(call);
    FunctionHint(call.function);
    cur.frames.push_back(f);
    cur.want_file = true;
  }

  // Functions that moved: Go 1.24 put sync.Mutex's code in internal/sync.
  void FunctionHint(std::string_view fn) {
    if (dump.version.min_minor < 24 && StartsWith(fn, "internal/sync.(*Mutex)."))
      Hint(24, "internal/sync.(*Mutex) frames (Go 1.24+)");
  }

  // The object a blocking call waits on: its first argument, when it is a plain pointer.
  StringId WaitObject(const CallLine& call) {
    // Go 1.24 moved the Mutex into internal/sync: sync.(*Mutex).Lock is then inlined ("(...)",
    // no arguments) and internal/sync.(*Mutex).lockSlow holds the address.
    static constexpr std::string_view kWaits[] = {
        "sync.(*Mutex).lockSlow",          "sync.(*Mutex).Lock",
        "internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).Lock",
        "sync.(*RWMutex).RLock",           "sync.(*RWMutex).Lock",
        "sync.(*WaitGroup).Wait",          "sync.(*Cond).Wait",
        "runtime.chanrecv",                "runtime.chanrecv1",
        "runtime.chanrecv2",               "runtime.chansend",
        "runtime.chansend1"};
    if (std::find(std::begin(kWaits), std::end(kWaits), call.function) == std::end(kWaits))
      return 0;
    std::string_view a = call.args.substr(1);
    a = a.substr(0, a.find_first_of(",)"));
    if (a.size() < 4 || a.substr(0, 2) != "0x" || a == "0x0" || a.back() == '?') return 0;
    for (char c : a.substr(2))
      if (!std::isxdigit(static_cast<unsigned char>(c))) return 0;
    return dump.strings.Intern(a);
  }

  // ---- crashes ----

  // The section's "concurrent map ..." fatal error, once its goroutine has been read.
  Crash* OpenMapCrash() {
    if (dump.crashes.size() <= section_first_crash) return nullptr;
    Crash& c = dump.crashes.back();
    if (c.kind != CrashKind::kFatal || c.goroutine < 0 || !StartsWith(c.message, "concurrent map "))
      return nullptr;
    return &c;
  }

  // Words in printed arguments that may be addresses of heap objects ("0xc000010030",
  // "0x1c81bf698020?"): at least 256 MiB, above where a binary's code and static data sit, so
  // that small integers, lengths, type descriptors and string constants do not tie goroutines.
  static void PointerWords(std::string_view args, std::vector<uint64_t>* out) {
    for (size_t at = args.find("0x"); at != std::string_view::npos; at = args.find("0x", at + 2)) {
      uint64_t v = 0;
      size_t i = at + 2, digits = 0;
      for (; i < args.size() && std::isxdigit(static_cast<unsigned char>(args[i])) && digits < 17;
           ++i, ++digits) {
        char c = args[i];
        v = v * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
      }
      if (digits > 0 && digits <= 16 && v >= (uint64_t{1} << 28)) out->push_back(v);
    }
  }

  // A goroutine read after a map crash's own: keep it when it may be the other side.
  void NoteMapPeer(const Current& c, Crash* crash) {
    crash->others_printed = true;
    // Only a goroutine that was executing can have been inside a map operation.
    std::string_view st = dump.Str(c.state);
    if (st != "running" && st != "runnable") return;
    if (crash->map_peers.size() >= 8) return;
    MapPeer peer;
    peer.goroutine = c.id;
    peer.state = std::string(st);
    std::vector<uint64_t> mine, theirs;
    auto user = [&](const std::vector<Frame>& frames, size_t from) -> const Frame* {
      for (size_t i = from; i < frames.size(); ++i)
        if (!IsStdlibFunction(dump.Str(frames[i].function), dump.Str(frames[i].file), dump.goroot))
          return &frames[i];
      return nullptr;
    };
    for (size_t i = 0; i < c.frames.size() && peer.word.empty(); ++i) {
      mine.clear();
      PointerWords(dump.Str(c.frames[i].args), &mine);
      for (uint64_t w : mine) {
        for (const Frame& cf : crash->stack) {
          theirs.clear();
          PointerWords(dump.Str(cf.args), &theirs);
          if (std::find(theirs.begin(), theirs.end(), w) == theirs.end()) continue;
          const Frame* own = user(c.frames, i);
          peer.frame = own != nullptr ? *own : c.frames[i];
          peer.crash_frame = cf;
          peer.word = fmt::format("{:#x}", w);
          break;
        }
        if (!peer.word.empty()) break;
      }
    }
    if (peer.word.empty()) {
      if (c.frames.empty()) {
        // "goroutine running on other thread; stack unavailable": only its creator is known.
        if (c.created_by.function == 0) return;
        peer.frame = c.created_by;
        peer.stack_unavailable = true;
      } else {
        const Frame* own = user(c.frames, 0);
        if (own == nullptr) return;  // the runtime's or the standard library's own goroutine
        peer.frame = *own;
      }
    }
    // Word matches first, in the order the dump printed them.
    auto at = crash->map_peers.end();
    if (!peer.word.empty())
      at = std::find_if(crash->map_peers.begin(), crash->map_peers.end(),
                        [](const MapPeer& p) { return p.word.empty(); });
    crash->map_peers.insert(at, std::move(peer));
  }

  Crash& NewCrash(CrashKind kind) {
    if (dump.crashes.size() >= kMaxCrashes) {
      // Keep reading; the last slot is reused so memory stays bounded.
      dump.crashes.pop_back();
      if (dump.warnings.empty() || dump.warnings.back().find("crashes") == std::string::npos)
        dump.warnings.push_back(
            fmt::format("more than {} crashes: only the first were kept", kMaxCrashes));
    }
    dump.crashes.emplace_back();
    Crash& c = dump.crashes.back();
    c.kind = kind;
    c.line = line_no;
    return c;
  }

  // Crash text that has not yet met its goroutine (notes printed before "fatal error:").
  Crash* OpenCrash() {
    if (dump.crashes.size() <= section_first_crash) return nullptr;
    Crash& c = dump.crashes.back();
    return c.goroutine < 0 ? &c : nullptr;
  }

  void PanicLine(std::string_view value, bool nested) {
    PanicValue pv;
    for (std::string_view suffix :
         {std::string_view(" [recovered, repanicked]"), std::string_view(" [recovered]")}) {
      if (value.size() >= suffix.size() && value.substr(value.size() - suffix.size()) == suffix) {
        value.remove_suffix(suffix.size());
        pv.recovered = true;
        pv.repanicked = suffix.size() > 12;
        if (pv.repanicked) Hint(25, "[recovered, repanicked] (Go 1.25+)");
      }
    }
    pv.value = Clip(value);
    Crash* open = OpenCrash();
    if (!nested || open == nullptr || open->kind != CrashKind::kPanic) {
      // A new panic, unless the previous one is still waiting for its goroutine and this is the
      // next link of its chain (Go prints "panic: A [recovered]" then "\tpanic: B").
      if (open != nullptr && open->kind == CrashKind::kPanic && open->chain.size() > 0 &&
          open->chain.back().recovered) {
        open->chain.push_back(pv);
        open->message = pv.value;
        return;
      }
      Crash& c = NewCrash(CrashKind::kPanic);
      c.chain.push_back(pv);
      c.message = pv.value;
      return;
    }
    open->chain.push_back(pv);
    open->message = pv.value;
  }

  // Lines that start (or continue) crash text. Returns false when `line` is none of them.
  bool CrashLine(std::string_view line) {
    size_t at;
    if (StartsWith(line, "panic: ")) {
      OpenSection();
      CommitGoroutine();
      PanicLine(line.substr(7), false);
      EnterPreamble();
      return true;
    }
    // "\tpanic: B" after "panic: A [recovered]", its tab turned into spaces by some pastes.
    if (!line.empty() && (line.front() == '\t' || line.front() == ' ') && OpenCrash() != nullptr) {
      size_t i = line.find_first_not_of(" \t");
      if (i != std::string_view::npos && i <= 8 && StartsWith(line.substr(i), "panic: ")) {
        PanicLine(line.substr(i + 7), true);
        EnterPreamble();
        return true;
      }
    }
    if (StartsWith(line, "fatal error: ")) {
      OpenSection();
      CommitGoroutine();
      Crash* open = OpenCrash();
      // "panic: X" then "fatal error: panic on system stack": one crash.
      if (open != nullptr && open->kind == CrashKind::kPanic) {
        open->notes.push_back(Clip(line));
      } else {
        std::vector<std::string> notes;
        if (open != nullptr && open->kind == CrashKind::kFatal && open->message.empty()) {
          notes = std::move(open->notes);
          dump.crashes.pop_back();
        }
        Crash& c = NewCrash(CrashKind::kFatal);
        c.message = Clip(line.substr(13));
        c.notes = std::move(notes);
      }
      EnterPreamble();
      return true;
    }
    if (IsSignalLine(line)) {
      OpenSection();
      CommitGoroutine();
      section_signal = true;
      // GOTRACEBACK=crash repeats the signal line for every M after "-----": one crash.
      bool repeat = false;
      for (const Crash& c : dump.crashes)
        if (c.kind == CrashKind::kSignal && c.message == line) repeat = true;
      Crash* open = OpenCrash();
      Crash* earlier = dump.crashes.size() > section_first_crash ? &dump.crashes.back() : nullptr;
      if (open != nullptr && open->kind == CrashKind::kSignal && open->message.empty()) {
        // A register dump read before it stood for this signal's report (a cut paste).
        open->message = Clip(line);
        open->signal = Clip(line);
      } else if (open != nullptr && open->kind != CrashKind::kSignal && open->signal.empty()) {
        open->signal = Clip(line);  // "panic: ..." / "fatal error: fault" then the signal
      } else if (earlier != nullptr && earlier->kind != CrashKind::kSignal &&
                 StartsWith(line, "SIGABRT")) {
        // GOTRACEBACK=crash: the runtime aborts after printing the panic; same crash (and the
        // same line again for every other M).
        if (earlier->notes.size() < kMaxNotes &&
            std::find(earlier->notes.begin(), earlier->notes.end(), line) == earlier->notes.end())
          earlier->notes.push_back(Clip(line));
      } else if (!repeat) {
        Crash& c = NewCrash(CrashKind::kSignal);
        c.message = Clip(line);
        c.signal = Clip(line);
      }
      EnterPreamble();
      return true;
    }
    if (IsExceptionLine(line)) {
      OpenSection();
      CommitGoroutine();
      Crash& c = NewCrash(CrashKind::kSignal);
      c.message = Clip(line);
      c.signal = Clip(line);
      EnterPreamble();
      return true;
    }
    if (StartsWith(line, "[signal ") && line.back() == ']') {
      OpenSection();
      if (Crash* open = OpenCrash()) open->signal = Clip(line.substr(8, line.size() - 9));
      EnterPreamble();
      return true;
    }
    if ((at = FindMarker(line, "http: panic serving ")) != std::string_view::npos) {
      OpenSection();
      CommitGoroutine();
      std::string_view rest = line.substr(at + 20);
      // "ADDR: VALUE"; the address itself holds ':' (host:port, [::1]:port).
      size_t sep = rest.find(": ");
      Crash& c = NewCrash(CrashKind::kHttpPanic);
      c.message = Clip(sep == std::string_view::npos ? rest : rest.substr(sep + 2));
      c.notes.push_back(Clip(line.substr(at)));
      std::string_view when = line.substr(0, at);
      while (!when.empty() && (when.back() == ' ' || when.back() == '\t')) when.remove_suffix(1);
      c.when = Clip(when.substr(0, 64));
      EnterPreamble();
      return true;
    }
    // Notes the traceback printer makes about a frame: they belong to the crash being printed.
    if ((cur.active || state == State::kBetween || state == State::kSystemStack) &&
        (StartsWith(line, "runtime: unexpected return pc") || StartsWith(line, "runtime: g ") ||
         StartsWith(line, "runtime: unknown pc"))) {
      if (dump.crashes.size() > section_first_crash &&
          dump.crashes.back().notes.size() < kMaxNotes)
        dump.crashes.back().notes.push_back(Clip(line));
      return true;
    }
    if (StartsWith(line, "runtime: ") || StartsWith(line, "unexpected fault address ")) {
      OpenSection();
      CommitGoroutine();
      Crash* open = OpenCrash();
      if (open == nullptr) {
        open = &NewCrash(CrashKind::kFatal);  // the message comes with "fatal error:"
      }
      if (open->notes.size() < kMaxNotes) open->notes.push_back(Clip(line));
      EnterPreamble();
      return true;
    }
    return false;
  }

  void EnterPreamble() {
    state = State::kPreamble;
    panic_continuation = 0;
    preamble_blank = false;
  }

  // Lines that may stand anywhere inside a dump.
  bool DumpLine(std::string_view line) {
    GoroutineHeader h;
    if (StartsWith(line, "goroutine ") && ParseGoroutineHeader(line, &h)) {
      if (h.id == 0) {
        // g0, the system stack of an M (SIGQUIT and GOTRACEBACK=crash): not a goroutine.
        CommitGoroutine();
        OpenSection();
        ++dump.threads_without_goroutine;
        if (h.gp) Hint(22, "goroutine headers with gp= m= (Go 1.22+)");
        state = State::kSystemStack;
        return true;
      }
      BeginGoroutine(h);
      return true;
    }
    if (CrashLine(line)) return true;
    if (line == "runtime stack:") {
      CommitGoroutine();
      OpenSection();
      state = State::kSystemStack;
      return true;
    }
    if (StartsWith(line, "PC=0x") || line == "signal arrived during cgo execution" ||
        line == "signal arrived during external code execution" ||
        StartsWith(line, "instruction bytes:") || line == "-----" ||
        StartsWith(line, "goroutine running on other thread")) {
      CommitGoroutine();
      OpenSection();
      state = State::kBetween;
      return true;
    }
    if (StartsWith(line, "goroutine profile: total ") ||
        StartsWith(line, "goroutineleak profile: total ")) {
      StartDebug1(line);
      return true;
    }
    return false;
  }

  // ---- races ----

  void CommitRace() {
    if (race.stacks.empty()) return;
    if (dump.races.size() < kMaxRaces) dump.races.push_back(std::move(race));
    race = Race{};
  }

  void RaceLine(std::string_view line) {
    if (line == "==================") {
      CommitRace();
      state = State::kBetween;
      return;
    }
    if (line.empty()) return;
    // The runtime indents calls by two spaces and files by six; pastes lose or change that, so
    // a line is read by its shape: a location right after a call, else a call.
    size_t indent = line.find_first_not_of(" \t");
    if (indent == std::string_view::npos) return;
    std::string_view body = line.substr(indent);
    if (race_want_file && !race.stacks.empty() && !race.stacks.back().frames.empty()) {
      race_want_file = false;
      FileLine fl;
      if ((indent > 0 || IsBareLocation(body)) && ParseLocation(body, &fl)) {
        Frame& f = race.stacks.back().frames.back();
        f.file = dump.strings.Intern(fl.file);
        f.line = fl.line;
        return;
      }
    }
    CallLine call;
    if (!race.stacks.empty() && line.back() != ':' && ParseCallLine(body, &call)) {
      if (race.stacks.back().frames.size() < opt.max_frames) {
        Frame f;
        f.function = InternFunction(call.function);
        f.inlined = call.inlined;
        race.stacks.back().frames.push_back(f);
        race_want_file = true;
      }
      return;
    }
    if (line.back() == ':' && race.stacks.size() < 64) {
      race.stacks.push_back(RaceStack{Clip(body.substr(0, body.size() - 1)), {}});
      race_want_file = false;
    }
  }

  // ---- debug=1 ----

  void StartDebug1(std::string_view line) {
    CommitGoroutine();
    OpenSection();
    Scanner s(line);
    // /debug/pprof/goroutineleak?debug=1 (Go 1.26+) lists only goroutines the GC proved leaked.
    debug1_leaked = s.Literal("goroutineleak ");
    if (debug1_leaked) {
      s.Literal("profile: total ");
      Hint(26, "a goroutineleak profile (Go 1.26+)");
    } else {
      s.Literal("goroutine profile: total ");
    }
    uint64_t total = 0;
    if (s.Uint(&total)) dump.declared_total += total;
    dump.debug1 = true;
    state = State::kDebug1;
  }

  void Debug1Line(std::string_view line) {
    if (line.empty()) {
      CommitGoroutine();
      return;
    }
    Scanner s(line);
    uint64_t n;
    if (s.Uint(&n) && s.Literal(" @")) {
      CommitGoroutine();
      cur.Start(line_no, n);
      cur.leaked = debug1_leaked;
      return;
    }
    if (StartsWith(line, "# labels: ") && cur.active) {
      cur.labels = dump.strings.Intern(line.substr(10, opt.max_message_bytes));
      return;
    }
    // "#\t0x4390c5\tsync.runtime_Semacquire+0x25\t/usr/lib/go/src/runtime/sema.go:62"
    if (StartsWith(line, "#\t0x") && cur.active) {
      std::string_view rest = line.substr(2);
      size_t t1 = rest.find('\t');
      if (t1 == std::string_view::npos) return;
      rest = rest.substr(t1 + 1);
      size_t t2 = rest.find('\t');
      std::string_view fn = rest.substr(0, t2);
      size_t plus = fn.rfind("+0x");
      if (plus != std::string_view::npos) fn = fn.substr(0, plus);
      Frame f;
      f.function = InternFunction(fn);
      FunctionHint(fn);
      if (t2 != std::string_view::npos) {
        FileLine fl;
        if (ParseLocation(rest.substr(t2 + 1), &fl)) {
          f.file = dump.strings.Intern(fl.file);
          f.line = fl.line;
          if (dump.goroot.empty()) LearnGoroot(f, fl.file);
        }
      }
      if (cur.frames.size() < opt.max_frames) cur.frames.push_back(f);
      return;
    }
    // Anything else ends the profile (the caller handles the line).
    CloseSection();
    Dispatch(line);
  }

  // ---- the line dispatcher ----

  void FlushPendingRule() {
    if (!has_pending_rule) return;
    has_pending_rule = false;
    std::string rule = std::move(pending_rule);
    if (section_open) CloseSection();
    Text(rule);
  }

  // A line as read: the block's learned prefix comes off first.
  void Line(std::string_view input) {
    raw = input;
    std::string_view line = input;
    if (!prefix.empty()) {
      if (prefix.Strip(input, &line)) {
        ++prefix_uses;
      } else {
        line = WithoutPrefix(input);
      }
    }
    Dispatch(line);
  }

  // A line that lacks the learned prefix: returns what to read of it.
  [[gnu::noinline]] std::string_view WithoutPrefix(std::string_view input) {
    std::string_view line = input;
    if (prefix_uses == 0 && RelearnIndent(input, &line)) {
      // A test log prints "    crash_test.go:609: SIGSEGV: ..." and indents the rest deeper:
      // that indent is the block's prefix.
      return line;
    }
    if (prefix_uses == 0 &&
        (!HasAlnum(prefix.text()) || (has_pending_rule && input == "WARNING: DATA RACE"))) {
      // Only the line it was learned from carried it, and it was no log text: a terminal's
      // "^\\" echo, a code span's backtick, progress dots or a progress bar glued to the
      // runtime's first line.
      prefix.Clear();
      return input;
    }
    // Without the prefix: another writer's line, or the prefixed block has ended.
    if (has_pending_rule) FlushPendingRule();
    if (section_open || cur.active) CloseSection();
    prefix.Clear();
    return input;
  }

  static bool HasAlnum(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  }

  // After a prefix learned from one line that the next line lacks: when both are indented, the
  // next one at least as deep, and the next one holds a dump line after its indent, that indent
  // becomes the prefix. Sets `*line` to the rest.
  bool RelearnIndent(std::string_view input, std::string_view* line) {
    const std::string& old = prefix.text();
    size_t lead = old.find_first_not_of(" \t");
    size_t ws = input.find_first_not_of(" \t");
    if (lead == 0 || ws == std::string_view::npos || ws == 0 || !section_open ||
        (lead != std::string::npos && ws < lead))
      return false;
    if (!StartsWith(input.substr(ws), "PC=0x") && RecordBehindPrefix(input) != ws) return false;
    prefix.Learn(input.substr(0, ws));
    prefix_uses = 1;
    *line = input.substr(ws);
    return true;
  }

  // Learns the prefix before a dump's first line and reads the line without it; the block's
  // next lines lose the same prefix in Line. False when `line` opens no dump.
  bool LearnPrefix(std::string_view line) {
    if (!prefix.empty()) return false;
    size_t at = RecordBehindPrefix(line);
    if (at == std::string_view::npos) return false;
    prefix.Learn(line.substr(0, at));
    prefix_uses = 0;
    const bool was_open = section_open;
    Dispatch(line.substr(at));
    if (!was_open && section_open) section_prefixed = true;
    return true;
  }

  // Frames right after a crash's text, without a goroutine header: on Windows the runtime prints
  // the crashing goroutine's stack so after "Exception ..." and "PC=...".
  [[gnu::noinline]] bool StartHeaderlessCrash(std::string_view line) {
    CallLine call;
    if (line.front() == ' ' || line.front() == '\t' || !ParseCallLine(line, &call)) return false;
    StartHeaderless(/*crashing=*/true);
    return FrameLine(line);
  }

  // The held lines after a panic value's blank line were the value's: a goroutine followed.
  void TakeValueTail() {
    if (value_tail.empty()) return;
    Crash* open = OpenCrash();
    if (open != nullptr && open->kind == CrashKind::kPanic) {
      for (const std::string& l : value_tail) {
        if (open->message.size() >= opt.max_message_bytes) break;
        open->message += "\n";
        open->message += l;
      }
      while (!open->message.empty() && open->message.back() == '\n') open->message.pop_back();
      if (!open->chain.empty()) open->chain.back().value = open->message;
    }
    value_tail.clear();
    value_tail_raw.clear();
  }

  // They were not: text after the crash.
  void FlushValueTail() {
    if (value_tail.empty()) return;
    std::vector<std::string> lines = std::move(value_tail_raw);
    value_tail.clear();
    value_tail_raw.clear();
    std::string_view keep = raw;
    for (const std::string& l : lines)
      if (!l.empty()) Text(l);
    raw = keep;
  }

  // A register dump with no crash text before it in its section: a fatal signal's, whose signal
  // line and message were not pasted.
  static constexpr int kRegisterRun = 4;
  int register_run = 0;
  [[gnu::noinline]] void RegistersWithoutCrash() {
    MissingStart(fmt::format(
        "the text holds a register dump (line {}) without the fatal signal's report before it: "
        "the signal, the crash message and the crashing goroutine are not in the text",
        line_no));
    Crash& c = NewCrash(CrashKind::kSignal);
    c.line = line_no;
  }

  void StartRace() {
    CommitGoroutine();
    OpenSection();
    race = Race{};
    race.line = line_no;
    race_want_file = false;
    state = State::kRace;
  }

  [[gnu::noinline]] void MissingStart(std::string what) {
    if (dump.missing_start.empty() && dump.sections <= 1 && dump.goroutines == 0)
      dump.missing_start = std::move(what);
  }

  // Outside a dump, a call line whose next line is its file line is a goroutine's middle: the
  // copy started below its header. Returns true when `line` was taken.
  bool TextCall(std::string_view line) {
    if (has_text_call) return HeldCallThen(line);
    CallLine call;
    if (!line.empty() && line.front() != ' ' && line.front() != '\t' &&
        ParseCallLine(line, &call) && call.function.find('.') != std::string_view::npos &&
        call.function.find(' ') == std::string_view::npos) {
      text_call.assign(line);
      text_call_raw.assign(raw);
      has_text_call = true;
      return true;
    }
    return false;
  }

  // The line after a held call line: its file line makes the two a goroutine's frames whose
  // header is not in the text. Returns true when `line` was taken.
  [[gnu::noinline, gnu::cold]] bool HeldCallThen(std::string_view line) {
    has_text_call = false;
    FileLine fl;
    const bool file = (!line.empty() && (line.front() == '\t' || line.front() == ' ') &&
                       ParseLocation(line, &fl)) ||
                      IsBareLocation(line);
    if (!file) {
      Text(text_call_raw);
      return false;
    }
    CallLine call;
    ParseCallLine(text_call, &call);
    StartHeaderless(/*crashing=*/false);
    MissingStart(fmt::format(
        "the text starts inside a goroutine's frames (line {}): its header, with its id and "
        "state, and whatever was printed before it are not in the text",
        line_no - 1));
    AddFrame(call);
    after_call = true;
    FrameLine(line);
    return true;
  }


  // A goroutine whose header is not in the text: a Windows exception's crashing stack (the
  // runtime prints it without one) or the first goroutine of a paste cut below its header.
  [[gnu::noinline]] void StartHeaderless(bool crashing) {
    CommitGoroutine();
    OpenSection();
    cur.Start(line_no, 1);
    cur.state = dump.strings.Intern(crashing ? "running" : "unknown (header not in the text)");
    if (crashing) {
      Crash& crash = dump.crashes.back();
      cur.capture = true;
      cur.keep_args = true;
      cur.crash_index = dump.crashes.size() - 1;
      crash.goroutine_state = "running";
    }
    state = State::kGoroutine;
  }

  // The crash waiting for its stack when frames arrive without a goroutine header.
  bool CrashWantsStack() {
    Crash* open = OpenCrash();
    return open != nullptr && open->stack.empty() && !cur.active;
  }

  // Outside any dump (kept out of Dispatch: the frame lines' path stays small and inlined).
  void TextLine(std::string_view line) {
    // Most lines here are a log's own: one look at the first byte picks the few forms that can
    // start a pasted record at all (each read apart, out of this path).
    const char first = line.empty() ? '\0' : line.front();
    switch (first) {
      case '=':
        if (line == "==================") {
          pending_rule = std::string(raw);
          has_pending_rule = true;
          return;
        }
        break;
      case 'W':
      case 'P':
      case 'R':
      case 'A':
        if ((line.back() == ':' || line == "WARNING: DATA RACE") && RaceStartFragment(line))
          return;
        break;
      case '\t':
        if (StartsWith(line, "\tpanic: ") && NestedPanicFragment(line)) return;
        break;
      case '[':
        if (StartsWith(line, "[signal ") && line.back() == ']' && SignalFragment(line)) return;
        break;
    }
    if (first >= 'a' && first <= 'z' && IsRegisterLine(line)) {
      if (++register_run == kRegisterRun) RegisterDumpFragment();
    } else {
      register_run = 0;
    }
    // A call line starts with its package path (a letter) and ends with its arguments.
    const bool may_be_call = ((first | 0x20) >= 'a' && (first | 0x20) <= 'z') && line.back() == ')';
    if (!DumpLine(line) && !LearnPrefix(line) && !(may_be_call && TextCall(line))) Text(raw);
  }

  // "WARNING: DATA RACE" copied without the rule above it, or a report from an access line.
  [[gnu::noinline, gnu::cold]] bool RaceStartFragment(std::string_view line) {
    if (line == "WARNING: DATA RACE") {
      StartRace();
      return true;
    }
    if (!IsRaceAccessLine(line)) return false;
    StartRace();
    if (line.front() == 'P')
      MissingStart(fmt::format(
          "the race report starts at '{}' (line {}): its first access is not in the text",
          line.substr(0, 60), line_no));
    RaceLine(line);
    return true;
  }

  // The second line of a "[recovered]" panic, its first line not pasted.
  [[gnu::noinline, gnu::cold]] bool NestedPanicFragment(std::string_view line) {
    MissingStart(fmt::format(
        "the text starts at a nested '\\tpanic:' line (line {}): the panic line above it is "
        "missing",
        line_no));
    OpenSection();
    PanicLine(line.substr(8), false);
    EnterPreamble();
    return true;
  }

  // "[signal SIGSEGV: ...]" without the "panic:" or "fatal error:" line above it.
  [[gnu::noinline, gnu::cold]] bool SignalFragment(std::string_view line) {
    MissingStart(fmt::format(
        "the text starts at '[signal ...]' (line {}): the 'panic:' or 'fatal error:' line "
        "above it is missing",
        line_no));
    OpenSection();
    Crash& c = NewCrash(CrashKind::kSignal);
    c.message = Clip(line.substr(8, line.size() - 9));
    c.signal = c.message;
    EnterPreamble();
    return true;
  }

  // The register dump alone: the runtime prints one only after a fatal signal.
  [[gnu::noinline, gnu::cold]] void RegisterDumpFragment() {
    OpenSection();
    RegistersWithoutCrash();
    state = State::kBetween;
  }

  // After crash text, before the first goroutine.
  [[gnu::noinline]] void PreambleLine(std::string_view line) {
    if (line.empty()) {
      preamble_blank = true;
      if (!value_tail.empty()) {
        value_tail.emplace_back();
        value_tail_raw.emplace_back(raw);
      }
      return;
    }
    if (StartsWith(line, "goroutine ") || StartsWith(line, "[signal ")) TakeValueTail();
    if (DumpLine(line) || LearnPrefix(line)) return;
    if (CrashWantsStack() && StartHeaderlessCrash(line)) return;
    if (line == "==================") {
      pending_rule = std::string(raw);
      has_pending_rule = true;
      return;
    }
    if (StartsWith(line, "[") && line.back() == ']') return;  // e.g. "[recovered]" variants
    // A panic value spanning several lines (errors with "\n" inside), blank ones too: after a
    // blank line they are held until a goroutine shows they were the value's.
    if (preamble_blank && panic_continuation + value_tail.size() < kMaxPanicContinuation &&
        !StartsWith(line, "exit status ") && !StartsWith(line, "FAIL") &&
        !StartsWith(line, "--- ") && !StartsWith(line, "=== ") && !StartsWith(line, "ok ")) {
      Crash* open = OpenCrash();
      if (open != nullptr && open->kind == CrashKind::kPanic && open->stack.empty()) {
        if (value_tail.empty()) {
          value_tail.emplace_back();  // the blank line before it
          value_tail_raw.emplace_back();
        }
        value_tail.emplace_back(line);
        value_tail_raw.emplace_back(raw);
        return;
      }
    }
    FlushValueTail();
    if (!preamble_blank && panic_continuation < kMaxPanicContinuation &&
        !StartsWith(line, "exit status ") && !StartsWith(line, "FAIL") &&
        !StartsWith(line, "--- ") && !StartsWith(line, "=== ") && !StartsWith(line, "ok ")) {
      Crash* open = OpenCrash();
      if (open != nullptr && open->kind == CrashKind::kPanic) {
        ++panic_continuation;
        if (open->message.size() < opt.max_message_bytes) {
          open->message += "\n";
          // Go 1.18+ indents each further line of a value by a tab (printpanicval).
          std::string_view more = line;
          if (more.front() == '\t') more.remove_prefix(1);
          open->message += more.substr(0, opt.max_message_bytes);
          if (!open->chain.empty()) open->chain.back().value = open->message;
        }
        return;
      }
    }
    CloseSection();
    Text(raw);
    return;
  }

  void Dispatch(std::string_view line) {
    if (has_pending_rule) {
      if (line == "WARNING: DATA RACE") {
        has_pending_rule = false;
        StartRace();
        return;
      }
      if (line.empty()) return;  // a double-spaced paste
      FlushPendingRule();
    }
    if (has_text_call && TextCall(line)) return;
    switch (state) {
      case State::kText:
        TextLine(line);
        return;
      case State::kRace:
        RaceLine(line);
        return;
      case State::kDebug1:
        Debug1Line(line);
        return;
      case State::kPreamble:
        PreambleLine(line);
        return;
      case State::kGoroutine:
      case State::kAncestor:
      case State::kSystemStack:
        if (FrameLine(line)) return;
        if (line.empty()) {
          // The goroutine ends here unless a double-spaced paste goes on with its frames.
          blank_in_frames = true;
          frames_state = state;
          state = State::kBetween;
          return;
        }
        [[fallthrough]];
      case State::kBetween:
        if (blank_in_frames) {
          blank_in_frames = false;
          if (!line.empty() && (cur.active || frames_state != State::kGoroutine)) {
            State was = state;
            state = frames_state;
            if (FrameLine(line)) return;
            state = was;
          }
        }
        if (line.empty()) {
          CommitGoroutine();
          state = State::kBetween;
          return;
        }
        if (DumpLine(line) || LearnPrefix(line)) return;
        if (CrashWantsStack() && StartHeaderlessCrash(line)) return;
        // "runtime: unknown pc 0x203a62a2" then "stack: frame={sp:..." and the stack's words.
        if (StartsWith(line, "stack: frame={") || IsStackWordsLine(line)) return;
        // A markdown fence opened or closed in the middle of a pasted dump.
        if (StartsWith(line, "```")) return;
        if (line == "==================") {
          CommitGoroutine();
          pending_rule = std::string(raw);
          has_pending_rule = true;
          return;
        }
        // Register dumps follow the stack of the M that took a fatal signal, without a blank line.
        if (IsRegisterLine(line) && dump.crashes.size() <= section_first_crash &&
            !section_signal) {
          RegistersWithoutCrash();
          CommitGoroutine();
          state = State::kBetween;
          return;
        }
        if (IsRegisterLine(line) || StartsWith(line, "\tpc=") ||
            (state == State::kBetween && StartsWith(line, "Found "))) {
          CommitGoroutine();
          state = State::kBetween;
          return;
        }
        CloseSection();
        Text(raw);
        return;
    }
  }

  // Frame lines of a goroutine, an ancestor section or a system stack. False when `line` is not
  // one (blank lines, headers and crash lines are handled by the caller).
  bool FrameLine(std::string_view line) {
    if (line.empty()) return false;
    const bool mine = state == State::kGoroutine;
    // Log collectors and web pages often turn the tab before a file line into spaces, and
    // editors and test runners into fewer than four: right after a call line any indentation
    // will do (a call line itself is never indented).
    const bool expects_file = after_call;
    after_call = false;
    const bool spaced = line.front() == ' ' &&
                        ((line.size() > 4 && line.substr(0, 4) == "    ") || expects_file);
    // Or lost it altogether (web pages): a bare "path.go:N" right after a call line.
    const bool bare = expects_file && line.front() != '\t' && IsBareLocation(line);
    if (line.front() == '\t' || spaced || bare) {
      // The runtime prints "\tgoroutine running on other thread; stack unavailable" in place of
      // the frames of a goroutine running elsewhere; its "created by" lines follow.
      std::string_view body = line.substr(line.find_first_not_of(" \t") == std::string_view::npos
                                              ? line.size()
                                              : line.find_first_not_of(" \t"));
      if (StartsWith(body, "goroutine running on other thread") ||
          StartsWith(body, "non-Go function"))
        return true;
      FileLine fl;
      if (!ParseLocation(line, &fl)) return false;
      if (mine) {
        Frame* f = created_by_pending                     ? &cur.created_by
                   : cur.want_file && !cur.frames.empty() ? &cur.frames.back()
                                                          : nullptr;
        if (f != nullptr) {
          f->file = dump.strings.Intern(fl.file);
          f->line = fl.line;
          if (dump.goroot.empty()) LearnGoroot(*f, fl.file);
        }
        cur.want_file = false;
      }
      created_by_pending = false;
      return true;
    }
    if (StartsWith(line, "created by ")) {
      std::string_view fn = line.substr(11);
      size_t in = fn.find(" in goroutine ");
      if (in != std::string_view::npos) {
        fn = fn.substr(0, in);
        saw_created_in = true;
        Hint(21, "created by F in goroutine N (Go 1.21+)");
      }
      saw_created_by = true;
      if (mine) {
        cur.created_by = Frame{};
        cur.created_by.function = InternFunction(fn);
        cur.want_file = false;
        created_by_pending = true;
      }
      after_call = true;
      return true;
    }
    bool elision;
    if (IsElisionLine(line, &elision)) {
      if (mine) cur.elided = true;
      if (line.find("additional") == std::string_view::npos)
        Hint(21, "...N frames elided... (Go 1.21+)");
      return true;
    }
    if (StartsWith(line, "[originating from goroutine ")) {
      state = State::kAncestor;
      created_by_pending = false;
      return true;
    }
    if (StartsWith(line, "goroutine running on other thread") ||
        StartsWith(line, "non-Go function")) {
      return true;
    }
    CallLine call;
    if (ParseCallLine(line, &call)) {
      created_by_pending = false;
      if (mine) AddFrame(call);
      after_call = true;
      return true;
    }
    return false;
  }

  // Function names as the program spells them: the linker's %XX escapes decoded
  // ("gopkg.in/yaml%2ev2.handleErr" is gopkg.in/yaml.v2.handleErr), so that display, filters,
  // user-code detection and grouping all see one name.
  StringId InternFunction(std::string_view fn) {
    return dump.strings.Intern(UnescapeFunctionName(fn, &unescaped));
  }
  std::string unescaped;  // scratch for InternFunction
  bool created_by_pending = false;
  bool debug1_leaked = false;  // the debug=1 profile being read is a goroutineleak one
  std::string durable_state;  // scratch for "STATE (durable)"

  void LearnGoroot(const Frame& f, std::string_view file) {
    // A standard-library-looking function (dotless package path, not main) whose file lies in
    // .../src/runtime/: runtime.*, panic, and runtime-implemented functions of other packages
    // (sync.runtime_Semacquire).
    std::string_view fn = dump.Str(f.function);
    size_t slash = fn.rfind('/');
    std::string_view pkg = fn.substr(0, fn.find('.', slash == std::string_view::npos ? 0 : slash));
    std::string_view first = pkg.substr(0, pkg.find('/'));
    if (fn != "panic" &&
        (pkg.empty() || pkg == "main" || first.find('.') != std::string_view::npos))
      return;
    size_t at = file.find("/src/runtime/");
    if (at != std::string_view::npos && at > 0) {
      dump.goroot = std::string(file.substr(0, at));
      int minor, patch;
      if (ReleaseInPath(dump.goroot, &minor, &patch))
        Named(minor, patch, "$GOROOT " + dump.goroot);
    }
  }

  void Finish(bool ended_with_newline, uint64_t total_bytes) {
    if (has_pending_rule) FlushPendingRule();
    if (has_text_call) {
      has_text_call = false;
      Text(text_call_raw);
    }
    if (blank_in_frames) {
      blank_in_frames = false;
      CommitGoroutine();
    }
    bool mid_goroutine = cur.active && state != State::kDebug1;
    bool cut_frame = mid_goroutine && cur.want_file;
    if (section_open || cur.active) {
      if (!ended_with_newline &&
          (mid_goroutine || state == State::kDebug1 || state == State::kRace)) {
        dump.truncated = true;
        dump.truncated_why = fmt::format("the input ends in the middle of line {}", line_no);
      } else if (cut_frame) {
        dump.truncated = true;
        dump.truncated_why =
            fmt::format("the last goroutine's last frame has no file line (line {})", line_no);
      }
      if (total_bytes == kDebug2Cap) {
        dump.truncated = true;
        dump.truncated_why =
            "the input is exactly 64 MiB, the size at which /debug/pprof/goroutine?debug=2 and "
            "runtime.Stack stop writing";
      }
      if (state == State::kRace && !race.stacks.empty() && !dump.truncated) {
        dump.truncated = true;
        dump.truncated_why = "a race report is not closed by its '==================' line";
      }
    }
    // The last debug=1 record is counted when it is committed: do that before comparing.
    if (state == State::kDebug1) CommitGoroutine();
    if (dump.debug1 && dump.declared_total > dump.goroutines && !dump.truncated) {
      dump.truncated = true;
      dump.truncated_why = fmt::format("the profile declares {} goroutines but lists {}",
                                       dump.declared_total, dump.goroutines);
    }
    if (section_open || cur.active) CloseSection();
    dump.lines = line_no;
  }
};

DumpParser::DumpParser(std::string source, const ReadOptions& options)
    : impl_(std::make_unique<Impl>(std::move(source), options)) {}
DumpParser::~DumpParser() = default;

void DumpParser::set_text_sink(std::function<void(std::string_view)> sink) {
  impl_->text_sink = std::move(sink);
}
void DumpParser::set_section_sink(std::function<void()> sink) {
  impl_->section_sink = std::move(sink);
}

void DumpParser::Line(std::string_view line) {
  ++impl_->line_no;
  impl_->bytes += line.size() + 1;
  uint64_t sections = impl_->dump.sections;
  impl_->Line(line);
  impl_->Hold(line, sections);
}

namespace {
// A frame's file line that is whole as printed: "\tFILE:LINE +0xOFF" (with or without the
// GOTRACEBACK=system "fp= sp= pc=" tail), or a debug=1 frame "#\t0xPC\tF+0xOFF\tFILE:LINE".
// Such a line ending the input without "\n" is taken as complete (an editor or a copy dropped
// the newline); only a cut inside the offset's hex digits looks the same, and cannot be told.
bool WholeFileLine(std::string_view line, bool debug1) {
  if (debug1) {
    if (!StartsWith(line, "#\t0x")) return false;
    size_t colon = line.rfind(':');
    if (colon == std::string_view::npos || colon + 1 >= line.size()) return false;
    for (char c : line.substr(colon + 1))
      if (c < '0' || c > '9') return false;
    return line.find('\t', 2) != std::string_view::npos;
  }
  if (line.empty() || line.front() != '\t') return false;
  FileLine fl;
  if (!ParseLocation(line, &fl)) return false;
  size_t off = line.rfind(" pc=0x");
  if (off == std::string_view::npos) off = line.rfind(" +0x");
  if (off == std::string_view::npos) return false;
  std::string_view hex = line.substr(line.find("0x", off) + 2);
  if (hex.empty()) return false;
  for (char c : hex)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

bool DumpParser::CutLine(std::string_view line) {
  Impl& p = *impl_;
  std::string_view body = line;  // without the block's prefix, when it carries it
  if (!p.prefix.empty() && !p.prefix.Strip(line, &body)) body = line;
  if (p.section_open && !p.holding &&
      (((p.state == State::kGoroutine || p.state == State::kDebug1) &&
        WholeFileLine(body, p.state == State::kDebug1)) ||
       (p.state == State::kBetween && IsRegisterLine(body)))) {
    p.Line(line);
    return true;
  }
  ++p.line_no;
  p.bytes += line.size();
  // Outside a dump, or after what may be an application's own "fatal error:" line: text.
  if ((!p.section_open && !p.has_pending_rule) || p.holding) {
    uint64_t sections = p.dump.sections;
    p.Line(line);
    p.Hold(line, sections);
    return true;
  }
  if (p.state == State::kGoroutine) {
    CallLine call;
    if (ParseCallLine(body, &call)) p.FrameLine(body);
  }
  p.dump.truncated = true;
  p.dump.truncated_why = fmt::format("the input ends in the middle of line {}", p.line_no);
  p.CloseSection();
  return false;
}

void DumpParser::Finish(bool ended_with_newline, uint64_t total_bytes) {
  impl_->Finish(ended_with_newline, total_bytes);
}

const Dump& DumpParser::dump() const { return impl_->dump; }
bool DumpParser::in_dump() const { return impl_->section_open; }

Dump DumpParser::Take() {
  Impl& p = *impl_;
  if (p.saw_created_by && !p.saw_created_in && p.dump.version.min_minor < 21)
    p.Cap(20, "created by F without 'in goroutine N' (before Go 1.21)");
  Dump out = std::move(p.dump);
  out.lines = p.line_no;
  FinishDump(&out);
  p.dump = Dump{};
  p.dump.source = p.source;
  p.dump.similarity = p.opt.similarity;
  p.index.clear();
  p.saw_created_by = p.saw_created_in = false;
  return out;
}

void FinishDump(Dump* d) {
  for (Crash& crash : d->crashes) {
    crash.culprit = -1;
    for (size_t i = 0; i < crash.stack.size(); ++i) {
      if (!IsStdlibFunction(d->Str(crash.stack[i].function), d->Str(crash.stack[i].file),
                            d->goroot)) {
        crash.culprit = static_cast<int>(i);
        break;
      }
    }
  }
  for (Bucket& b : d->buckets) {
    std::stable_sort(b.states.begin(), b.states.end(),
                     [](const auto& a, const auto& c) { return a.second > c.second; });
    b.next_same_hash = UINT32_MAX;
    if (b.min_minutes == UINT32_MAX) b.min_minutes = 0;
  }
  std::stable_sort(d->buckets.begin(), d->buckets.end(), [](const Bucket& a, const Bucket& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.first_line < b.first_line;
  });
}

namespace {

Status CheckText(std::string_view head, const std::string& name) {
  if (head.empty())
    return Status::Error(fmt::format("{}: empty input, expected a goroutine dump", name));
  if (LooksBinary(head))
    return Status::Error(fmt::format(
        "{}: byte 0: binary data, expected a goroutine dump as text (a pprof goroutine profile "
        "in protobuf form is read by 'godx pprof')",
        name));
  return Status::Ok();
}

// Feeds a whole buffer; its last line, when it has no "\n", was cut.
void FeedAll(DumpParser& parser, std::string_view data) {
  LineCursor lines(data);
  std::string_view line;
  bool cut = !data.empty() && data.back() != '\n';
  while (lines.Next(&line)) {
    if (cut && lines.offset() >= data.size()) {
      cut = !parser.CutLine(line);
    } else {
      parser.Line(line);
    }
  }
  parser.Finish(!cut, data.size());
}

Status NothingFound(const Dump& d, const std::string& name, std::string_view first) {
  if (d.sections > 0 || d.goroutines > 0 || !d.crashes.empty() || !d.races.empty())
    return Status::Ok();
  return Status::Error(fmt::format(
      "{}: line 1: expected a goroutine dump ('goroutine N [state]:'), a panic, a race report "
      "or 'goroutine profile: total N'; found none in {} lines starting '{}'",
      name, d.lines, FirstLine(first)));
}

}  // namespace

Result<Dump> ReadDump(const Input& input, const ReadOptions& options) {
  std::string_view data = input.data();
  GODX_RETURN_IF_ERROR(CheckText(data.substr(0, 4096), input.name()));
  DumpParser parser(input.name(), options);
  FeedAll(parser, data);
  Dump d = parser.Take();
  GODX_RETURN_IF_ERROR(NothingFound(d, input.name(), data));
  return d;
}

Result<Dump> ReadDebug1(std::string_view text, const std::string& name,
                        const ReadOptions& options) {
  GODX_RETURN_IF_ERROR(CheckText(text.substr(0, 4096), name));
  DumpParser parser(name, options);
  FeedAll(parser, text);
  Dump d = parser.Take();
  if (!d.debug1) {
    return Status::Error(fmt::format(
        "{}: line 1: expected 'goroutine profile: total N' (/debug/pprof/goroutine?debug=1), "
        "found '{}'",
        name, FirstLine(text)));
  }
  return d;
}

Result<Dump> ReadDumpStream(const std::string& path, const ReadOptions& options, uint64_t max_bytes,
                            const StreamSinks& sinks) {
  const bool is_stdin = path == "-";
  std::string name = is_stdin ? "<stdin>" : path;
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  struct Closer {
    int fd;
    bool own;
    ~Closer() {
      if (own) ::close(fd);
    }
  } closer{fd, !is_stdin};

  // Read a first block to sniff compression; compressed input goes through Input in memory.
  std::string buf;
  constexpr size_t kBlock = 1 << 20;
  buf.resize(kBlock);
  size_t have = 0;
  auto fill = [&]() -> ssize_t {
    if (buf.size() - have < kBlock / 2) buf.resize(std::max(buf.size() * 2, have + kBlock));
    for (;;) {
      ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  };
  ssize_t n = fill();
  if (n < 0) return Status::Error(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
  have = static_cast<size_t>(n);
  if (have >= 2 && SniffCompression(std::string_view(buf.data(), have)) != Compression::kNone) {
    // Read the rest and decompress in memory (bounded by max_bytes).
    for (;;) {
      ssize_t m = fill();
      if (m < 0)
        return Status::Error(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
      if (m == 0) break;
      have += static_cast<size_t>(m);
      if (have > max_bytes)
        return Status::Error(fmt::format("{}: compressed input larger than --max-input", name));
    }
    buf.resize(have);
    InputOptions io;
    io.max_bytes = max_bytes;
    GODX_ASSIGN_OR_RETURN(Input input, Input::FromBytes(name, std::move(buf), io));
    DumpParser parser(name, options);
    if (sinks.on_text) parser.set_text_sink(sinks.on_text);
    if (sinks.on_section) parser.set_section_sink([&] { sinks.on_section(parser); });
    GODX_RETURN_IF_ERROR(CheckText(input.data().substr(0, 4096), name));
    FeedAll(parser, input.data());
    Dump d = parser.Take();
    if (!input.cut_note().empty()) {
      d.truncated = true;
      d.truncated_why = input.cut_note();
    }
    // As for an uncompressed file: no dump at all is an error, not an empty report.
    if (!sinks.on_section) GODX_RETURN_IF_ERROR(NothingFound(d, name, input.data()));
    return d;
  }
  GODX_RETURN_IF_ERROR(CheckText(std::string_view(buf.data(), std::min<size_t>(have, 4096)), name));
  std::string first(FirstLine(std::string_view(buf.data(), have)));

  DumpParser parser(name, options);
  if (sinks.on_text) parser.set_text_sink(sinks.on_text);
  if (sinks.on_section) parser.set_section_sink([&] { sinks.on_section(parser); });
  struct stat st;
  uint64_t file_size = !is_stdin && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                           ? static_cast<uint64_t>(st.st_size)
                           : 0;
  // Progress only for files: a pipe in streaming mode prints to the same terminal.
  std::unique_ptr<Progress> progress;
  if (file_size > (64u << 20)) progress = std::make_unique<Progress>("reading " + name, file_size);
  constexpr size_t kMaxLine = 16 << 20;  // a longer "line" is cut: no input grows memory forever
  uint64_t total = 0;
  bool last_newline = true;
  size_t start = 0;  // first unconsumed byte in buf
  for (;;) {
    // Hand every complete line in buf[start, have) to the parser.
    const char* base = buf.data();
    for (;;) {
      const void* nl = std::memchr(base + start, '\n', have - start);
      if (nl == nullptr) break;
      size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base);
      size_t len = end - start;
      if (len > 0 && base[end - 1] == '\r') --len;
      parser.Line(std::string_view(base + start, len));
      start = end + 1;
    }
    if (have - start > kMaxLine) {
      parser.Line(std::string_view(base + start, have - start));
      start = have;
    }
    if (sinks.on_block) sinks.on_block();
    // Keep the partial line, then read more.
    if (start > 0) {
      std::memmove(buf.data(), buf.data() + start, have - start);
      have -= start;
      start = 0;
    }
    ssize_t m = fill();
    if (m < 0) return Status::Error(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
    if (m == 0) break;
    total += static_cast<uint64_t>(m);
    have += static_cast<size_t>(m);
    if (progress) progress->Update(total);
  }
  progress.reset();
  total += static_cast<uint64_t>(n);
  if (have > 0) {
    last_newline = parser.CutLine(std::string_view(buf.data(), have));
  }
  parser.Finish(last_newline, total);
  if (sinks.on_block) sinks.on_block();
  Dump d = parser.Take();
  if (!sinks.on_section) GODX_RETURN_IF_ERROR(NothingFound(d, name, first));
  return d;
}

int SniffStacks(std::string_view head) {
  LineCursor lines(head.substr(0, 256 << 10));
  std::string_view line;
  int score = 0;
  GoroutineHeader h;
  int n = 0;
  int registers = 0;       // consecutive register-dump lines ("rip    0x46b3c1")
  bool last_call = false;  // the previous line was a call line ("main.main()")
  while (lines.Next(&line) && ++n < 4000) {
    // Fragments: a register dump's tail, a goroutine's frames without their header.
    registers = IsRegisterLine(line) ? registers + 1 : 0;
    if (registers >= 4) score = std::max(score, 60);
    CallLine call;
    if (last_call && !line.empty() && line.front() == '\t') {
      FileLine fl;
      if (ParseLocation(line, &fl)) score = std::max(score, 60);
    }
    last_call = !line.empty() && line.front() != '\t' && line.back() == ')' &&
                ParseCallLine(line, &call) && call.function.find('.') != std::string_view::npos;
    if (StartsWith(line, "goroutine ") && ParseGoroutineHeader(line, &h)) return 95;
    // The goroutineleak profile's debug=1 text is a pprof count profile for `godx analyze`
    // (its pprof report gives the runtime's verdict); `godx stacks` still reads it when asked.
    if (StartsWith(line, "goroutine profile: total ")) return 95;
    if (line == "WARNING: DATA RACE") return 90;
    if (StartsWith(line, "panic: ") || StartsWith(line, "fatal error: ") || IsSignalLine(line) ||
        IsExceptionLine(line) || IsRaceAccessLine(line) || StartsWith(line, "\tpanic: ") ||
        (StartsWith(line, "[signal ") && line.back() == ']'))
      score = std::max(score, 60);
    // Behind a CI runner's or log collector's prefix, an indent or a quote.
    if (score < 95 && !line.empty()) {
      size_t at = RecordBehindPrefix(line);
      if (at != std::string_view::npos)
        score = std::max(score, StartsWith(line.substr(at), "goroutine ") ? 95 : 60);
    }
    if (FindMarker(line, "http: panic serving ") != std::string_view::npos)
      score = std::max(score, 60);
  }
  return score;
}

}  // namespace godx::stacks
