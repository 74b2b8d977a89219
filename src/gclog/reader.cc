#include "gclog/reader.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/line_cursor.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/rejoin.h"
#include "core/scanner.h"
#include "core/text.h"

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

// Heap sizes in MiB, saturated (a corrupt line must not wrap a size negative).
int32_t Mb(uint64_t v) { return static_cast<int32_t>(std::min<uint64_t>(v, INT32_MAX)); }

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
  c->heap_start_mb = Mb(h0);
  c->heap_end_mb = c->heap_live_mb = Mb(h1);
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
      !s.Uint(&util) || !s.Literal("%: ")) {
    return Fail(why, "'gc N @Ts U%: '");
  }
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
  c->heap_start_mb = Mb(h0);
  c->heap_end_mb = Mb(h1);
  c->heap_live_mb = Mb(h2);
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
      c->goal_mb = Mb(v);
    } else if (s.Literal("stacks, ")) {
      c->stacks_mb = Mb(v);
      c->format = GcFormat::kGo118;
    } else if (s.Literal("globals, ")) {
      c->globals_mb = Mb(v);
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

// "scav [gen ]N KiB work[ (bg)], [N KiB work (eager), ]N KiB total|now, N% util[ (forced)]"
bool ParseScav(std::string_view line, ScavengerStats* st) {
  if (line.substr(0, 5) != "scav " || line.find(" KiB ") == std::string_view::npos) return false;
  size_t at = 0;
  while ((at = line.find(" KiB work", at)) != std::string_view::npos) {
    size_t b = at;
    while (b > 0 && static_cast<unsigned>(line[b - 1] - '0') <= 9) --b;
    double v = 0;
    Scanner num(line.substr(b, at - b));
    if (num.Decimal(&v)) st->scav_work_kib += v;
    at += 9;
  }
  ++st->scav_lines;
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
  return hits == 1 ? 60 : 0;
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

namespace {

// Room for the cycles of the whole input, judged from its first MiB, so that the vector does not
// copy itself while growing through a multi-gigabyte log.
size_t EstimateCycles(std::string_view data) {
  std::string_view head = data.substr(0, 1 << 20);
  size_t hits = 0;
  for (size_t at = head.find("gc "); at != std::string_view::npos; at = head.find("gc ", at + 3)) {
    ++hits;
  }
  return static_cast<size_t>(double(hits + 16) * double(data.size()) / double(head.size()) * 1.05);
}

// Lays the runs of a log end to end on one clock: a cycle number lower than the last one, at an
// earlier time, starts a new run (the program restarted and appended to the same log).
class RunClock {
 public:
  // `c` is cycle `i` of `t`; the cycles before it are placed already.
  void Place(GcCycle* c, size_t i, GcTrace* t) {
    double at = std::isnan(c->at_s) ? static_cast<double>(i) : c->at_s;
    if (i > 0 && c->num < t->cycles[i - 1].num && at < prev_at_) {
      ++t->restarts;
      offset_ = t->cycles[i - 1].t_s;
    }
    prev_at_ = at;
    c->t_s = offset_ + at;
  }

 private:
  double offset_ = 0, prev_at_ = 0;
};


const RecordParser kParseGc = [](std::string_view text, size_t* stop) {
  return ParseGcLine(text, nullptr, stop).has_value();
};

// Reads the lines that start inside the first `len` bytes of `rest` (a piece of the input; `rest`
// runs on to the end of the input so that a record split across the piece's end can be rejoined).
// Line numbers are relative to the piece; `overshoot` counts lines past `len` consumed that way.
void ReadPiece(std::string_view rest, size_t len, GcTrace* t, uint64_t* overshoot,
               Progress* progress) {
  LineCursor lines(rest);
  std::string_view line;
  std::string why, scratch;
  size_t reported = 0;
  while (lines.offset() < len && lines.Next(&line)) {
    if ((lines.line_number() & 0xffff) == 0) {
      progress->Advance(lines.offset() - reported);
      reported = lines.offset();
    }
    uint64_t lineno = lines.line_number();
    size_t at = std::string_view::npos;
    if (line.size() > 3 && line[0] == 'g' && line[1] == 'c' &&
        (line[2] == ' ' || static_cast<unsigned>(line[2] - '0') <= 9)) {
      at = 0;
    } else if (!line.empty() && line[0] == 's' &&
               (ParseScvg(line, &t->scavenger) || ParseScav(line, &t->scavenger))) {
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
    size_t stop = 0;
    auto c = ParseGcLine(record, &why, &stop);
    uint64_t program_lines = 0;
    if (!c && stop >= 3 &&
        RejoinRecord(record, stop, &lines, kParseGc, &scratch, &program_lines)) {
      c = ParseGcLine(scratch);
      t->other_lines += program_lines;
    }
    if (c) {
      c->line = lineno;
      t->cycles.push_back(*c);
      if (at > 0 && program_lines == 0) ++t->other_lines;  // program text before the record
    } else if (at == 0) {
      NoteMalformed(t, lineno, why);
    } else {
      ++t->other_lines;  // "gc 3 items" in program output: not ours
    }
  }
  t->lines = lines.line_number();
  *overshoot = 0;
  if (lines.offset() > len) {
    LineCursor past(rest.substr(len, lines.offset() - len));
    while (past.Next(&line)) ++*overshoot;
  }
}

// Appends piece `p` (read by ReadPiece) to `t`, renumbering its lines after `base` lines.
void Append(GcTrace* t, GcTrace&& p, uint64_t base) {
  for (auto& c : p.cycles) c.line += base;
  if (t->cycles.capacity() == 0) {  // one piece: take its records as they are
    t->cycles = std::move(p.cycles);
  } else {
    t->cycles.insert(t->cycles.end(), p.cycles.begin(), p.cycles.end());
    p.cycles = {};  // free the piece now: peak memory stays near one copy of the records
  }
  ScavengerStats& a = t->scavenger;
  const ScavengerStats& b = p.scavenger;
  a.scvg_lines += b.scvg_lines;
  a.scav_lines += b.scav_lines;
  a.released_mb += b.released_mb;
  a.scav_work_kib += b.scav_work_kib;
  if (b.last_sys_mb >= 0) a.last_sys_mb = b.last_sys_mb;
  if (b.last_inuse_mb >= 0) a.last_inuse_mb = b.last_inuse_mb;
  t->gc_forced_lines += p.gc_forced_lines;
  t->other_lines += p.other_lines;
  if (p.malformed > 0 && t->malformed == 0) {
    t->first_malformed_line = p.first_malformed_line + base;
    t->first_malformed_why = std::move(p.first_malformed_why);
  }
  t->malformed += p.malformed;
}

}  // namespace

Result<GcTrace> ReadGcTrace(const Input& input) {
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
  Progress progress("reading " + input.name(), data.size());
  RunParallel(pieces.size(), [&](size_t i) {
    size_t begin = static_cast<size_t>(pieces[i].data() - data.data());
    // The first piece's vector becomes the result, so it reserves room for the whole input (only
    // pages that get written are backed by memory); the others are appended to it.
    parts[i].cycles.reserve(EstimateCycles(i == 0 ? data : pieces[i]));
    ReadPiece(data.substr(begin), pieces[i].size(), &parts[i], &overshoot[i], &progress);
  });
  GcTrace t;
  uint64_t base = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    // Lines a piece's last record took from the next piece were counted there as other lines.
    uint64_t taken = i > 0 ? overshoot[i - 1] : 0;
    parts[i].other_lines -= std::min(parts[i].other_lines, taken);
    uint64_t lines = parts[i].lines;
    Append(&t, std::move(parts[i]), base);
    base += lines - overshoot[i];
  }
  t.lines = base;
  RunClock clock;
  for (size_t i = 0; i < t.cycles.size(); ++i) clock.Place(&t.cycles[i], i, &t);
  if (t.cycles.empty()) {
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
