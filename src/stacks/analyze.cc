#include "stacks/analyze.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "core/interleave.h"
#include "core/leak_severity.h"
#include "core/text.h"
#include "core/units.h"
#include "stacks/labels.h"
#include "stacks/version.h"

namespace godx::stacks {

namespace {

// Thresholds (docs/formats/goroutine-dumps.md, "Findings").
constexpr uint64_t kLeakMinCount = 100;    // a blocked bucket this large is suspect...
constexpr uint64_t kLeakMinCountOld = 10;  // ...or this large when blocked this long:
constexpr uint32_t kLeakMinMinutes = 5;
constexpr uint32_t kLeakCriticalMinutes = 60;
constexpr uint64_t kIoLeakMinCount = 1000;  // idle connections are normal in moderation
constexpr uint32_t kIoLeakMinMinutes = 10;
constexpr uint64_t kConvoyMinCount = 10;  // goroutines waiting for one lock site
constexpr uint64_t kConvoyCriticalCount = 1000;
// Goroutines in system calls at one site of the program's code.
constexpr uint64_t kSyscallMinCount = 10;        // this many at one site at once...
constexpr uint64_t kSyscallMinCountStuck = 3;    // ...or this many when waiting for minutes...
constexpr uint64_t kSyscallMinCountShare = 4;    // ...or this many when they are
constexpr double kSyscallMinShare = 0.25;        // this share of all goroutines
constexpr uint64_t kSyscallCriticalCount = 100;  // with minutes of waiting (or 10x without)
constexpr uint32_t kSyscallCriticalMinutes = 60;
// debug=1 profiles print no states: one stack holding this many goroutines is a finding.
constexpr uint64_t kSharedStackMinCount = 10;
constexpr double kSharedStackMinShare = 0.5;
constexpr uint64_t kRunawayMinCount = 1000;  // goroutines from one creation site...
constexpr double kRunawayMinShare = 0.5;     // ...that are this share of all goroutines
constexpr uint64_t kRunawayCriticalCount = 100000;
constexpr size_t kEvidenceLines = 6;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool Contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// For people: the standard library's files as $GOROOT/src/... (JSON keeps the full path).
std::string Location(const Dump& d, const Frame& f) {
  if (f.file == 0) return "";
  std::string_view file = d.Str(f.file);
  if (!d.goroot.empty() && file.size() > d.goroot.size() &&
      file.substr(0, d.goroot.size()) == d.goroot && file[d.goroot.size()] == '/') {
    return fmt::format("$GOROOT{}:{}", file.substr(d.goroot.size()), f.line);
  }
  return fmt::format("{}:{}", file, f.line);
}

std::string WaitRange(const Bucket& b) {
  if (b.max_minutes == 0) return "";
  if (b.min_minutes == b.max_minutes) return fmt::format("{} min", b.max_minutes);
  return fmt::format("{}-{} min", b.min_minutes, b.max_minutes);
}

std::string StateText(const Dump& d, const Bucket& b) {
  if (b.states.empty()) return d.debug1 ? "(debug=1: no state)" : "";
  std::string s(d.Str(b.states.front().first));
  if (s.empty()) s = d.debug1 ? "(debug=1: no state)" : "?";
  if (b.states.size() > 1) s += fmt::format(" +{} more", b.states.size() - 1);
  if (b.leaked > 0)
    s += b.leaked == b.count ? " (leaked)" : fmt::format(", {} leaked", FormatCount(b.leaked));
  if (b.locked > 0) s += ", locked";
  return s;
}

// The frame a bucket is best known by: the first frame in user code, else the innermost.
const Frame* KeyFrame(const Dump& d, const Bucket& b) {
  int u = UserFrame(d, b.frames);
  if (u >= 0) return &b.frames[static_cast<size_t>(u)];
  return b.frames.empty() ? nullptr : &b.frames.front();
}


std::string Ids(const Bucket& b) {
  if (b.ids.empty()) return "";
  std::string s = " (goroutine";
  if (b.ids.size() > 1 || b.count > 1) s += "s";
  for (size_t i = 0; i < b.ids.size() && i < 3; ++i)
    s += fmt::format("{}{}", i ? ", " : " ", b.ids[i]);
  if (b.count > 3) s += ", ...";
  return s + ")";
}

struct FatalAdvice {
  std::string_view needle;
  std::string_view id;
  std::string_view advice;
};

constexpr FatalAdvice kAdvice[] = {
    {"concurrent map", "concurrent-map-access",
     "Two goroutines used one map at once and at least one wrote. Guard the map with a "
     "sync.Mutex/RWMutex (or use sync.Map for write-once, read-many keys); run the tests with "
     "-race to find the other goroutine."},
    {"all goroutines are asleep - deadlock", "deadlock",
     "Every goroutine is blocked: look at the buckets below for the channel or lock each one "
     "waits on, and at who should have sent, closed or unlocked it."},
    {"stack overflow", "stack-overflow",
     "Unbounded recursion: find the frame that repeats in the crashed goroutine's stack and give "
     "the recursion a base case (or make it iterative)."},
    {"out of memory", "out-of-memory",
     "The heap outgrew the machine or GOMEMLIMIT: take a heap profile (godx pprof) before the "
     "crash, and check for unbounded caches, queues and goroutine leaks."},
    {"invalid memory address or nil pointer dereference", "nil-dereference",
     "A nil pointer, map or interface was dereferenced at the culprit frame: check which value "
     "there can be nil, and where it should have been set."},
    {"index out of range", "index-out-of-range",
     "A slice or array index reached past its length at the culprit frame: check the bound."},
    {"slice bounds out of range", "index-out-of-range",
     "A slice expression went past the capacity at the culprit frame: check the bounds."},
    {"assignment to entry in nil map", "nil-map-write",
     "The map was never made: initialise it with make() before writing."},
    {"send on closed channel", "send-on-closed-channel",
     "A channel was closed while others still sent on it: only the sole sender should close a "
     "channel, after every send is done."},
    {"close of closed channel", "double-close",
     "A channel was closed twice: close it once, from its owner (sync.Once helps)."},
    {"close of nil channel", "close-nil-channel", "Closing a nil channel panics: make it first."},
    {"interface conversion", "bad-type-assertion",
     "A type assertion failed: use the two-value form v, ok := x.(T)."},
    {"integer divide by zero", "divide-by-zero", "Check the divisor before dividing."},
    {"unlock of unlocked mutex", "unlock-unlocked",
     "A mutex was unlocked twice or by code that never locked it: pair each Lock with one "
     "deferred Unlock."},
    {"sync: negative WaitGroup counter", "waitgroup-negative",
     "Done was called more often than Add: call Add before starting each goroutine."},
    {"Unlock of unlocked RWMutex", "unlock-unlocked",
     "An RWMutex was unlocked (or RUnlocked) more often than locked: pair each Lock/RLock with "
     "one deferred Unlock/RUnlock of the same kind."},
    {"WaitGroup is reused before previous Wait has returned", "waitgroup-reuse",
     "Add was called for a new round while Wait of the previous one had not returned: use a new "
     "WaitGroup per round, or make sure every Wait returned first."},
    // Go 1.24+ testing/synctest (the bubble's own deadlock detection, a panic, not the runtime's).
    {"deadlock: all goroutines in bubble are blocked", "synctest-deadlock",
     "Every goroutine of the synctest bubble is durably blocked: the test waits for something "
     "only the outside world (or a missing send/close) would do. See the (durable) buckets."},
    {"deadlock: main bubble goroutine has exited but blocked goroutines remain",
     "synctest-deadlock",
     "The synctest bubble's function returned while goroutines it started are still blocked: "
     "stop them (cancel, close their channel) before the test returns."},
    {"synctest", "synctest-bubble-violation",
     "A channel, timer or WaitGroup of a synctest bubble was used from outside it (or from two "
     "bubbles): create it inside the bubble that uses it."},
    // Go 1.23+ range-over-func iterators.
    {"range function continued iteration", "range-func-misuse",
     "An iterator (range-over-func) called yield again after it returned false or after the "
     "loop ended: stop iterating as soon as yield returns false."},
    {"range function recovered a loop body panic", "range-func-misuse",
     "An iterator recovered a panic of the loop body and did not re-panic: let it propagate."},
    {"panic called with nil argument", "panic-nil",
     "panic(nil) (Go 1.21+ turns it into *runtime.PanicNilError): panic with a real value, "
     "usually an error."},
};

const FatalAdvice* AdviceFor(std::string_view message) {
  for (const auto& a : kAdvice)
    if (Contains(message, a.needle)) return &a;
  return nullptr;
}

// SIGQUIT: the user (or a supervisor) asked for the dump; nothing crashed, and the goroutine
// printed first is whichever the signal found (often goroutine 1), not a culprit.
bool IsRequestedDump(const Crash& c) {
  return c.kind == CrashKind::kSignal && StartsWith(c.message, "SIGQUIT");
}

Json CrashJson(const Dump& d, const Crash& c) {
  Json j = Json::object();
  const bool requested = IsRequestedDump(c);
  j["kind"] = CrashKindName(c.kind);
  j["requested"] = requested;
  j["message"] = c.message;
  j["goroutine"] = c.goroutine >= 0 && !requested ? Json(c.goroutine) : Json(nullptr);
  j["state"] = requested ? std::string() : c.goroutine_state;
  if (c.culprit >= 0 && !requested) {
    const Frame& f = c.stack[static_cast<size_t>(c.culprit)];
    j["culprit"] = Json{{"function", std::string(d.Str(f.function))},
                        {"file", std::string(d.Str(f.file))},
                        {"line", f.line}};
  } else {
    j["culprit"] = nullptr;
  }
  j["signal"] = c.signal.empty() ? Json(nullptr) : Json(c.signal);
  Json chain = Json::array();
  for (const auto& p : c.chain)
    chain.push_back(
        Json{{"value", p.value}, {"recovered", p.recovered}, {"repanicked", p.repanicked}});
  j["panic_chain"] = std::move(chain);
  j["notes"] = c.notes;
  Json frames = Json::array();
  for (const auto& f : requested ? std::vector<Frame>{} : c.stack) {
    Json fj = FrameJson(d, f);
    fj["args"] = std::string(d.Str(f.args));
    frames.push_back(std::move(fj));
  }
  j["frames"] = std::move(frames);
  j["line"] = c.line;
  if (c.kind == CrashKind::kFatal && StartsWith(c.message, "concurrent map ")) {
    Json peers = Json::array();
    for (const MapPeer& p : c.map_peers) {
      Json pj{{"goroutine", p.goroutine},
              {"state", p.state},
              {"frame", FrameJson(d, p.frame)},
              {"word", p.word.empty() ? Json(nullptr) : Json(p.word)},
              {"stack_unavailable", p.stack_unavailable}};
      pj["crash_frame"] =
          p.crash_frame.function != 0 ? FrameJson(d, p.crash_frame) : Json(nullptr);
      peers.push_back(std::move(pj));
    }
    j["map_peers"] = std::move(peers);
  }
  return j;
}

std::string ChainText(const Crash& c) {
  std::string s;
  for (size_t i = 0; i < c.chain.size(); ++i) {
    if (i) s += " → ";
    s += c.chain[i].value.substr(0, 80);
    if (c.chain[i].repanicked)
      s += " [recovered, repanicked]";
    else if (c.chain[i].recovered)
      s += " [recovered]";
  }
  return s;
}

std::string FirstLineOf(std::string_view s) { return std::string(s.substr(0, s.find('\n'))); }

// What makes two crashes one cause: the same kind, the same first line of the message and the
// same site (the culprit frame, else the innermost frame). A service log that recovered the same
// handler panic six times has one cause, not six.
std::string CrashCause(const Dump& d, const Crash& c) {
  std::string key = fmt::format("{}\x1f{}\x1f", CrashKindName(c.kind), FirstLineOf(c.message));
  const Frame* site = c.culprit >= 0 ? &c.stack[static_cast<size_t>(c.culprit)]
                      : c.stack.empty() ? nullptr
                                        : &c.stack.front();
  if (site != nullptr)
    key += fmt::format("{}\x1f{}:{}", d.Str(site->function), d.Str(site->file), site->line);
  return key;
}

std::string MapPeerText(const Dump& d, const MapPeer& p) {
  std::string where = fmt::format("{} {}", d.Str(p.frame.function), Location(d, p.frame));
  if (p.stack_unavailable)
    return fmt::format("goroutine {} [{}] was running on another thread (no stack printed), "
                       "created by {}",
                       p.goroutine, p.state, where);
  if (p.word.empty())
    return fmt::format("goroutine {} [{}] was in the program's code at {}", p.goroutine, p.state,
                       where);
  return fmt::format("goroutine {} [{}] at {} holds {}, as the crashed goroutine's {} does",
                     p.goroutine, p.state, where, p.word, d.Str(p.crash_frame.function));
}

// The other side of a concurrent map access: named in the title when an argument word ties it to
// the crashed goroutine, listed as a candidate when only its state does.
void MapPeerEvidence(const Dump& d, const Crash& c, Finding* f) {
  if (!c.others_printed) {
    f->evidence.push_back(
        "only the goroutine that noticed was printed: run with GOTRACEBACK=all to see the other "
        "goroutine that used the map");
    return;
  }
  if (c.map_peers.empty()) {
    f->evidence.push_back(
        "no other goroutine was running or runnable in the program's code when it crashed");
    return;
  }
  const MapPeer& top = c.map_peers.front();
  if (!top.word.empty() || c.map_peers.size() == 1)
    f->title += fmt::format(" (likely with goroutine {}{} {})", top.goroutine,
                            top.stack_unavailable ? ", running elsewhere, created by" : " at",
                            FrameSite(d, top.frame));
  f->evidence.push_back(fmt::format("the other side: {}", MapPeerText(d, top)));
  for (size_t i = 1; i < c.map_peers.size() && i < 4; ++i)
    f->evidence.push_back("also running then: " + MapPeerText(d, c.map_peers[i]));
}

void CrashFindings(const Dump& d, Report* r) {
  // Group the crashes by cause, in order of first appearance.
  std::vector<std::vector<const Crash*>> groups;
  {
    std::map<std::string, size_t> index;
    for (const Crash& c : d.crashes) {
      auto [it, fresh] = index.try_emplace(CrashCause(d, c), groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(&c);
    }
  }
  for (const auto& group : groups) {
    const Crash& c = *group.front();
    const Crash& last = *group.back();
    const size_t n = group.size();
    Finding f;
    std::string culprit =
        c.culprit >= 0 ? FrameSite(d, c.stack[static_cast<size_t>(c.culprit)]) : std::string();
    const FatalAdvice* advice = AdviceFor(c.message);
    switch (c.kind) {
      case CrashKind::kPanic:
        f.id = advice ? std::string(advice->id) : "panic";
        f.severity = Severity::kCritical;
        f.title = fmt::format("panic: {}", FirstLineOf(c.message));
        break;
      case CrashKind::kFatal:
        f.id = advice ? std::string(advice->id) : "fatal-error";
        f.severity = Severity::kCritical;
        f.title = fmt::format("fatal error: {}", FirstLineOf(c.message));
        break;
      case CrashKind::kSignal:
        if (IsRequestedDump(c)) {
          f.id = "sigquit-dump";
          f.severity = Severity::kInfo;
          f.title = fmt::format(
              "A goroutine dump on request (SIGQUIT): {} goroutine{} in {} stack{}",
              FormatCount(d.goroutines), d.goroutines == 1 ? "" : "s",
              FormatCount(d.buckets.size()), d.buckets.size() == 1 ? "" : "s");
          f.evidence.push_back(fmt::format(
              "{} at input line {}: the process printed every goroutine and exited; nothing "
              "crashed",
              c.message, c.line));
          if (d.threads_without_goroutine > 0)
            f.evidence.push_back(fmt::format(
                "{} thread{} printed as goroutine 0 (an M with no goroutine: idle, in C code or "
                "in the runtime); not goroutines",
                d.threads_without_goroutine, d.threads_without_goroutine == 1 ? "" : "s"));
          f.advice = "Read the buckets below: what the goroutines were waiting on when asked.";
        } else {
          f.id = "fatal-signal";
          f.severity = Severity::kCritical;
          f.title = c.message.empty()
                        ? std::string("Killed by a fatal signal (its report is not in the "
                                      "text; the register dump after it is)")
                        : fmt::format("Killed by {}", c.message);
          f.advice =
              "A fatal signal outside Go code (cgo, or a runtime bug): look at the PC and "
              "the goroutine that was running.";
        }
        break;
      case CrashKind::kHttpPanic:
        f.id = "http-handler-panic";
        f.severity = Severity::kWarning;
        f.title = fmt::format("An HTTP handler panicked (the server recovered): {}",
                              FirstLineOf(c.message));
        break;
    }
    if (n > 1) {
      f.title += fmt::format(" ({} times)", n);
      std::string span = fmt::format("{} times at this site, input lines {} to {}", n, c.line,
                                     last.line);
      if (!c.when.empty() && !last.when.empty())
        span += fmt::format("; first at {}, last at {}", c.when, last.when);
      f.evidence.push_back(std::move(span));
    } else if (!c.when.empty()) {
      f.evidence.push_back("at " + c.when);
    }
    if (c.goroutine >= 0 && !IsRequestedDump(c))
      f.evidence.push_back(fmt::format(
          "goroutine {} [{}] {} (input line {}){}", c.goroutine, c.goroutine_state,
          c.kind == CrashKind::kSignal ? "was running" : "crashed", c.line,
          n > 1 ? fmt::format("; the last time goroutine {}", last.goroutine) : std::string()));
    if (!culprit.empty() && !IsRequestedDump(c))
      f.evidence.push_back("first frame in user code: " + culprit);
    if (!c.signal.empty() && c.kind != CrashKind::kSignal)
      f.evidence.push_back("signal: " + c.signal);
    if (c.chain.size() > 1) f.evidence.push_back("panic chain: " + ChainText(c));
    if (c.kind == CrashKind::kFatal && StartsWith(c.message, "concurrent map ")) {
      MapPeerEvidence(d, c, &f);
    }
    for (size_t i = 0; i < c.notes.size() && i < 3; ++i) f.evidence.push_back(c.notes[i]);
    if (f.advice.empty()) {
      if (advice) {
        f.advice = std::string(advice->advice);
      } else if (c.kind == CrashKind::kHttpPanic) {
        f.advice =
            "net/http recovered the panic and closed the connection; fix the handler at "
            "the culprit frame (the client saw a dropped connection).";
      } else {
        f.advice = culprit.empty() ? "Read the crashed goroutine's stack from the top."
                                   : "Start at " + culprit +
                                         ": it is where the program's own code "
                                         "was when it crashed.";
      }
    }
    r->findings.push_back(std::move(f));
  }
}

void DeadlockFinding(const Dump& d, Report* r) {
  bool deadlock = false;
  for (const Crash& c : d.crashes)
    if (Contains(c.message, "deadlock")) deadlock = true;
  if (!deadlock) return;
  // The crash finding says it is a deadlock; this one says its shape: who waits on what.
  Finding f;
  f.id = "deadlock-shape";
  f.severity = Severity::kCritical;
  uint64_t blocked = 0;
  std::map<std::string, uint64_t> by_class;
  for (const Bucket& b : d.buckets) {
    WaitClass wc = BucketWaitClass(d, b);
    if (!IsBlockingWait(wc)) continue;
    blocked += b.count;
    by_class[BucketWaitLabel(d, b)] += b.count;
    if (f.evidence.size() < kEvidenceLines) {
      std::string on;
      if (b.wait_objects.size() == 1) on = fmt::format(" on {}", d.Str(b.wait_objects[0].first));
      f.evidence.push_back(fmt::format("{} × [{}]{} at {}{}", FormatCount(b.count), StateText(d, b),
                                       on, BucketName(d, b), Ids(b)));
    }
  }
  std::string classes;
  for (const auto& [k, v] : by_class)
    classes += fmt::format("{}{} {}", classes.empty() ? "" : ", ", v, k);
  f.title =
      fmt::format("Deadlock: {} goroutine{} blocked ({})", FormatCount(blocked),
                  blocked == 1 ? "" : "s", classes.empty() ? "no blocking waits listed" : classes);
  if (by_class.count("mutex"))
    f.advice =
        "Goroutines wait for locks nobody will release: a lock taken twice on one path, or "
        "two locks taken in opposite orders. Compare the lock call sites above.";
  else
    f.advice =
        "Each waiting goroutine needs another to send, receive, close or call Done; every "
        "one of them is waiting. Check the sites above for a missing close() or a sender "
        "that returned early.";
  r->findings.push_back(std::move(f));
}

void LeakFindings(const Dump& d, Report* r) {
  // Stacks that differ only below the user's frame (recursion depth, inlining) are one leak:
  // group blocked buckets by wait class, user frame and creation site.
  struct Group {
    WaitClass wc = WaitClass::kOther;
    uint64_t count = 0;
    uint32_t min_minutes = UINT32_MAX, max_minutes = 0;
    size_t stacks = 0;
    const Bucket* first = nullptr;  // the largest (buckets are sorted largest first)
  };
  std::map<std::tuple<int, std::string, StringId>, Group> groups;
  std::vector<std::tuple<int, std::string, StringId>> order;
  for (const Bucket& b : d.buckets) {
    WaitClass wc = BucketWaitClass(d, b);
    if (!IsBlockingWait(wc) && wc != WaitClass::kIO) continue;
    if (b.leaked == b.count) continue;  // proven by the runtime: LeakedFindings says so
    auto key = std::make_tuple(static_cast<int>(wc), BucketName(d, b), b.created_by.function);
    Group& g = groups[key];
    if (g.first == nullptr) {
      g.first = &b;
      g.wc = wc;
      order.push_back(key);
    }
    g.count += b.count;
    g.min_minutes = std::min(g.min_minutes, b.min_minutes);
    g.max_minutes = std::max(g.max_minutes, b.max_minutes);
    ++g.stacks;
  }
  for (const auto& key : order) {
    const Group& g = groups[key];
    const Bucket& b = *g.first;
    const WaitClass wc = g.wc;
    const bool io = wc == WaitClass::kIO;
    bool suspect;
    if (io) {
      suspect = g.count >= kIoLeakMinCount && g.min_minutes >= kIoLeakMinMinutes;
    } else {
      suspect = g.count >= kLeakMinCount ||
                (g.count >= kLeakMinCountOld && g.min_minutes >= kLeakMinMinutes);
    }
    if (wc == WaitClass::kNilChan) suspect = true;
    if (!suspect) continue;
    Finding f;
    f.id = wc == WaitClass::kNilChan ? "blocked-forever" : "leak-suspect";
    f.severity = (g.count >= kLeakCriticalGoroutines || g.min_minutes >= kLeakCriticalMinutes)
                     ? Severity::kCritical
                     : Severity::kWarning;
    if (wc == WaitClass::kNilChan && d.Str(b.state()) == "select (no cases)") {
      // `select {}` parks a goroutine on purpose (a server's main): worth knowing, not a fault.
      f.severity = Severity::kInfo;
      f.title = fmt::format("{} goroutine{} parked forever in select {{}} at {}",
                            FormatCount(g.count), g.count == 1 ? "" : "s", BucketName(d, b));
      f.advice =
          "Intended when a main goroutine has nothing left to do; elsewhere it leaks the "
          "goroutine.";
    } else if (wc == WaitClass::kNilChan) {
      f.title = fmt::format("{} goroutine{} blocked forever on a nil channel at {}",
                            FormatCount(g.count), g.count == 1 ? "" : "s", BucketName(d, b));
      f.advice =
          "A send, receive or select on a nil channel never proceeds: the channel was "
          "never made (or was set to nil). Make it, or return instead of waiting.";
    } else {
      f.title = fmt::format("{} goroutines blocked in {} at {}", FormatCount(g.count),
                            WaitClassName(wc), BucketName(d, b));
      if (io)
        f.advice =
            "Many connections idle for long: set read/idle timeouts "
            "(http.Server.IdleTimeout, net.Conn deadlines) and close what you no longer use.";
      else
        f.advice =
            "Goroutines that wait this long on one site usually leak: nobody will send, "
            "close or unlock. Give them a way out (context cancellation, close the channel "
            "when the producer is done) and confirm with 'godx stacks diff' on two dumps.";
    }
    std::string wait;
    if (g.max_minutes > 0)
      wait = g.min_minutes == g.max_minutes
                 ? fmt::format(", waiting {} min", g.max_minutes)
                 : fmt::format(", waiting {}-{} min", g.min_minutes, g.max_minutes);
    f.evidence.push_back(fmt::format("state [{}], {} of {} goroutines{}{}", StateText(d, b),
                                     FormatCount(g.count), FormatCount(d.goroutines), wait,
                                     g.stacks > 1 ? fmt::format(", in {} stacks", g.stacks) : ""));
    if (b.created_by.function != 0)
      f.evidence.push_back("created by " + FrameSite(d, b.created_by));
    if (!b.ids.empty())
      f.evidence.push_back(
          fmt::format("e.g. goroutine {} (input line {})", b.ids[0], b.first_line));
    r->findings.push_back(std::move(f));
  }
}

// Go 1.26+ marks goroutines its GC proved unreachable (blocked on a channel or lock no live
// goroutine can reach) as "(leaked)": the runtime's verdict, not a heuristic like LeakFindings.
void LeakedFindings(const Dump& d, Report* r) {
  if (d.leaked == 0) return;
  struct Site {
    uint64_t count = 0;
    const Bucket* first = nullptr;
  };
  std::map<std::pair<std::string, StringId>, Site> sites;
  std::vector<std::pair<std::string, StringId>> order;
  for (const Bucket& b : d.buckets) {
    if (b.leaked == 0) continue;
    auto key = std::make_pair(BucketName(d, b), b.created_by.function);
    Site& s = sites[key];
    if (s.first == nullptr) {
      s.first = &b;
      order.push_back(key);
    }
    s.count += b.leaked;
  }
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return sites[a].count > sites[b].count;
  });
  Finding f;
  f.id = "leaked-goroutines";
  f.severity = ProvenLeakSeverity(d.leaked);
  f.title = fmt::format("The Go runtime found {} leaked goroutine{}{}", FormatCount(d.leaked),
                        d.leaked == 1 ? "" : "s",
                        order.empty() ? "" : " at " + order.front().first);
  for (const auto& key : order) {
    if (f.evidence.size() >= kEvidenceLines) break;
    const Site& s = sites[key];
    const Bucket& b = *s.first;
    std::string created =
        b.created_by.function != 0 ? ", created by " + FrameSite(d, b.created_by) : "";
    std::string_view state = d.Str(b.state());
    f.evidence.push_back(fmt::format("{} ×{} at {}{}{}", FormatCount(s.count),
                                     state.empty() ? "" : fmt::format(" [{}]", state), key.first,
                                     created, Ids(b)));
  }
  if (sites.size() > kEvidenceLines)
    f.evidence.push_back(fmt::format("... and {} more sites", sites.size() - kEvidenceLines));
  f.evidence.push_back(
      "marked \"(leaked)\" by the runtime's GC leak detection (Go 1.26+): no live goroutine can "
      "reach what they wait on, so they can never wake");
  f.advice =
      "This is proof, not a guess: these goroutines wait on a channel, mutex or WaitGroup that "
      "only unreachable code could signal. Fix the site above so every path sends, closes or "
      "unlocks (or gives them a ctx.Done() to select on); each one holds its stack and "
      "everything it references until the process exits.";
  r->findings.push_back(std::move(f));
}

void ConvoyFindings(const Dump& d, Report* r) {
  // Group lock waits by the site that asked for the lock (the first user frame).
  struct Site {
    uint64_t count = 0;
    size_t buckets = 0;
    uint32_t max_minutes = 0;
    std::map<StringId, uint64_t> objects;  // mutex addresses, where the frames show them
  };
  std::map<std::string, Site> sites;
  for (const Bucket& b : d.buckets) {
    if (BucketWaitClass(d, b) != WaitClass::kLock) continue;
    Site& s = sites[BucketName(d, b)];
    s.count += b.count;
    ++s.buckets;
    s.max_minutes = std::max(s.max_minutes, b.max_minutes);
    for (const auto& [obj, n] : b.wait_objects) s.objects[obj] += n;
  }
  for (const auto& [site, s] : sites) {
    if (s.count < kConvoyMinCount) continue;
    Finding f;
    f.id = "lock-convoy";
    f.severity = s.count >= kConvoyCriticalCount ? Severity::kCritical : Severity::kWarning;
    f.title = fmt::format("{} goroutines queue for one lock at {}", FormatCount(s.count), site);
    f.evidence.push_back(
        fmt::format("{} stack{} waiting in sync.Mutex/RWMutex (semacquire){}", s.buckets,
                    s.buckets == 1 ? "" : "s",
                    s.max_minutes ? fmt::format(", up to {} min", s.max_minutes) : ""));
    if (!s.objects.empty()) {
      auto top = std::max_element(s.objects.begin(), s.objects.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
      f.evidence.push_back(
          s.objects.size() == 1
              ? fmt::format("all {} wait for the same mutex {}", FormatCount(top->second),
                            d.Str(top->first))
              : fmt::format("{} different mutexes; the busiest, {}, has {} waiters",
                            s.objects.size(), d.Str(top->first), FormatCount(top->second)));
    }
    f.advice =
        "One lock serialises this path: hold it for less (no I/O under the lock), shard "
        "it, or use RWMutex/atomics for read-mostly data. If the holder itself is blocked, "
        "this is a deadlock.";
    r->findings.push_back(std::move(f));
  }
}

// The runtime's own goroutines that show as in a syscall by design (os/signal's receiver and the
// timer goroutine of older releases park in notetsleepg): not stuck.
bool RuntimeParkedInSyscall(const Dump& d, const Bucket& b) {
  for (const Frame& f : b.frames) {
    std::string_view fn = d.Str(f.function);
    if (fn == "os/signal.signal_recv" || fn == "runtime.notetsleepg") return true;
  }
  return false;
}

// Goroutines in system calls, one finding per site of the program's code that made the call
// (stacks that differ only below it are one site). Thresholds: docs/formats/goroutine-dumps.md.
void SyscallFindings(const Dump& d, Report* r) {
  struct Site {
    uint64_t count = 0, locked = 0, waiting = 0;  // waiting: with "N minutes" in the header
    uint32_t min_minutes = UINT32_MAX, max_minutes = 0;
    size_t stacks = 0;
    const Bucket* first = nullptr;  // the largest
  };
  std::map<std::string, Site> sites;
  std::vector<std::string> order;
  for (const Bucket& b : d.buckets) {
    if (BucketWaitClass(d, b) != WaitClass::kSyscall || RuntimeParkedInSyscall(d, b)) continue;
    std::string key = BucketName(d, b);
    Site& s = sites[key];
    if (s.first == nullptr) {
      s.first = &b;
      order.push_back(key);
    }
    s.count += b.count;
    s.locked += b.locked;
    if (b.max_minutes > 0) s.waiting += b.count;  // buckets mix rarely; the max decides
    s.min_minutes = std::min(s.min_minutes, b.min_minutes);
    s.max_minutes = std::max(s.max_minutes, b.max_minutes);
    ++s.stacks;
  }
  for (const std::string& key : order) {
    const Site& s = sites[key];
    const Bucket& b = *s.first;
    const double share =
        d.goroutines ? static_cast<double>(s.count) / static_cast<double>(d.goroutines) : 0;
    const bool minutes = s.max_minutes > 0;
    Severity sev;
    if ((minutes && s.count >= kSyscallCriticalCount) || s.count >= 10 * kSyscallCriticalCount ||
        (s.max_minutes >= kSyscallCriticalMinutes && s.count >= kSyscallMinCount)) {
      sev = Severity::kCritical;
    } else if (s.count >= kSyscallMinCount || (minutes && s.count >= kSyscallMinCountStuck) ||
               (s.count >= kSyscallMinCountShare && share >= kSyscallMinShare)) {
      sev = Severity::kWarning;
    } else if (minutes) {
      sev = Severity::kInfo;  // one or two goroutines in a long call: worth a look
    } else {
      continue;  // a few goroutines in a syscall at the moment of the dump: normal
    }
    Finding f;
    f.id = "stuck-in-syscall";
    f.severity = sev;
    std::string wait;
    if (minutes)
      wait = s.min_minutes == s.max_minutes || s.waiting < s.count
                 ? fmt::format("{} min", s.max_minutes)
                 : fmt::format("{}-{} min", s.min_minutes, s.max_minutes);
    f.title = fmt::format("{} goroutine{} {} in a system call at {}{}", FormatCount(s.count),
                          s.count == 1 ? "" : "s", s.count == 1 ? "is" : "are", key,
                          minutes ? ", for " + wait : "");
    const Frame* site = KeyFrame(d, b);  // null for a stack the dump printed without frames
    f.evidence.push_back(fmt::format(
        "{} of {} goroutines in state [{}] at {}{}", FormatCount(s.count),
        FormatCount(d.goroutines), StateText(d, b),
        site != nullptr ? fmt::format("{} {}", d.Str(site->function), Location(d, *site)) : key,
        s.stacks > 1 ? fmt::format(", in {} stacks", s.stacks) : ""));
    if (minutes)
      f.evidence.push_back(fmt::format(
          "{} of them waiting {} (the runtime prints minutes once a GC cycle has seen them wait)",
          FormatCount(s.waiting), wait));
    else
      f.evidence.push_back(
          "the dump gives no wait time (the runtime prints minutes only after a GC cycle saw "
          "them wait); a second dump later shows whether they are still there");
    if (site != nullptr && &b.frames.front() != site)
      f.evidence.push_back(fmt::format("the call: {} {}", d.Str(b.frames.front().function),
                                       Location(d, b.frames.front())));
    if (b.created_by.function != 0)
      f.evidence.push_back(fmt::format("created by {} {}", d.Str(b.created_by.function),
                                       Location(d, b.created_by)));
    f.evidence.push_back(fmt::format(
        "each holds an OS thread: {} thread{} for this site alone{}", FormatCount(s.count),
        s.count == 1 ? "" : "s",
        s.locked ? fmt::format(" ({} locked to their thread)", FormatCount(s.locked)) : ""));
    if (!b.ids.empty())
      f.evidence.push_back(
          fmt::format("e.g. goroutine {} (input line {})", b.ids[0], b.first_line));
    f.advice =
        "A goroutine in a system call holds its OS thread until the call returns (the runtime "
        "starts other threads to run Go code; the process dies at 10000). A read or write that "
        "blocks this long is on a pipe, FIFO, terminal or device with no poller behind it, on a "
        "hung disk or NFS mount, or a cgo call that does not return. Open pipes and FIFOs "
        "through os (os.Pipe, os.OpenFile) rather than raw syscall.Read so they use the poller "
        "and SetReadDeadline; give network calls deadlines; bound blocking file and cgo calls "
        "with a worker pool.";
    r->findings.push_back(std::move(f));
  }
}

// debug=1 profiles print no goroutine states and hide the runtime's frames, so a wait cannot be
// named; a stack that holds most goroutines still can. (More goroutines than GOMAXPROCS cannot
// all be running at one line: most of them wait there.)
void SharedStackFindings(const Dump& d, Report* r) {
  if (!d.debug1 || d.goroutines == 0) return;
  for (const Bucket& b : d.buckets) {
    if (b.frames.empty() || !d.Str(b.state()).empty() ||
        BucketWaitClass(d, b) != WaitClass::kOther)
      continue;
    const double share = static_cast<double>(b.count) / static_cast<double>(d.goroutines);
    const bool many = b.count >= kLeakMinCount;
    if (!many && (b.count < kSharedStackMinCount || share < kSharedStackMinShare)) continue;
    Finding f;
    f.id = many ? "leak-suspect" : "shared-stack";
    f.severity = b.count >= kLeakCriticalGoroutines ? Severity::kCritical
                 : many                             ? Severity::kWarning
                                                    : Severity::kInfo;
    f.title = fmt::format("{} of {} goroutines share one stack at {}", FormatCount(b.count),
                          FormatCount(d.goroutines), BucketName(d, b));
    const Frame* site = KeyFrame(d, b);
    f.evidence.push_back(fmt::format("{} ({}) of the profile's goroutines at {} {}",
                                     FormatCount(b.count), FormatPercent(share),
                                     d.Str(site->function), Location(d, *site)));
    f.evidence.push_back(
        "a debug=1 profile prints no states and hides the runtime's frames: what they wait on "
        "is not in it");
    f.advice =
        many ? "Goroutines piling up at one line usually leak: take the debug=2 form "
               "(/debug/pprof/goroutine?debug=2) to see what they wait on and for how long, and "
               "two profiles a minute apart for 'godx stacks diff': a count that only grows is a "
               "leak."
             : "Most goroutines sit at this line: fine for a worker pool of that size; if the "
               "count grows between two profiles ('godx stacks diff'), it leaks.";
    r->findings.push_back(std::move(f));
  }
}

void RunawayFindings(const Dump& d, Report* r) {
  if (d.goroutines < kRunawayMinCount) return;
  std::unordered_map<uint64_t, std::pair<uint64_t, const Frame*>> by_site;
  for (const Bucket& b : d.buckets) {
    if (b.created_by.function == 0) continue;
    uint64_t key = (uint64_t{b.created_by.function} << 32) ^ (uint64_t{b.created_by.file} << 12) ^
                   b.created_by.line;
    auto& e = by_site[key];
    e.first += b.count;
    e.second = &b.created_by;
  }
  for (const auto& [key, e] : by_site) {
    (void)key;
    double share = static_cast<double>(e.first) / static_cast<double>(d.goroutines);
    if (e.first < kRunawayMinCount || share < kRunawayMinShare) continue;
    Finding f;
    f.id = "runaway-goroutines";
    f.severity = e.first >= kRunawayCriticalCount ? Severity::kCritical : Severity::kWarning;
    f.title = fmt::format("{} goroutines ({}) were started from one place: {}",
                          FormatCount(e.first), FormatPercent(share), FrameSite(d, *e.second));
    f.evidence.push_back(
        fmt::format("created by {} {}", d.Str(e.second->function), Location(d, *e.second)));
    f.advice =
        "Goroutine creation is not bounded at this site: use a worker pool or a semaphore "
        "(golang.org/x/sync/semaphore, errgroup.SetLimit) and make sure each goroutine "
        "can finish.";
    r->findings.push_back(std::move(f));
  }
}

// The goroutines a race report names: "... by goroutine 10:", "... by main goroutine:",
// "Goroutine 9 (finished) created at:". Distinct ids in order of first mention, with the
// status the "created at" line gives ("running", "finished"; "" when not said).
struct RaceGoroutine {
  uint64_t id = 0;
  std::string status;
};
std::vector<RaceGoroutine> RaceGoroutines(const std::vector<Race>& races) {
  std::vector<RaceGoroutine> out;
  auto add = [&](uint64_t id, std::string_view status) {
    for (RaceGoroutine& g : out)
      if (g.id == id) {
        if (g.status.empty()) g.status = std::string(status);
        return;
      }
    out.push_back({id, std::string(status)});
  };
  auto number = [](std::string_view s, uint64_t* id) {
    size_t i = 0;
    uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      v = v * 10 + static_cast<uint64_t>(s[i++] - '0');
    *id = v;
    return i > 0;
  };
  for (const Race& race : races)
    for (const RaceStack& st : race.stacks) {
      std::string_view w = st.what;
      uint64_t id;
      if (StartsWith(w, "Goroutine ") && number(w.substr(10), &id)) {
        std::string_view rest = w.substr(10);
        size_t open = rest.find(" ("), close = rest.find(')');
        add(id, open != std::string_view::npos && close != std::string_view::npos && open < close
                    ? rest.substr(open + 2, close - open - 2)
                    : std::string_view());
      } else if (size_t at = w.rfind(" by goroutine "); at != std::string_view::npos &&
                                                        number(w.substr(at + 14), &id)) {
        add(id, "");
      } else if (w.size() >= 18 && w.substr(w.size() - 18) == " by main goroutine") {
        add(1, "");
      }
    }
  return out;
}

std::string RaceGoroutineList(const std::vector<RaceGoroutine>& gs) {
  std::string s;
  for (size_t i = 0; i < gs.size() && i < 8; ++i) {
    if (i) s += ", ";
    s += std::to_string(gs[i].id);
    if (!gs[i].status.empty()) s += " (" + gs[i].status + ")";
  }
  if (gs.size() > 8) s += fmt::format(", and {} more", gs.size() - 8);
  return s;
}

void RaceFindings(const Dump& d, Report* r) {
  size_t n = 0;
  for (const Race& race : d.races) {
    if (++n > 10) break;
    Finding f;
    f.id = "data-race";
    f.severity = Severity::kCritical;
    std::string where;
    for (const RaceStack& s : race.stacks) {
      int u = UserFrame(d, s.frames);
      std::string site = u >= 0 ? FrameSite(d, s.frames[static_cast<size_t>(u)])
                                : (s.frames.empty() ? "" : FrameSite(d, s.frames[0]));
      if (where.empty() && !site.empty()) where = site;
      f.evidence.push_back(site.empty() ? s.what : s.what + ": " + site);
    }
    f.title = where.empty() ? "Data race" : "Data race at " + where;
    const std::vector<RaceGoroutine> gs = RaceGoroutines({race});
    if (!gs.empty())
      f.title += fmt::format(" between goroutines {}", [&] {
        std::string ids;
        for (size_t i = 0; i < gs.size(); ++i)
          ids += (i == 0 ? "" : i + 1 == gs.size() ? " and " : ", ") + std::to_string(gs[i].id);
        return ids;
      }());
    f.evidence.push_back(fmt::format("report at input line {}", race.line));
    f.advice =
        "Two goroutines touched the same memory without synchronisation and at least one "
        "wrote: protect it with a mutex, a channel or sync/atomic.";
    r->findings.push_back(std::move(f));
  }
  if (d.races.size() > 10) {
    Finding f;
    f.id = "data-race";
    f.severity = Severity::kCritical;
    f.title = fmt::format("{} more data races", d.races.size() - 10);
    r->findings.push_back(std::move(f));
  }
}

Table BucketTable(const Dump& d, const ViewOptions& view) {
  Table t;
  t.title = "Goroutines by stack (largest first)";
  t.columns = {"Count", "State", "Waiting", "Stack", "Location"};
  t.right = {true, false, true, false, false};
  size_t shown = view.top == 0 ? d.buckets.size() : std::min(view.top, d.buckets.size());
  for (size_t i = 0; i < shown; ++i) {
    const Bucket& b = d.buckets[i];
    if (i > 0) t.rows.push_back({"", "", "", "", ""});
    size_t nframes = view.frames == 0 ? b.frames.size() : std::min(view.frames, b.frames.size());
    std::string count = FormatCount(b.count), state = StateText(d, b), wait = WaitRange(b);
    if (b.frames.empty()) t.rows.push_back({count, state, wait, "(no frames)", ""});
    for (size_t k = 0; k < nframes; ++k) {
      const Frame& f = b.frames[k];
      std::string fn(d.Str(f.function));
      if (f.inlined) fn += " (inlined)";
      t.rows.push_back(
          {k == 0 ? count : "", k == 0 ? state : "", k == 0 ? wait : "", fn, Location(d, f)});
    }
    if (nframes < b.frames.size() || b.elided) {
      std::string more = nframes < b.frames.size()
                             ? fmt::format("... {} more frames", b.frames.size() - nframes)
                             : "";
      if (b.elided)
        more += more.empty() ? "... frames elided by the runtime" : " (and elided ones)";
      t.rows.push_back({"", "", "", more, ""});
    }
    if (b.created_by.function != 0)
      t.rows.push_back({"", "", "", "created by " + std::string(d.Str(b.created_by.function)),
                        Location(d, b.created_by)});
    constexpr size_t kLabelRows = 4;
    for (size_t k = 0; k < b.labels.size() && k < kLabelRows; ++k)
      t.rows.push_back({"", "", "",
                        fmt::format("labels {} × {}", d.Str(b.labels[k].first),
                                    FormatCount(b.labels[k].second)),
                        ""});
    if (b.labels.size() > kLabelRows) {
      uint64_t rest = 0;
      for (size_t k = kLabelRows; k < b.labels.size(); ++k) rest += b.labels[k].second;
      t.rows.push_back({"", "", "",
                        fmt::format("... {} more label sets × {} (--json has them)",
                                    b.labels.size() - kLabelRows, FormatCount(rest)),
                        ""});
    }
  }
  if (shown < d.buckets.size()) {
    uint64_t rest = 0;
    for (size_t i = shown; i < d.buckets.size(); ++i) rest += d.buckets[i].count;
    t.rows.push_back({"", "", "", "", ""});
    t.rows.push_back({FormatCount(rest), "", "",
                      fmt::format("... in {} more stacks (--top 0 shows all; --json has them all)",
                                  FormatCount(d.buckets.size() - shown)),
                      ""});
  }
  return t;
}

Table CrashTable(const Dump& d, const Crash& c, const ViewOptions& view) {
  Table t;
  // A Windows exception's stack comes without a header: its id is not in the text.
  t.title = c.goroutine >= 0
                ? fmt::format("Crashed goroutine {} [{}]", c.goroutine, c.goroutine_state)
                : "Crashing stack (printed without a goroutine header)";
  t.columns = {"", "Function", "Location"};
  size_t n = view.frames == 0 ? c.stack.size()
                              : std::min(c.stack.size(), std::max<size_t>(view.frames, 16));
  for (size_t i = 0; i < n; ++i) {
    const Frame& f = c.stack[i];
    std::string fn = std::string(d.Str(f.function)) + std::string(d.Str(f.args));
    if (fn.size() > 140) fn = fn.substr(0, 137) + "...";
    t.rows.push_back({static_cast<int>(i) == c.culprit ? "→" : "", fn, Location(d, f)});
  }
  if (n < c.stack.size())
    t.rows.push_back({"", fmt::format("... {} more frames", c.stack.size() - n), ""});
  return t;
}

// core's class joins nil-channel waits and select {} (both never end); in a dump the state
// tells them apart, and `select {}` is usually deliberate (a main that parks forever).
std::string_view WaitLabel(const Dump& d, WaitClass wc, StringId state) {
  if (wc == WaitClass::kNilChan && d.Str(state) == "select (no cases)")
    return "select {} (forever)";
  if (wc == WaitClass::kNilChan) return "nil channel (forever)";
  return WaitClassName(wc);
}

}  // namespace

std::string BucketName(const Dump& d, const Bucket& b) {
  const Frame* f = KeyFrame(d, b);
  return f ? FrameSite(d, *f) : std::string("(no frames)");
}

int UserFrame(const Dump& d, const std::vector<Frame>& frames) {
  for (size_t i = 0; i < frames.size(); ++i)
    if (!IsStdlibFunction(d.Str(frames[i].function), d.Str(frames[i].file), d.goroot))
      return static_cast<int>(i);
  return -1;
}

std::string FrameSite(const Dump& d, const Frame& f) {
  std::string s(d.Str(f.function));
  if (f.file != 0) s += fmt::format(" at {}:{}", BaseName(d.Str(f.file)), f.line);
  return s;
}

WaitClass BucketWaitClass(const Dump& d, const Bucket& b) {
  return BucketWaitClass(d, b, b.state());
}

WaitClass BucketWaitClass(const Dump& d, const Bucket& b, StringId state_id) {
  std::string_view state = d.Str(state_id);
  WaitClass wc = ClassifyWaitReason(state);
  const bool stateless = d.debug1 && state.empty();
  if (wc == WaitClass::kLock || wc == WaitClass::kOther || stateless) {
    // Before Go 1.21 every sync wait printed as "semacquire"; the frames say which. debug=1
    // profiles have no state at all: the frames are all there is.
    for (size_t i = 0; i < b.frames.size() && i < 8; ++i) {
      std::string_view fn = d.Str(b.frames[i].function);
      if (StartsWith(fn, "sync.(*WaitGroup).Wait")) return WaitClass::kWaitGroup;
      if (StartsWith(fn, "sync.(*Cond).Wait")) return WaitClass::kCond;
      if (StartsWith(fn, "sync.(*Mutex).Lock") || StartsWith(fn, "sync.(*RWMutex).") ||
          StartsWith(fn, "internal/sync.(*Mutex)."))  // Go 1.24+
        return WaitClass::kLock;
      if (d.debug1 && state.empty()) {
        if (fn == "runtime.chanrecv" || fn == "runtime.chanrecv1" || fn == "runtime.chanrecv2")
          return WaitClass::kChanReceive;
        if (fn == "runtime.chansend" || fn == "runtime.chansend1") return WaitClass::kChanSend;
        if (fn == "runtime.selectgo") return WaitClass::kSelect;
        if (fn == "internal/poll.runtime_pollWait") return WaitClass::kIO;
        // The innermost frame runtime/pprof names is the syscall package's entry: in a syscall.
        if (i == 0 && (fn == "syscall.Syscall" || fn == "syscall.Syscall6" ||
                       fn == "syscall.RawSyscall" || fn == "syscall.RawSyscall6"))
          return WaitClass::kSyscall;
      }
    }
  }
  // debug=1 hides runtime frames (gopark): without a state the wait is unknown, not "running".
  if (stateless) return WaitClass::kOther;
  return wc;
}

Json FrameJson(const Dump& d, const Frame& f) {
  // Filled key by key: an initializer list copies every value once more, and a JSON report
  // holds one of these per frame of every bucket.
  Json j = Json::object();
  j["function"] = d.Str(f.function);
  j["file"] = d.Str(f.file);
  j["line"] = f.line;
  if (f.inlined) j["inlined"] = true;
  return j;
}

Json BucketJson(const Dump& d, const Bucket& b) {
  Json j = Json::object();
  j["count"] = b.count;
  j["state"] = std::string(d.Str(b.state()));
  j["wait_class"] = BucketWaitLabel(d, b);
  Json states = Json::object();
  for (const auto& [s, n] : b.states) states[std::string(d.Str(s))] = n;
  j["states"] = std::move(states);
  Json& minutes = j["wait_minutes"];
  minutes["min"] = b.min_minutes;
  minutes["max"] = b.max_minutes;
  j["locked"] = b.locked;
  Json frames = Json::array();
  for (const auto& f : b.frames) frames.push_back(FrameJson(d, f));
  j["frames"] = std::move(frames);
  j["elided"] = b.elided;
  j["created_by"] = b.created_by.function != 0 ? FrameJson(d, b.created_by) : Json(nullptr);
  j["goroutine_ids"] = b.ids;
  if (!b.attributes.empty()) {
    Json a = Json::object();
    for (const auto& [s, n] : b.attributes) a[std::string(d.Str(s))] = n;
    j["attributes"] = std::move(a);
  }
  if (!b.wait_objects.empty()) {
    Json a = Json::object();
    for (const auto& [s, n] : b.wait_objects) a[std::string(d.Str(s))] = n;
    j["wait_objects"] = std::move(a);
  }
  if (!b.labels.empty()) {
    Json a = Json::object();
    Json sets = Json::array();
    std::vector<Label> parsed;
    for (const auto& [s, n] : b.labels) {
      a[std::string(d.Str(s))] = n;
      Json kv = Json::object();
      if (ParseLabelSet(d.Str(s), &parsed))
        for (const Label& l : parsed) kv[l.key] = l.value;
      sets.push_back(Json{{"labels", std::move(kv)}, {"goroutines", n}});
    }
    j["labels"] = std::move(a);
    j["label_sets"] = std::move(sets);
    j["labeled"] = b.labeled;
  }
  if (b.leaked > 0) j["leaked"] = b.leaked;
  return j;
}

std::string BucketWaitLabel(const Dump& d, const Bucket& b) {
  return BucketWaitLabel(d, b, b.state());
}

std::string BucketWaitLabel(const Dump& d, const Bucket& b, StringId state) {
  return std::string(WaitLabel(d, BucketWaitClass(d, b, state), state));
}

Report AnalyzeDump(const Dump& d, const AnalyzeOptions& options, const ViewOptions& view) {
  Report r;
  r.kind = "stacks";
  r.source = d.source;
  const Crash* crash = d.crashes.empty() ? nullptr : &d.crashes.front();

  std::string what = d.debug1 ? "Goroutine profile (debug=1)" : "Goroutine dump";
  if (crash != nullptr && crash->kind != CrashKind::kSignal) what = "Crash";
  if (crash != nullptr && crash->kind == CrashKind::kSignal) what = "Signal dump";
  if (crash != nullptr && IsRequestedDump(*crash)) what = "Goroutine dump (SIGQUIT)";
  const std::vector<RaceGoroutine> race_goroutines = RaceGoroutines(d.races);
  // A race report alone holds no goroutine dump: its goroutines are the ones the reports name.
  const bool race_only = d.goroutines == 0 && !d.races.empty();
  const uint64_t goroutines = race_only ? race_goroutines.size() : d.goroutines;
  if (race_only) {
    r.title = fmt::format("Race report: {} data race{} between {} goroutine{} (no goroutine dump)",
                          d.races.size(), d.races.size() == 1 ? "" : "s",
                          race_goroutines.size(), race_goroutines.size() == 1 ? "" : "s");
  } else {
    r.title = fmt::format("{}: {} goroutine{} in {} stack{}", what, FormatCount(d.goroutines),
                          d.goroutines == 1 ? "" : "s", FormatCount(d.buckets.size()),
                          d.buckets.size() == 1 ? "" : "s");
    if (!d.races.empty())
      r.title += fmt::format(", {} data race{}", d.races.size(), d.races.size() == 1 ? "" : "s");
  }
  if (d.goroutines == 0 && d.threads_without_goroutine > 0)
    r.title += fmt::format(", {} thread{} without a goroutine", d.threads_without_goroutine,
                           d.threads_without_goroutine == 1 ? "" : "s");

  // Crash summary first.
  if (crash != nullptr && IsRequestedDump(*crash)) {
    r.facts.push_back({"Signal", crash->message + " (a dump on request, not a crash)"});
    if (d.crashes.size() > 1) r.facts.push_back({"Crashes", FormatCount(d.crashes.size())});
  } else if (crash != nullptr) {
    std::string head = crash->kind == CrashKind::kPanic       ? "panic: "
                       : crash->kind == CrashKind::kFatal     ? "fatal error: "
                       : crash->kind == CrashKind::kHttpPanic ? "http handler panic: "
                                                              : "";
    r.facts.push_back({"Crash", crash->message.empty()
                                    ? std::string("a fatal signal (its report is not in the text)")
                                    : head + FirstLineOf(crash->message).substr(0, 200)});
    if (crash->chain.size() > 1) r.facts.push_back({"Panic chain", ChainText(*crash)});
    if (!crash->signal.empty() && crash->kind != CrashKind::kSignal)
      r.facts.push_back({"Signal", crash->signal});
    if (crash->goroutine >= 0)
      r.facts.push_back(
          {"Crashed goroutine", fmt::format("{} [{}]", crash->goroutine, crash->goroutine_state)});
    else if (!crash->stack.empty())
      r.facts.push_back({"Crashed goroutine", "its id and state are not printed (the runtime "
                                              "prints a Windows exception's stack without a "
                                              "goroutine header)"});
    if (crash->culprit >= 0) {
      const Frame& f = crash->stack[static_cast<size_t>(crash->culprit)];
      r.facts.push_back({"Culprit", fmt::format("{}  {}", d.Str(f.function), Location(d, f))});
    }
    if (d.crashes.size() > 1) {
      std::map<std::string, int> causes;
      for (const Crash& c : d.crashes) causes[CrashCause(d, c)]++;
      r.facts.push_back({"Crashes", fmt::format("{} ({} cause{})", FormatCount(d.crashes.size()),
                                                causes.size(), causes.size() == 1 ? "" : "s")});
    }
  }
  if (race_only)
    r.facts.push_back({"Goroutines", fmt::format("{} named by the race report{}: {}",
                                                 race_goroutines.size(),
                                                 d.races.size() == 1 ? "" : "s",
                                                 RaceGoroutineList(race_goroutines))});
  else
  r.facts.push_back(
      {"Goroutines",
       FormatCount(d.goroutines) +
           (d.declared_total ? fmt::format(" (profile says {})", FormatCount(d.declared_total))
                             : "")});
  if (!race_only) r.facts.push_back({"Distinct stacks", FormatCount(d.buckets.size())});
  if (d.threads_without_goroutine > 0)
    r.facts.push_back({"Threads without a goroutine",
                       fmt::format("{} (goroutine 0: an OS thread idle, in C code or in the "
                                   "runtime; not counted as goroutines)",
                                   FormatCount(d.threads_without_goroutine))});

  // Goroutines by wait class.
  // Keyed by class first: ties print in the class order, as before labels split kNilChan.
  // The labels are static text: keyed by view, the count allocates nothing per bucket.
  std::map<std::pair<WaitClass, std::string_view>, uint64_t> classes;
  uint32_t longest = 0;
  for (const Bucket& b : d.buckets) {
    // Goroutines with the same frames in different states (one running, one runnable, one in
    // a syscall) are counted under each of their own states.
    for (const auto& [state, count] : b.states) {
      const WaitClass wc = BucketWaitClass(d, b, state);
      classes[{wc, WaitLabel(d, wc, state)}] += count;
    }
    longest = std::max(longest, b.max_minutes);
  }
  std::vector<std::pair<std::string, uint64_t>> sorted;
  for (const auto& [k, n] : classes) sorted.emplace_back(k.second, n);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  std::string states;
  for (const auto& [c, n] : sorted) {
    if (!states.empty()) states += " · ";
    states += fmt::format(
        "{} {}",
        c == "not waiting" ? "running/runnable" : c,
        FormatCount(n));
  }
  if (!states.empty()) r.facts.push_back({"By wait", states});
  if (longest > 0) r.facts.push_back({"Longest wait", fmt::format("{} minutes", longest)});
  const ReleaseVerdict release = RecogniseRelease(d.version);
  r.facts.push_back({"Go release", release.text});
  if (d.leaked > 0)
    r.facts.push_back({"Leaked", FormatCount(d.leaked) + " (marked by the runtime)"});
  if (d.labeled > 0) r.facts.push_back({"Labeled", FormatCount(d.labeled) + " goroutines"});
  if (!d.goroot.empty()) r.facts.push_back({"$GOROOT", d.goroot});
  if (d.sections > 1) r.facts.push_back({"Dumps in input", FormatCount(d.sections)});
  if (d.other_lines > 0)
    r.facts.push_back({"Other lines", FormatCount(d.other_lines) + " (log text around the dumps)"});
  if (!d.missing_start.empty()) r.facts.push_back({"Fragment", d.missing_start});
  if (d.truncated) r.facts.push_back({"Truncated", d.truncated_why});

  CrashFindings(d, &r);
  DeadlockFinding(d, &r);
  RaceFindings(d, &r);
  LeakedFindings(d, &r);
  LeakFindings(d, &r);
  ConvoyFindings(d, &r);
  SyscallFindings(d, &r);
  SharedStackFindings(d, &r);
  RunawayFindings(d, &r);

  if (crash != nullptr && !crash->stack.empty() && !IsRequestedDump(*crash))
    r.tables.push_back(CrashTable(d, *crash, view));
  if (!d.buckets.empty()) r.tables.push_back(BucketTable(d, view));
  for (size_t i = 0; i < d.races.size() && i < 3; ++i) {
    Table t;
    t.title = fmt::format("Data race {} (input line {})", i + 1, d.races[i].line);
    t.columns = {"Access", "Function", "Location"};
    for (const RaceStack& s : d.races[i].stacks) {
      for (size_t k = 0; k < s.frames.size(); ++k)
        t.rows.push_back({k == 0 ? s.what : "", std::string(d.Str(s.frames[k].function)),
                          Location(d, s.frames[k])});
      if (s.frames.empty()) t.rows.push_back({s.what, "", ""});
    }
    r.tables.push_back(std::move(t));
  }

  if (!d.missing_start.empty())
    r.warnings.push_back("the text is a fragment: " + d.missing_start +
                         "; what was there was parsed");
  if (d.truncated)
    r.warnings.push_back("the dump is truncated: " + d.truncated_why +
                         "; what was there was parsed");
  for (const auto& w : d.warnings) r.warnings.push_back(w);

  r.summary["goroutines"] = goroutines;
  r.summary["race_goroutines"] = race_goroutines.size();
  r.summary["threads_without_goroutine"] = d.threads_without_goroutine;
  r.summary["buckets"] = d.buckets.size();
  r.summary["truncated"] = d.truncated;
  if (d.truncated) r.summary["truncated_reason"] = d.truncated_why;
  // A paste that starts or ends inside a record: what the text lacks, so that nobody reads the
  // absence of a header, a crash line or a last goroutine as a fact about the program.
  if (!d.missing_start.empty() || d.truncated) {
    std::string missing = d.missing_start;
    if (d.truncated) missing += (missing.empty() ? "" : "; ") + d.truncated_why;
    r.summary["fragment"] = Json{{"start", !d.missing_start.empty()},
                                 {"end", d.truncated},
                                 {"missing", std::move(missing)}};
  } else {
    r.summary["fragment"] = nullptr;
  }
  r.summary["sections"] = d.sections;
  r.summary["debug1"] = d.debug1;
  if (d.declared_total) r.summary["declared_total"] = d.declared_total;
  Json by_wait = Json::object();
  for (const auto& [c, n] : sorted) by_wait[c] = n;
  r.summary["by_wait_class"] = std::move(by_wait);
  r.summary["longest_wait_minutes"] = longest;
  r.summary["races"] = d.races.size();
  r.summary["goroot"] = d.goroot.empty() ? Json(nullptr) : Json(d.goroot);
  r.summary["leaked"] = d.leaked;
  r.summary["labeled"] = d.labeled;
  r.summary["go_version_min"] =
      release.min_minor > 0 ? Json(fmt::format("1.{}", release.min_minor)) : Json(nullptr);
  r.summary["go_version_max"] =
      release.max_minor < 99 ? Json(fmt::format("1.{}", release.max_minor)) : Json(nullptr);
  // The shape every signal gives "go_release" (core/go_release.h), plus the text and conflict.
  Json go_release = Json::object();
  go_release["exact"] = release.patch >= 0 && !release.conflict
                            ? Json(fmt::format("go1.{}.{}", release.min_minor, release.patch))
                            : Json(nullptr);
  go_release["min"] = r.summary["go_version_min"];
  go_release["max"] = r.summary["go_version_max"];
  go_release["evidence"] = release.evidence;
  go_release["text"] = release.text;
  go_release["conflict"] = release.conflict;
  const bool known = release.conflict || release.min_minor > 0 || release.max_minor < 99;
  r.summary["go_release"] = go_release;
  // The envelope key follows every signal's convention: null when nothing is known.
  r.extra["go_release"] = known ? std::move(go_release) : Json(nullptr);

  r.extra["crash"] = crash ? CrashJson(d, *crash) : Json(nullptr);
  if (options.json) {
    Json crashes = Json::array();
    for (const Crash& c : d.crashes) crashes.push_back(CrashJson(d, c));
    r.extra["crashes"] = std::move(crashes);
    Json buckets = Json::array();
    buckets.get_ref<Json::array_t&>().reserve(d.buckets.size());
    for (const Bucket& b : d.buckets) buckets.push_back(BucketJson(d, b));
    r.extra["buckets"] = std::move(buckets);
    Json races = Json::array();
    for (const Race& race : d.races) {
      Json rj = Json::array();
      for (const RaceStack& s : race.stacks) {
        Json frames = Json::array();
        for (const auto& f : s.frames) frames.push_back(FrameJson(d, f));
        rj.push_back(Json{{"what", s.what}, {"frames", std::move(frames)}});
      }
      Json gj = Json::array();
      for (const RaceGoroutine& g : RaceGoroutines({race}))
        gj.push_back(Json{{"id", g.id}, {"status", g.status}});
      races.push_back(
          Json{{"line", race.line}, {"stacks", std::move(rj)}, {"goroutines", std::move(gj)}});
    }
    r.extra["races"] = std::move(races);
  } else {
    r.extra["buckets"] = Json::array();
  }
  return r;
}

namespace {

// Where a goroutine header ("goroutine 7 [chan receive]:") starts in `line`, for
// SplitInterleaved: the text before it is the line's prefix. Goroutine headers carry no number
// that orders them, only their prefix tells two processes apart.
bool GoroutineHeader(std::string_view line, size_t* start, SequenceKey*) {
  size_t at = line.find("goroutine ");
  if (at == std::string_view::npos || (at > 0 && !IsMarkerBoundary(line[at - 1]))) return false;
  std::string_view rest = line.substr(at + 10);
  size_t i = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
  // "goroutine 7 [", or Go 1.26's "goroutine 7 gp=0x... m=nil [".
  if (i == 0 || i >= rest.size() || rest[i] != ' ' || rest.find('[', i) == std::string_view::npos)
    return false;
  *start = at;
  return true;
}

// The processes of `text` analysed apart, or nullopt when it holds one process's output.
std::optional<Report> AnalyzeProcesses(std::string_view text, const std::string& name,
                                       const AnalyzeOptions& options, const ViewOptions& view) {
  auto split = SplitInterleaved(text, GoroutineHeader, /*unnumbered=*/true);
  if (!split || !split->separable) return std::nullopt;
  const std::string evidence = fmt::format(
      "the lines of {} and {} alternate from line {}", split->labels[0], split->labels[1],
      split->back_line);
  auto merged = AnalyzeEachProcess(std::move(*split), name, evidence,
                                   [&](const Input& part) -> Result<Report> {
                                     GODX_ASSIGN_OR_RETURN(auto d, ReadDump(part));
                                     return AnalyzeDump(d, options, view);
                                   });
  // A part that is not a dump alone: the whole is read as one.
  if (!merged.ok()) return std::nullopt;
  return std::move(*merged);
}

}  // namespace

Report AnalyzeDumpAt(const Dump& d, const std::string& path, const AnalyzeOptions& options,
                     const ViewOptions& view) {
  // Another process's lines among a dump's are lines the reader could not place; stdin cannot
  // be read twice.
  if (d.other_lines > 0 && path != "-") {
    if (auto in = Input::Open(path); in.ok()) {
      if (auto r = AnalyzeProcesses(in->data(), in->name(), options, view)) return std::move(*r);
    }
  }
  return AnalyzeDump(d, options, view);
}

Result<Report> AnalyzeInput(const Input& input, const AnalyzeOptions& options) {
  GODX_ASSIGN_OR_RETURN(Dump d, ReadDump(input));
  if (d.other_lines > 0) {
    if (auto r = AnalyzeProcesses(input.data(), input.name(), options, {})) return std::move(*r);
  }
  return AnalyzeDump(d, options);
}

}  // namespace godx::stacks
