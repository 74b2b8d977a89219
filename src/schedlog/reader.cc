#include "schedlog/reader.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/line_cursor.h"
#include "core/progress.h"
#include "core/rejoin.h"
#include "core/scanner.h"
#include "core/text.h"

namespace godx::schedlog {

const char* GStatusName(int s) {
  static const char* const kNames[] = {"idle", "runnable", "running", "syscall", "waiting",
                                       "moribund", "dead", "enqueue", "copystack", "preempted"};
  return s >= 0 && s < kGStatusCount ? kNames[s] : "unknown";
}

namespace {

// Ps beyond this many are counted but not kept one by one (GOMAXPROCS is at most a few hundred
// on real machines; a corrupt line must not make us allocate gigabytes).
constexpr uint64_t kMaxPs = 4096;

// Reads "-1", "nil" or a number: ids of Ms, Ps and Gs.
bool IsNone(std::string_view v) { return v == "nil" || v == "-1" || v.empty(); }

int32_t ToInt(std::string_view v) {
  Scanner s(v);
  int64_t x;
  if (!s.Int(&x)) return kUnknown;
  return static_cast<int32_t>(std::clamp<int64_t>(x, INT32_MIN, INT32_MAX));
}

// Splits "k=v k2=[a b] k3=v3 ..." calling fn(key, value); list values come without brackets.
template <typename Fn>
bool ForEachField(std::string_view rest, Fn fn) {
  Scanner s(rest);
  while (true) {
    s.SkipSpaces();
    if (s.AtEnd()) return true;
    if (s.Char('[')) {
      // Go 1.5-1.24 print the local run queues as a bare "[a b c]" after runqueue=N.
      std::string_view list = s.Until(']');
      if (!s.Char(']')) return false;
      fn(std::string_view("[]"), list);
      continue;
    }
    std::string_view key = s.Until('=');
    if (!s.Char('=')) return false;
    // A value with spaces (preemptoff= can hold a phrase) leaves words before the next key.
    size_t sp = key.find_last_of(' ');
    if (sp != std::string_view::npos) key = key.substr(sp + 1);
    if (s.Char('[')) {
      std::string_view list = s.Until(']');
      if (!s.Char(']')) return false;
      fn(key, list);
    } else {
      fn(key, s.Word());
    }
  }
}


// "[a b c]" or "[ a b ]": numbers, appended to `out` (when given).
bool ReadList(Scanner& s, std::vector<int32_t>* out) {
  if (!s.Char('[')) return false;
  while (true) {
    s.SkipSpaces();
    if (s.Char(']')) return true;
    uint64_t v;
    if (!s.Uint(&v)) return false;
    if (out) out->push_back(static_cast<int32_t>(std::min<uint64_t>(v, INT32_MAX)));
  }
}

}  // namespace

bool ParseSchedLine(std::string_view text, SchedSample* out, std::vector<int32_t>* queues,
                    size_t* stop, std::vector<int32_t>* schedticks) {
  Scanner s(text);
  auto fail = [&] {
    if (stop) *stop = s.Consumed(text);
    return false;
  };
  uint64_t ms;
  if (!s.Literal("SCHED ") || !s.Uint(&ms) || !s.Literal("ms:")) return fail();
  SchedSample sample;
  sample.t_ms = static_cast<int64_t>(ms);
  queues->clear();
  bool has_procs = false;
  while (true) {
    s.SkipSpaces();
    if (s.AtEnd()) break;
    if (s.Peek() == '[') {  // the per-P local run queues (before 1.25 without a key)
      queues->clear();
      sample.spaced_list = s.Rest().substr(0, 2) == "[ ";
      if (!ReadList(s, queues)) return fail();
      continue;
    }
    std::string_view rest = s.Rest();
    size_t klen = 0;
    while (klen < rest.size() && rest[klen] >= 'a' && rest[klen] <= 'z') ++klen;
    std::string_view key = rest.substr(0, klen);
    s.Skip(klen);
    if (key.empty() || !s.Char('=')) return fail();
    if (s.Peek() == '[') {  // schedticks=[...] (1.25) and future lists
      bool ticks = key == "schedticks" && schedticks != nullptr;
      if (ticks) schedticks->clear();
      if (!ReadList(s, ticks ? schedticks : nullptr)) return fail();
      continue;
    }
    // Every value on a SCHED line is a number, or (scheddetail's gcwaiting= and sysmonwait=
    // since they became atomic.Bool, 1.26 and 1.27 at least) true or false; anything else means
    // the line was cut.
    int64_t v;
    if (s.Literal("true")) {
      v = 1;
      sample.bool_flags = true;
    } else if (s.Literal("false")) {
      v = 0;
      sample.bool_flags = true;
    } else if (!s.Int(&v)) {
      return fail();
    }
    if (!(s.AtEnd() || s.Peek() == ' ')) return fail();
    auto i = static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
    if (key == "gomaxprocs") {
      sample.gomaxprocs = i;
      has_procs = true;
    } else if (key == "idleprocs") {
      sample.idleprocs = i;
    } else if (key == "threads") {
      sample.threads = i;
    } else if (key == "spinningthreads") {
      sample.spinningthreads = i;
    } else if (key == "needspinning") {
      sample.needspinning = i;
    } else if (key == "idlethreads") {
      sample.idlethreads = i;
    } else if (key == "runqueue") {
      sample.runqueue = i;
    } else if (key == "gcwaiting") {
      sample.gcwaiting = i;
      sample.detail = true;
    } else if (key == "nmidlelocked") {
      sample.nmidlelocked = i;
    } else if (key == "stopwait") {
      sample.stopwait = i;
    } else if (key == "sysmonwait") {
      sample.sysmonwait = i;
    }  // unknown future keys are accepted and ignored
  }
  if (!has_procs) return fail();
  *out = sample;
  return true;
}

bool SchedSequenceKey(std::string_view line, size_t* start, SequenceKey* key) {
  size_t at = line.find("SCHED ");
  if (at == std::string_view::npos || (at > 0 && !IsMarkerBoundary(line[at - 1]))) return false;
  std::string_view rest = line.substr(at + 6);
  uint64_t ms = 0;
  size_t i = 0;
  for (; i < rest.size() && i < 18 && rest[i] >= '0' && rest[i] <= '9'; ++i)
    ms = ms * 10 + static_cast<uint64_t>(rest[i] - '0');
  if (i == 0 || rest.substr(i, 3) != "ms:") return false;
  *start = at;
  key->at = static_cast<double>(ms) / 1000;
  return true;
}

namespace {

class Reader {
 public:
  explicit Reader(SchedTrace* t) : t_(t) {}

  // Adds a sample read by ParseSchedLine (with its local run queues in `queues`).
  void AddSample(SchedSample sample, const std::vector<int32_t>& queues,
                 const std::vector<int32_t>& ticks, bool printed = true) {
    sample.local_begin = static_cast<uint32_t>(t_->local_queues.size());
    sample.local_count = static_cast<uint32_t>(queues.size());
    t_->local_queues.insert(t_->local_queues.end(), queues.begin(), queues.end());
    sample.ticks_begin = static_cast<uint32_t>(t_->schedticks.size());
    sample.ticks_count = static_cast<uint32_t>(ticks.size());
    t_->schedticks.insert(t_->schedticks.end(), ticks.begin(), ticks.end());
    if (!t_->samples.empty() && sample.t_ms < t_->samples.back().t_ms) ++t_->restarts;
    if (!t_->samples.empty() && sample.gomaxprocs != t_->samples.back().gomaxprocs) {
      t_->procs_changes.push_back(
          {t_->samples.size(), t_->samples.back().gomaxprocs, sample.gomaxprocs});
    }
    SchedFormatSigns& signs = t_->signs;
    // A sample whose SCHED line was not in the text says nothing about the line's format.
    if (printed) ++(sample.needspinning != kUnknown ? signs.with_needspinning : signs.without_needspinning);
    if (printed && sample.local_count > 0 && !sample.detail) {
      ++(sample.spaced_list ? signs.spaced_lists : signs.tight_lists);
    }
    if (printed) {
      signs.with_schedticks += sample.ticks_count > 0;
      signs.bool_flags += sample.bool_flags;
    }
    if (sample.detail) {
      sample.detail_index = static_cast<int32_t>(t_->details.size());
      DetailSnapshot d;
      d.sample = static_cast<uint32_t>(t_->samples.size());
      t_->details.push_back(std::move(d));
      reasons_.clear();
    }
    t_->samples.push_back(sample);
    in_detail_ = sample.detail;
    headerless_ = false;
  }

  // "  P0: ...", "  M3: ...", "  G17: status=4(chan receive) m=-1 lockedm=-1". False when the line
  // is not a detail line of the current sample.
  bool ParseDetail(std::string_view line) {
    if (!in_detail_) return false;
    size_t i = 0;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == 0 || i + 2 > line.size()) return false;
    char kind = line[i];
    if (kind != 'P' && kind != 'M' && kind != 'G') return false;
    Scanner s(line.substr(i + 1));
    uint64_t id;
    if (!s.Uint(&id) || !s.Literal(": ")) return false;
    DetailSnapshot& d = t_->details.back();
    SchedSample& sample = t_->samples.back();
    std::string_view rest = s.Rest();
    if (kind == 'P') {
      ++d.ps;
      PState* ps = nullptr;
      if (id < kMaxPs) {
        if (d.p.size() <= id) d.p.resize(id + 1);
        ps = &d.p[id];
      }
      if (headerless_) ++sample.gomaxprocs;  // scheddetail prints every P
      ForEachField(rest, [&](std::string_view k, std::string_view v) {
        if (k == "status") {
          if (headerless_ && ToInt(v) == 0) ++sample.idleprocs;  // _Pidle
          if (ToInt(v) == 2) ++d.ps_in_syscall;
          if (ps) ps->status = ToInt(v);
        }
        if (k == "schedtick" && ps) ps->schedtick = ToInt(v);
        if (k == "m" && ps) ps->m = IsNone(v) ? kUnknown : ToInt(v);
        // Only while the queues stay contiguous with the sample's own (see ParseSched).
        if (k == "runqsize" &&
            sample.local_begin + sample.local_count == t_->local_queues.size()) {
          t_->local_queues.push_back(std::max(0, ToInt(v)));
          ++sample.local_count;
        }
      });
    } else if (kind == 'M') {
      ++d.ms;
      if (headerless_) ++sample.threads;
      int32_t p_id = kUnknown, curg = kUnknown;
      ForEachField(rest, [&](std::string_view k, std::string_view v) {
        if (k == "p" || k == "curg" || k == "lockedg") NoteId(v);
        if (k == "blocked" && v == "true") ++d.ms_blocked;
        if (k == "spinning" && v == "true") ++d.ms_spinning;
        if (k == "lockedg" && !IsNone(v)) ++d.ms_locked;
        if (k == "p" && !IsNone(v)) p_id = ToInt(v);
        if (k == "curg" && !IsNone(v)) curg = ToInt(v);
      });
      // P lines come first: the goroutine an M runs is the one running on its P.
      if (p_id >= 0 && static_cast<size_t>(p_id) < d.p.size() && curg >= 0) d.p[p_id].curg = curg;
    } else {
      ++d.goroutines;
      // status=4(chan receive): the reason may hold spaces and parentheses ("force gc (idle)",
      // "GOMAXPROCS updater (idle)"), so it runs to the last ')' before " m=".
      Scanner g(rest);
      int64_t status;
      if (!g.Literal("status=") || !g.Int(&status)) return true;
      int st = static_cast<int>(status & ~int64_t{0x1000});
      ++d.by_status[st >= 0 && st < kGStatusCount ? st : kGStatusCount];
      if (g.Char('(')) {
        std::string_view after = g.Rest();
        size_t m = after.find(") m=");
        std::string_view reason = m != std::string_view::npos ? after.substr(0, m) : g.Until(')');
        if (m != std::string_view::npos) g.Skip(m);
        g.Char(')');
        if (st == 4 && !reason.empty()) {
          StringId id = t_->wait_reasons.Intern(reason);
          auto [it, fresh] = reasons_.try_emplace(id, d.by_wait_reason.size());
          if (fresh) d.by_wait_reason.emplace_back(id, 0);
          ++d.by_wait_reason[it->second].second;
        }
      }
      ForEachField(g.Rest(), [&](std::string_view k, std::string_view v) {
        if (k == "m" || k == "lockedm") NoteId(v);
        if (k == "lockedm" && !IsNone(v)) ++d.locked_goroutines;
        if (k == "m" && st == 3 && !IsNone(v)) ++d.syscall_threads;
      });
    }
    return true;
  }

  void LeaveDetail() { in_detail_ = false; }

  // "  P0: status=..." outside a scheddetail block: the block's SCHED line was not pasted. Starts
  // a sample that its P and M lines fill in; false when `line` is no P line.
  bool StartHeaderless(std::string_view line) {
    if (in_detail_) return false;
    size_t i = line.find_first_not_of(' ');
    if (i == 0 || i == std::string_view::npos) return false;
    Scanner s(line.substr(i));
    uint64_t id;
    if (!s.Literal("P") || !s.Uint(&id) || !s.Literal(": status=")) return false;
    SchedSample sample;
    sample.detail = true;
    sample.t_ms = t_->samples.empty() ? 0 : t_->samples.back().t_ms;
    AddSample(sample, {}, {}, /*printed=*/false);
    headerless_ = true;
    ++t_->headerless_details;
    return ParseDetail(line);
  }

 private:
  // How scheddetail printed an absent M, P or G: "nil" in newer releases, "-1" in older ones.
  void NoteId(std::string_view v) {
    if (v == "nil") ++t_->signs.nil_ids;
    if (v == "-1") ++t_->signs.minus_one_ids;
  }

  SchedTrace* t_;
  bool in_detail_ = false;
  bool headerless_ = false;  // the current detail block came without its SCHED line
  std::unordered_map<StringId, size_t> reasons_;
};

void Finish(SchedTrace* t) {
  for (auto& s : t->samples) {
    if (s.local_count == 0) continue;
    auto b = t->local_queues.begin() + s.local_begin;
    auto e = b + s.local_count;
    s.local_max = *std::max_element(b, e);
    s.local_min = *std::min_element(b, e);
    for (auto it = b; it != e; ++it) s.local_sum += *it;
  }
}

}  // namespace

int SniffSchedTrace(std::string_view head) {
  LineCursor lines(head);
  std::string_view line;
  int bare = 0;
  while (lines.Next(&line) && lines.line_number() <= 4000) {
    size_t at = FindMarker(line, "SCHED ");
    if (at == std::string_view::npos) continue;
    // "SCHED 100ms:" even when program output cut the rest of the record away; in a busy log
    // even the time can be cut off ("SCHED {...program output...}"), so two lines that start
    // with "SCHED " count too.
    Scanner s(line.substr(at));
    uint64_t ms;
    if (s.Literal("SCHED ") && s.Uint(&ms) && s.Literal("ms:")) return 100;
    if (at == 0 && ++bare >= 2) return 100;
  }
  return 0;
}

namespace {
// Where the next "SCHED Nms:" record starts inside `record` (past its own start); npos if none.
size_t NextJoinedRecord(std::string_view record) {
  for (size_t at = record.find("SCHED ", 1); at != std::string_view::npos;
       at = record.find("SCHED ", at + 1)) {
    Scanner s(record.substr(at));
    uint64_t ms;
    if (s.Literal("SCHED ") && s.Uint(&ms) && s.Literal("ms:")) return at;
  }
  return std::string_view::npos;
}
}  // namespace

Result<SchedTrace> ReadSchedTrace(const Input& input) {
  std::string_view data = input.data();
  if (data.empty()) {
    return Status::Error(fmt::format("{}: empty input, expected GODEBUG=schedtrace output", input.name()));
  }
  if (LooksBinary(data)) {
    return Status::Error(fmt::format(
        "{}: binary data at offset 0, expected text lines from GODEBUG=schedtrace", input.name()));
  }
  SchedTrace t;
  Reader reader(&t);
  LineCursor lines(data);
  Progress progress("reading " + input.name(), data.size());
  std::string_view line;
  std::string scratch;
  std::vector<int32_t> queues, ticks;
  const RecordParser kParseSched = [&](std::string_view text, size_t* stop) {
    SchedSample ignored;
    std::vector<int32_t> q;
    return ParseSchedLine(text, &ignored, &q, stop);
  };
  while (lines.Next(&line)) {
    uint64_t lines_before = lines.line_number() - 1;
    if ((lines.line_number() & 0xffff) == 0) progress.Update(lines.offset());
    // A log collector's prefix on every line (kubectl logs --timestamps): looked past, so that
    // scheddetail's indented lines are still seen as such.
    const size_t prefix = LogPrefixLength(line);
    line.remove_prefix(prefix);
    if (!line.empty() && line[0] == ' ' &&
        (reader.ParseDetail(line) || reader.StartHeaderless(line)))
      continue;
    size_t at = line.empty() || line[0] != 'S' ? FindMarker(line, "SCHED ") : 0;
    if (at != std::string_view::npos && line.substr(at, 6) == "SCHED ") {
      std::string_view record = line.substr(at);
      // Samples joined onto one line (a paste that lost its line ends): each is read on its own.
      if (size_t next = NextJoinedRecord(record); next != std::string_view::npos) {
        bool all = true;
        while (!record.empty()) {
          next = NextJoinedRecord(record);
          std::string_view piece = record.substr(0, next);
          while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
          SchedSample sample;
          ticks.clear();
          if (ParseSchedLine(piece, &sample, &queues, nullptr, &ticks)) {
            sample.line = lines_before + 1;
            reader.AddSample(sample, queues, ticks);
            ++t.joined_samples;
          } else {
            all = false;
          }
          record = next == std::string_view::npos ? std::string_view() : record.substr(next);
        }
        if (all) continue;
      }
      SchedSample sample;
      size_t stop = 0;
      uint64_t program_lines = 0;
      ticks.clear();
      bool ok = ParseSchedLine(record, &sample, &queues, &stop, &ticks);
      if (!ok && stop >= 6 &&
          RejoinRecord(record, stop, &lines, kParseSched, &scratch, &program_lines,
                       prefix > 0)) {
        ok = ParseSchedLine(scratch, &sample, &queues, nullptr, &ticks);
        t.other_lines += program_lines;
      }
      if (ok) {
        sample.line = lines_before + 1;
        reader.AddSample(sample, queues, ticks);
        continue;
      }
      if (at == 0) {
        if (t.malformed++ == 0) {
          t.first_malformed_line = lines_before + 1;
          t.first_malformed_why = "'SCHED Nms: gomaxprocs=N ...' with numeric key=value fields";
        }
        reader.LeaveDetail();
        continue;
      }
    }
    // gctrace lines can land between a SCHED line and its detail lines; they do not end it.
    if (line.substr(0, 3) != "gc ") reader.LeaveDetail();
    ++t.other_lines;
  }
  t.lines = lines.line_number();
  if (t.samples.empty()) {
    if (t.malformed > 0) {
      return Status::Error(fmt::format("{}:{}: malformed SCHED line: expected {}", input.name(),
                                       t.first_malformed_line, t.first_malformed_why));
    }
    return Status::Error(fmt::format(
        "{}: no GODEBUG=schedtrace lines in {} lines (expected lines like 'SCHED 1000ms: "
        "gomaxprocs=4 ...')",
        input.name(), t.lines));
  }
  Finish(&t);
  return t;
}

}  // namespace godx::schedlog
