#include "gclog/reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/line_cursor.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/rejoin.h"
#include "core/scanner.h"
#include "core/text.h"
#include "gclog/common_line.h"

namespace godx::gclog {

const char* GcFormatName(GcFormat f) {
  switch (f) {
    case GcFormat::kGo14:
      return "Go ≤1.4";
    case GcFormat::kGo15:
      return "Go 1.5";
    case GcFormat::kGo16:
      return "Go 1.6–1.17";
    case GcFormat::kGo118:
      return "Go 1.18+";
  }
  return "?";
}

namespace {

bool Fail(std::string* why, const char* what) {
  if (why) *why = what;
  return false;
}

// "gc76(1): 2+1+1390+1 us, 1 -> 3 MB, 16397 (1015746-999349) objects, ..."
bool ParseGo14(Scanner& s, GcCycle* c, std::string* why) {
  uint64_t num, procs;
  if (!s.Uint(&num) || !s.Char('(') || !s.Uint(&procs) || !s.Literal("): "))
    return Fail(why, "'gcN(P): '");
  double t[4];
  for (int i = 0; i < 4; ++i) {
    if (i > 0 && !s.Char('+')) return Fail(why, "four '+'-separated times in µs");
    if (!s.Decimal(&t[i])) return Fail(why, "four '+'-separated times in µs");
  }
  uint64_t h0, h1;
  if (!s.Literal(" us, ") || !s.Uint(&h0) || !s.Literal(" -> ") || !s.Uint(&h1) ||
      !s.Literal(" MB")) {
    return Fail(why, "' us, A -> B MB'");
  }
  c->format = GcFormat::kGo14;
  c->num = static_cast<uint32_t>(num);
  c->procs = static_cast<uint16_t>(std::min<uint64_t>(procs, UINT16_MAX));
  // The whole collection stopped the world before Go 1.5.
  c->other_stw_ms = static_cast<float>((t[0] + t[1] + t[2] + t[3]) / 1000.0);
  c->heap_start_mb = SaturatedMb(h0);
  c->heap_end_mb = c->heap_live_mb = SaturatedMb(h1);
  return true;
}

// Numbers joined by '+' and '/', e.g. "0.45+2.3+0+0.55/0.59/0+1.1". Returns the count.
int ParseJoined(Scanner& s, double* nums, char* seps, int max) {
  int n = 0;
  while (n < max) {
    if (!s.Decimal(&nums[n])) return -1;
    char sep = s.Peek();
    seps[n++] = (sep == '+' || sep == '/') ? sep : '\0';
    if (seps[n - 1] == '\0') return n;
    s.Skip(1);
  }
  return -1;
}

bool ParseModern(Scanner& s, GcCycle* c, std::string* why) {
  s.Char('#');  // Go 1.5 development builds printed "gc #1"
  uint64_t num, util;
  double at;
  if (!s.Uint(&num) || !s.Literal(" @") || !s.Decimal(&at) || !s.Literal("s ") ||
      !s.Uint(&util) || !s.Char('%')) {
    return Fail(why, "'gc N @Ts U%: '");
  }
  // Go 1.26+ with GOEXPERIMENT=goroutineleakprofile marks the cycles that looked for leaks.
  c->leak_check = s.Literal(" (checking for goroutine leaks)");
  if (!s.Literal(": ")) return Fail(why, "'gc N @Ts U%: '");
  c->num = static_cast<uint32_t>(num);
  c->at_s = at;
  c->util_pct = static_cast<uint8_t>(std::min<uint64_t>(util, 255));

  double clock[5];
  char seps[9];
  int nclock = ParseJoined(s, clock, seps, 5);
  if ((nclock != 3 && nclock != 5) || !s.Literal(" ms clock, "))
    return Fail(why, "three or five '+'-separated clock times then ' ms clock, '");
  for (int i = 0; i + 1 < nclock; ++i)
    if (seps[i] != '+') return Fail(why, "'+' between clock times");
  c->sweep_term_ms = static_cast<float>(clock[0]);
  c->mark_term_ms = static_cast<float>(clock[nclock - 1]);
  if (nclock == 5) {  // Go 1.5: sweep term, scan, install write barrier (STW), mark, mark term
    c->format = GcFormat::kGo15;
    c->mark_ms = static_cast<float>(clock[1] + clock[3]);
    c->other_stw_ms = static_cast<float>(clock[2]);
  } else {
    c->format = GcFormat::kGo16;
    c->mark_ms = static_cast<float>(clock[1]);
  }

  double cpu[9];
  int ncpu = ParseJoined(s, cpu, seps, 9);
  if (ncpu < 5 || !s.Literal(" ms cpu, ")) return Fail(why, "'A+B/C/D+E ms cpu, '");
  int slash = -1;
  for (int i = 1; i + 2 < ncpu; ++i) {
    if (seps[i] == '/' && seps[i + 1] == '/') {
      slash = i;
      break;
    }
  }
  if (slash < 1 || slash + 3 != ncpu - 1) return Fail(why, "cpu times as A+B/C/D+E");
  c->has_cpu = true;
  c->cpu_sweep_term_ms = static_cast<float>(cpu[0]);
  double other = 0;
  for (int i = 1; i < slash; ++i) other += cpu[i];
  c->cpu_other_ms = static_cast<float>(other);
  c->cpu_assist_ms = static_cast<float>(cpu[slash]);
  c->cpu_background_ms = static_cast<float>(cpu[slash + 1]);
  c->cpu_idle_ms = static_cast<float>(cpu[slash + 2]);
  c->cpu_mark_term_ms = static_cast<float>(cpu[ncpu - 1]);

  uint64_t h0, h1, h2;
  if (!s.Uint(&h0) || !s.Literal("->") || !s.Uint(&h1) || !s.Literal("->") || !s.Uint(&h2) ||
      !s.Literal(" MB, ")) {
    return Fail(why, "'A->B->C MB, '");
  }
  c->heap_start_mb = SaturatedMb(h0);
  c->heap_end_mb = SaturatedMb(h1);
  c->heap_live_mb = SaturatedMb(h2);
  // Then: [G MB goal, ][S MB stacks, ][L MB globals, ]P P[ (forced)]. The word after "MB"
  // tells which field follows, so each is tried once.
  while (true) {
    uint64_t v;
    if (!s.Uint(&v)) return Fail(why, "'N MB goal, ' or 'N P'");
    if (s.Literal(" P")) {
      c->procs = static_cast<uint16_t>(std::min<uint64_t>(v, UINT16_MAX));
      break;
    }
    if (!s.Literal(" MB ")) return Fail(why, "'N MB goal, ' or 'N P'");
    if (s.Literal("goal, ")) {
      c->goal_mb = SaturatedMb(v);
    } else if (s.Literal("stacks, ")) {
      c->stacks_mb = SaturatedMb(v);
      c->format = GcFormat::kGo118;
    } else if (s.Literal("globals, ")) {
      c->globals_mb = SaturatedMb(v);
      c->format = GcFormat::kGo118;
    } else {
      return Fail(why, "'N MB goal, ', 'N MB stacks, ' or 'N MB globals, '");
    }
  }
  if (s.Literal(" (forced)")) c->forced = true;
  return true;
}

// "scvg0: inuse: 3, idle: 0, sys: 4, released: 0, consumed: 4 (MB)" or "scvg0: 1 MB released".
bool ParseScvg(std::string_view line, ScavengerStats* st) {
  Scanner s(line);
  if (!s.Literal("scvg")) return false;
  s.Char('-');
  uint64_t k;
  if (!s.Uint(&k) || !s.Literal(": ")) return false;
  uint64_t v;
  if (s.Literal("inuse: ") && s.Uint(&v)) {
    st->last_inuse_mb = static_cast<int64_t>(v);
    size_t at = line.find("sys: ");
    if (at != std::string_view::npos) {
      Scanner t(line.substr(at + 5));
      if (t.Uint(&v)) st->last_sys_mb = static_cast<int64_t>(v);
    }
  } else if (s.Uint(&v) && s.Literal(" MB released")) {
    st->released_mb += static_cast<double>(v);
  } else {
    return false;
  }
  ++st->scvg_lines;
  return true;
}

// "scav N KiB work, N KiB total, U% util" (1.14 to 1.19/1.20), with a generation first
// ("scav G N KiB work, ...", 1.16–1.18), or "scav N KiB work (bg), N KiB work (eager), N KiB now,
// U% util" (1.20/1.21+); each may end in " (forced)" or " [controller reset]".
bool ParseScavExact(std::string_view line, ScavengerStats* st) {
  Scanner s(line);
  uint64_t a, work, eager = 0, released, util;
  if (!s.Literal("scav ") || !s.Uint(&a)) return false;
  bool gen = false;
  if (s.Literal(" KiB work")) {
    work = a;
  } else if (s.Char(' ') && s.Uint(&work) && s.Literal(" KiB work")) {
    gen = true;
  } else {
    return false;
  }
  bool now = false;
  if (s.Literal(" (bg), ")) {
    if (gen || !s.Uint(&eager) || !s.Literal(" KiB work (eager), ")) return false;
    now = true;
  } else if (!s.Literal(", ")) {
    return false;
  }
  if (!s.Uint(&released) || !s.Literal(now ? " KiB now, " : " KiB total, ") || !s.Uint(&util) ||
      !s.Literal("% util")) {
    return false;
  }
  bool forced = s.Literal(" (forced)");
  if (!forced) s.Literal(" [controller reset]");
  if (!s.AtEnd()) return false;
  st->scav_work_kib += static_cast<double>(work + eager);
  st->scav_eager_kib += static_cast<double>(eager);
  st->released_now_kib = static_cast<int64_t>(std::min<uint64_t>(released, INT64_MAX));
  st->released_peak_kib = std::max(st->released_peak_kib, st->released_now_kib);
  st->last_util_pct = static_cast<int32_t>(std::min<uint64_t>(util, INT32_MAX));
  st->scav_forced += forced;
  ++(now ? st->scav_now_lines : gen ? st->scav_gen_lines : st->scav_total_lines);
  return true;
}

// A scav line: one of the known shapes, or else any "scav ... KiB ..." line, whose "KiB work"
// numbers are summed (a future shape should still count what it returned).
bool ParseScav(std::string_view line, ScavengerStats* st) {
  if (line.substr(0, 5) != "scav " || line.find(" KiB ") == std::string_view::npos) return false;
  ++st->scav_lines;
  if (ParseScavExact(line, st)) return true;
  ++st->scav_other_lines;
  size_t at = 0;
  while ((at = line.find(" KiB work", at)) != std::string_view::npos) {
    size_t b = at;
    while (b > 0 && static_cast<unsigned>(line[b - 1] - '0') <= 9) --b;
    double v = 0;
    Scanner num(line.substr(b, at - b));
    if (num.Decimal(&v)) st->scav_work_kib += v;
    at += 9;
  }
  return true;
}

// gctrace=2's "scan: total ..." and "scan: class ..." lines (Go 1.25+).
bool ParseScanStats(std::string_view line, ScanStats* st) {
  if (line.substr(0, 6) != "scan: " ||
      (line.substr(6, 6) != "total " && line.substr(6, 6) != "class ")) {
    return false;
  }
  ++st->lines;
  st->span_lines += line.find(" spans") != std::string_view::npos;
  return true;
}

void NoteMalformed(GcTrace* t, uint64_t line, std::string why) {
  if (t->malformed++ == 0) {
    t->first_malformed_line = line;
    t->first_malformed_why = std::move(why);
  }
}

}  // namespace

std::optional<GcCycle> ParseGcLine(std::string_view line, std::string* why, size_t* stop) {
  Scanner s(line);
  GcCycle c;
  bool ok = s.Literal("gc") && (s.Char(' ') ? ParseModern(s, &c, why) : ParseGo14(s, &c, why));
  if (!ok) {
    if (s.Consumed(line) < 2) Fail(why, "'gc'");
    if (stop) *stop = s.Consumed(line);
    return std::nullopt;
  }
  return c;
}

int SniffGcTrace(std::string_view head) {
  LineCursor lines(head);
  std::string_view line;
  int hits = 0;
  while (lines.Next(&line) && lines.line_number() <= 4000) {
    size_t at = FindMarker(line, "gc ");
    if (at == std::string_view::npos && line.substr(0, 2) == "gc") at = 0;
    if (at == std::string_view::npos) continue;
    // A whole record, or the start of one that program output cut short ("gc 5 @0.054s 19{...").
    size_t stop = 0;
    bool whole = ParseGcLine(line.substr(at), nullptr, &stop).has_value();
    Scanner s(line.substr(at));
    uint64_t num;
    double when;
    bool start = s.Literal("gc ") && (s.Char('#') || true) && s.Uint(&num) && s.Literal(" @") &&
                 s.Decimal(&when);
    if ((whole || start) && ++hits >= 2) return 100;
  }
  if (hits == 1) return 60;
  // The scavenger's lines alone ("scvg0: inuse: 3, ...", "scav 12 KiB work ..."): gc's too.
  LineCursor again(head);
  int scavenger = 0;
  while (again.Next(&line) && again.line_number() <= 200)
    if ((line.substr(0, 4) == "scvg" || line.substr(0, 5) == "scav ") && ++scavenger >= 2) return 60;
  return 0;
}

namespace {

// Where a gctrace record starts in a line that does not begin with one: after a log prefix
// ("2024-05-01T10:00:00Z app: gc 12 @...") or after a partial program line that the runtime's
// output cut into ("request 50gc 12 @..."). npos when there is none.
size_t FindGcStart(std::string_view line) {
  size_t at = line.find("gc ");
  while (at != std::string_view::npos) {
    char next = at + 3 < line.size() ? line[at + 3] : '\0';
    if (next == '#' || static_cast<unsigned>(next - '0') <= 9) return at;
    at = line.find("gc ", at + 1);
  }
  return std::string_view::npos;
}

}  // namespace

bool GcSequenceKey(std::string_view line, size_t* start, SequenceKey* key) {
  const size_t prefix = LogPrefixLength(line);
  std::string_view rest = line.substr(prefix);
  size_t at = rest.starts_with("gc ") ? 0 : FindGcStart(rest);
  if (at == std::string_view::npos) return false;
  auto c = ParseGcLine(rest.substr(at));
  if (!c) return false;
  *start = prefix + at;
  key->num = c->num;
  key->at = c->at_s;
  return true;
}

namespace {

// Room for the cycles of a piece of the input, judged from its first MiB, with 5% to spare; never
// more than one cycle per 30 bytes (the shortest record, Go 1.4's, is longer), so that text full
// of "gc " cannot ask for room out of proportion to the input.
size_t EstimateCycles(std::string_view data) {
  std::string_view head = data.substr(0, 1 << 20);
  if (head.empty()) return 0;
  size_t hits = 0;
  for (size_t at = head.find("gc "); at != std::string_view::npos; at = head.find("gc ", at + 3)) {
    ++hits;
  }
  double estimate = double(hits + 16) * double(data.size()) / double(head.size()) * 1.05;
  return std::min(static_cast<size_t>(estimate), data.size() / 30 + 16);
}

// Lays the runs of a log end to end on one clock: each run's times continue from the last time of
// the run before. `t_s` holds each cycle's at_s on entry (NaN for ≤1.4, whose cycles are timed by
// their index).
void PlaceRuns(const std::vector<size_t>& run_starts, GcSeries* s) {
  double offset = 0;
  size_t next = 0;
  for (size_t i = 0; i < s->size(); ++i) {
    if (next < run_starts.size() && run_starts[next] == i) {
      offset = s->t_s[i - 1];
      ++next;
    }
    double at = std::isnan(s->t_s[i]) ? static_cast<double>(i) : s->t_s[i];
    s->t_s[i] = offset + at;
  }
}

// Counts a change of GOMAXPROCS from `prev` to `c`, the cycle at `index`; keeps the first ones.
void NoteProcsChange(GcTrace* t, size_t index, const GcCycle& prev, const GcCycle& c) {
  // Go 1.4 and before print "gcK(N)" with N the GC's helper threads for that cycle, which
  // varies from cycle to cycle under a fixed GOMAXPROCS: not a change of it.
  if (prev.format == GcFormat::kGo14 || c.format == GcFormat::kGo14) return;
  if (t->procs_change_count++ < kMaxProcsChanges) {
    t->procs_changes.push_back({index, c.num, c.at_s, c.line, prev.procs, c.procs});
  }
}

// Orders notable cycles: the longer pause first, then the earlier line.
bool LongerPause(const GcCycle& a, const GcCycle& b) {
  double pa = a.PauseMs(), pb = b.PauseMs();
  return pa != pb ? pa > pb : a.line < b.line;
}

// Where one piece of the input writes its columns: a slot of the shared columns, sized by an
// estimate, so that the pieces' columns need not be copied together afterwards (PackSlots); past
// the slot, a series of the piece's own.
struct SeriesSlot {
  GcSeries* shared = nullptr;
  size_t begin = 0, capacity = 0, used = 0;
  GcSeries spill;

  size_t size() const { return used + spill.size(); }
  void Add(const GcCycle& c) {
    if (used < capacity) {
      shared->Set(begin + used++, c);
    } else {
      spill.Add(c);
    }
  }
};

// Takes the cycles of one piece, in order: columns into `slot`, the rest into the piece's GcTrace.
// Cycles are parsed in place into one of two records (Next), so that the last cycle is kept
// without a copy per cycle.
class PieceSink {
 public:
  PieceSink(GcTrace* t, SeriesSlot* slot, bool keep_cycles)
      : t_(t), slot_(slot), keep_cycles_(keep_cycles) {}

  // The record to parse the next cycle into (every field is written by the parser).
  GcCycle* Next() { return &records_[current_]; }

  // Keeps the cycle just parsed into Next().
  void Keep() {
    const GcCycle& c = records_[current_];
    GcTrace& t = *t_;
    if (slot_->size() == 0) {
      t.first = c;
    } else {
      const GcCycle& prev = records_[current_ ^ 1];
      if (StartsRun(prev, c)) t.run_starts.push_back(slot_->size());
      if (c.procs != prev.procs) NoteProcsChange(&t, slot_->size(), prev, c);
      t.backward_cycles += GoesBack(prev, c);
      t.totals.AddInterval(prev, c);
    }
    slot_->Add(c);
    t.totals.Add(c);
    if (keep_cycles_) t.cycles.push_back(c);
    // The longest pauses, kept sorted; a cycle is in only if it beats the shortest kept (so the
    // earlier of two equal pauses stays).
    auto& top = t.longest;
    if (top.size() < kLongestPauses || c.PauseMs() > shortest_kept_) {
      if (top.size() == kLongestPauses) top.pop_back();
      top.insert(std::upper_bound(top.begin(), top.end(), c, LongerPause), c);
      shortest_kept_ = top.back().PauseMs();
    }
    current_ ^= 1;
  }

  // Call once the piece is read.
  void Finish() {
    if (slot_->size() > 0) t_->last = records_[current_ ^ 1];
  }

 private:
  GcTrace* t_;
  SeriesSlot* slot_;
  bool keep_cycles_;
  GcCycle records_[2];
  size_t current_ = 0;  // the record Next() gives; the other holds the last cycle kept
  double shortest_kept_ = 0;
};

// The pieces' columns as one series, in order. When every piece fitted its slot, the slots are
// closed up in place (each moves down over the unused end of the slots before it); otherwise the
// series is built anew.
GcSeries PackSlots(GcSeries shared, std::vector<SeriesSlot>& slots, size_t threads) {
  bool spilled = std::any_of(slots.begin(), slots.end(),
                             [](const SeriesSlot& s) { return s.spill.size() > 0; });
  if (!spilled) {
    size_t end = 0;
    for (const SeriesSlot& s : slots) {
      if (s.begin != end && s.used > 0) shared.Move(s.begin, end, s.used, threads);
      end += s.used;
    }
    shared.Resize(end);
    return shared;
  }
  GcSeries out;
  size_t total = 0;
  for (const SeriesSlot& s : slots) total += s.size();
  out.Reserve(total);
  for (SeriesSlot& s : slots) {
    out.AppendRange(shared, s.begin, s.used);
    out.AppendRange(s.spill, 0, s.spill.size());
    s.spill = {};
  }
  return out;
}

const RecordParser kParseGc = [](std::string_view text, size_t* stop) {
  return ParseGcLine(text, nullptr, stop).has_value();
};

// Reads the lines that start inside the first `len` bytes of `rest` (a piece of the input; `rest`
// runs on to the end of the input so that a record split across the piece's end can be rejoined).
// Line numbers are relative to the piece; `overshoot` counts lines past `len` consumed that way.
void ReadPiece(std::string_view rest, size_t len, bool keep_cycles, SeriesSlot* slot, GcTrace* t,
               uint64_t* overshoot, Progress* progress) {
  LineCursor lines(rest);
  std::string_view line;
  std::string why, scratch;
  PieceSink sink(t, slot, keep_cycles);
  // Lines that start before `fast_until` end with a '\n' that has 16 bytes after it: the fast
  // path's contract (ParseCommonGcLine).
  size_t fast_until = 0;
  if (rest.size() > 17) {
    size_t nl = rest.rfind('\n', rest.size() - 17);
    if (nl != std::string_view::npos) fast_until = nl;
  }
  size_t reported = 0;
  while (lines.offset() < len) {
    if ((lines.line_number() & 0xffff) == 0) {
      progress->Advance(lines.offset() - reported);
      reported = lines.offset();
    }
    // The common gctrace line: parsed where it starts, and its end found from the record's end.
    const char* start = rest.data() + lines.offset();
    if (lines.offset() < fast_until && MatchesLiteral(start, "gc ")) {
      if (const char* stop = ParseCommonGcLine(start, sink.Next())) {
        const void* nl =
            *stop == '\n' ? stop : std::memchr(stop, '\n', rest.size() - (stop - rest.data()));
        lines.Take(nl ? static_cast<size_t>(static_cast<const char*>(nl) - rest.data())
                      : rest.size());
        sink.Next()->line = lines.line_number();
        sink.Keep();
        continue;
      }
    }
    if (!lines.Next(&line)) break;
    uint64_t lineno = lines.line_number();
    // A log collector's prefix on every line (kubectl logs --timestamps): looked past, and not
    // program output.
    const size_t prefix = LogPrefixLength(line);
    line.remove_prefix(prefix);
    size_t at = std::string_view::npos;
    if (line.size() > 3 && line[0] == 'g' && line[1] == 'c' &&
        (line[2] == ' ' || static_cast<unsigned>(line[2] - '0') <= 9)) {
      at = 0;
    } else if (!line.empty() && line[0] == 's' &&
               (ParseScvg(line, &t->scavenger) || ParseScav(line, &t->scavenger) ||
                ParseScanStats(line, &t->scan))) {
      continue;
    } else if (line == "GC forced") {
      ++t->gc_forced_lines;
      continue;
    } else {
      at = FindGcStart(line);
    }
    if (at == std::string_view::npos) {
      ++t->other_lines;
      continue;
    }
    std::string_view record = line.substr(at);
    // A record behind a log prefix takes the fast path too, when its line meets the contract.
    if ((at > 0 || prefix > 0) && lines.offset() <= fast_until + 1 &&
        ParseCommonGcLine(record.data(), sink.Next())) {
      sink.Next()->line = lineno;
      sink.Keep();
      if (at > 0) ++t->other_lines;  // program text before the record
      continue;
    }
    size_t stop = 0;
    auto c = ParseGcLine(record, &why, &stop);
    uint64_t program_lines = 0;
    if (!c && stop >= 3 &&
        RejoinRecord(record, stop, &lines, kParseGc, &scratch, &program_lines, prefix > 0)) {
      c = ParseGcLine(scratch);
      t->other_lines += program_lines;
    }
    if (c) {
      c->line = lineno;
      *sink.Next() = *c;
      sink.Keep();
      if (at > 0 && program_lines == 0) ++t->other_lines;  // program text before the record
    } else if (at == 0) {
      NoteMalformed(t, lineno, why);
    } else {
      ++t->other_lines;  // "gc 3 items" in program output: not ours
    }
  }
  sink.Finish();
  t->lines = lines.line_number();
  *overshoot = 0;
  if (lines.offset() > len) {
    LineCursor past(rest.substr(len, lines.offset() - len));
    while (past.Next(&line)) ++*overshoot;
  }
}

// Appends piece `p` (read by ReadPiece, `cycles` cycles) to `t`, which holds `index_base` cycles
// so far, renumbering its lines after `base` lines. The columns are packed apart (PackSlots).
void Append(GcTrace* t, GcTrace&& p, size_t cycles, size_t index_base, uint64_t base) {
  if (cycles > 0) {
    p.first.line += base;
    p.last.line += base;
    for (auto& c : p.longest) c.line += base;
    for (auto& c : p.cycles) c.line += base;
    if (index_base == 0) {
      t->first = p.first;
    } else {
      if (StartsRun(t->last, p.first)) t->run_starts.push_back(index_base);
      if (p.first.procs != t->last.procs) NoteProcsChange(t, index_base, t->last, p.first);
      t->backward_cycles += GoesBack(t->last, p.first);
      t->totals.AddInterval(t->last, p.first);
    }
    for (size_t i : p.run_starts) t->run_starts.push_back(index_base + i);
    for (ProcsChange ch : p.procs_changes) {
      if (t->procs_changes.size() == kMaxProcsChanges) break;
      ch.index += index_base;
      ch.line += base;
      t->procs_changes.push_back(ch);
    }
    t->procs_change_count += p.procs_change_count;
    t->backward_cycles += p.backward_cycles;
    t->last = p.last;
    t->cycles.insert(t->cycles.end(), p.cycles.begin(), p.cycles.end());
    p.cycles = {};
    t->totals.Merge(p.totals);
    t->longest.insert(t->longest.end(), p.longest.begin(), p.longest.end());
    std::sort(t->longest.begin(), t->longest.end(), LongerPause);
    if (t->longest.size() > kLongestPauses) t->longest.resize(kLongestPauses);
  }
  t->scavenger.Merge(p.scavenger);
  t->scan.lines += p.scan.lines;
  t->scan.span_lines += p.scan.span_lines;
  t->gc_forced_lines += p.gc_forced_lines;
  t->other_lines += p.other_lines;
  if (p.malformed > 0 && t->malformed == 0) {
    t->first_malformed_line = p.first_malformed_line + base;
    t->first_malformed_why = std::move(p.first_malformed_why);
  }
  t->malformed += p.malformed;
}

}  // namespace

Result<GcTrace> ReadGcTrace(const Input& input, const GcReadOptions& options) {
  std::string_view data = input.data();
  if (data.empty()) {
    return Status::Error(
        fmt::format("{}: empty input, expected GODEBUG=gctrace=1 output", input.name()));
  }
  if (LooksBinary(data)) {
    return Status::Error(fmt::format(
        "{}: binary data at offset 0, expected text lines from GODEBUG=gctrace=1", input.name()));
  }
  // Large logs are read in pieces on every core, then merged in order.
  std::vector<std::string_view> pieces = SplitAtLines(data, PiecesFor(data.size()));
  std::vector<GcTrace> parts(pieces.size());
  std::vector<uint64_t> overshoot(pieces.size());
  // Each piece writes its columns into its own slot of one set of columns, sized from an estimate
  // (only what is written takes memory).
  std::vector<SeriesSlot> slots(pieces.size());
  GcSeries shared;
  size_t room = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    slots[i].shared = &shared;
    slots[i].begin = room;
    slots[i].capacity = EstimateCycles(pieces[i]);
    room += slots[i].capacity;
  }
  shared.Resize(room);
  Progress progress("reading " + input.name(), data.size());
  RunParallel(pieces.size(), [&](size_t i) {
    size_t begin = static_cast<size_t>(pieces[i].data() - data.data());
    if (options.keep_cycles) parts[i].cycles.reserve(slots[i].capacity);
    ReadPiece(data.substr(begin), pieces[i].size(), options.keep_cycles, &slots[i], &parts[i],
              &overshoot[i], &progress);
  });
  GcTrace t;
  uint64_t base = 0;
  size_t cycles = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    // Lines a piece's last record took from the next piece were counted there as other lines.
    uint64_t taken = i > 0 ? overshoot[i - 1] : 0;
    parts[i].other_lines -= std::min(parts[i].other_lines, taken);
    uint64_t lines = parts[i].lines;
    Append(&t, std::move(parts[i]), slots[i].size(), cycles, base);
    cycles += slots[i].size();
    base += lines - overshoot[i];
  }
  t.series = PackSlots(std::move(shared), slots, pieces.size());
  t.lines = base;
  PlaceRuns(t.run_starts, &t.series);
  if (t.series.size() == 0 && t.scavenger.scvg_lines + t.scavenger.scav_lines == 0) {
    if (t.malformed > 0) {
      return Status::Error(fmt::format("{}:{}: malformed gctrace line: expected {}", input.name(),
                                       t.first_malformed_line, t.first_malformed_why));
    }
    return Status::Error(fmt::format(
        "{}: no GODEBUG=gctrace=1 lines in {} lines (expected lines like 'gc 1 @0.012s 1%: ...')",
        input.name(), t.lines));
  }
  return t;
}

}  // namespace godx::gclog
