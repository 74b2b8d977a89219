#include "schedlog/reader.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/line_cursor.h"
#include "core/progress.h"
#include "core/scanner.h"
#include "core/text.h"

namespace godx::schedlog {

const char* GStatusName(int s) {
  static const char* const kNames[] = {"idle", "runnable", "running", "syscall", "waiting",
                                       "moribund", "dead", "enqueue", "copystack", "preempted"};
  return s >= 0 && s < kGStatusCount ? kNames[s] : "unknown";
}

namespace {

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

void ParseList(std::string_view list, std::vector<int32_t>* out, SchedSample* s) {
  Scanner sc(list);
  s->local_begin = static_cast<uint32_t>(out->size());
  while (true) {
    sc.SkipSpaces();
    uint64_t v;
    if (!sc.Uint(&v)) break;
    out->push_back(static_cast<int32_t>(std::min<uint64_t>(v, INT32_MAX)));
  }
  s->local_count = static_cast<uint32_t>(out->size()) - s->local_begin;
}

class Reader {
 public:
  explicit Reader(SchedTrace* t) : t_(t) {}

  // "SCHED 1004ms: gomaxprocs=4 ..."
  bool ParseSched(std::string_view line, uint64_t lineno, std::string* why) {
    Scanner s(line);
    uint64_t ms;
    if (!s.Literal("SCHED ") || !s.Uint(&ms) || !s.Literal("ms:")) {
      *why = "'SCHED Nms: key=value ...'";
      return false;
    }
    SchedSample sample;
    sample.line = lineno;
    sample.t_ms = static_cast<int64_t>(ms);
    bool has_procs = false;
    bool ok = ForEachField(s.Rest(), [&](std::string_view k, std::string_view v) {
      if (k == "gomaxprocs") { sample.gomaxprocs = ToInt(v); has_procs = true; }
      else if (k == "idleprocs") sample.idleprocs = ToInt(v);
      else if (k == "threads") sample.threads = ToInt(v);
      else if (k == "spinningthreads") sample.spinningthreads = ToInt(v);
      else if (k == "needspinning") sample.needspinning = ToInt(v);
      else if (k == "idlethreads") sample.idlethreads = ToInt(v);
      else if (k == "runqueue") sample.runqueue = ToInt(v);
      else if (k == "[]") ParseList(v, &t_->local_queues, &sample);
      else if (k == "gcwaiting") { sample.gcwaiting = ToInt(v); sample.detail = true; }
      else if (k == "nmidlelocked") sample.nmidlelocked = ToInt(v);
      else if (k == "stopwait") sample.stopwait = ToInt(v);
      else if (k == "sysmonwait") sample.sysmonwait = ToInt(v);
      // schedticks=[...] (1.25) and unknown future keys are accepted and ignored.
    });
    if (!ok || !has_procs) {
      *why = "'SCHED Nms: gomaxprocs=N ...' with key=value fields";
      return false;
    }
    if (!t_->samples.empty() && sample.t_ms < t_->samples.back().t_ms) ++t_->restarts;
    if (sample.detail) {
      sample.detail_index = static_cast<int32_t>(t_->details.size());
      DetailSnapshot d;
      d.sample = static_cast<uint32_t>(t_->samples.size());
      t_->details.push_back(std::move(d));
      reasons_.clear();
      // scheddetail P lines append the local queues, unless the line itself listed them.
      if (sample.local_count == 0) sample.local_begin = static_cast<uint32_t>(t_->local_queues.size());
    }
    t_->samples.push_back(sample);
    in_detail_ = sample.detail;
    return true;
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
      ForEachField(rest, [&](std::string_view k, std::string_view v) {
        if (k == "status" && ToInt(v) == 2) ++d.ps_in_syscall;
        // Only while the queues stay contiguous with the sample's own (see ParseSched).
        if (k == "runqsize" &&
            sample.local_begin + sample.local_count == t_->local_queues.size()) {
          t_->local_queues.push_back(std::max(0, ToInt(v)));
          ++sample.local_count;
        }
      });
    } else if (kind == 'M') {
      ++d.ms;
      ForEachField(rest, [&](std::string_view k, std::string_view v) {
        if (k == "blocked" && v == "true") ++d.ms_blocked;
        if (k == "spinning" && v == "true") ++d.ms_spinning;
        if (k == "lockedg" && !IsNone(v)) ++d.ms_locked;
      });
    } else {
      ++d.goroutines;
      // status=4(chan receive): the reason may hold spaces, so it is read up to ')'.
      Scanner g(rest);
      int64_t status;
      if (!g.Literal("status=") || !g.Int(&status)) return true;
      int st = static_cast<int>(status & ~int64_t{0x1000});
      ++d.by_status[st >= 0 && st < kGStatusCount ? st : kGStatusCount];
      if (g.Char('(')) {
        std::string_view reason = g.Until(')');
        g.Char(')');
        if (st == 4 && !reason.empty()) {
          StringId id = t_->wait_reasons.Intern(reason);
          auto [it, fresh] = reasons_.try_emplace(id, d.by_wait_reason.size());
          if (fresh) d.by_wait_reason.emplace_back(id, 0);
          ++d.by_wait_reason[it->second].second;
        }
      }
      ForEachField(g.Rest(), [&](std::string_view k, std::string_view v) {
        if (k == "lockedm" && !IsNone(v)) ++d.locked_goroutines;
      });
    }
    return true;
  }

  void LeaveDetail() { in_detail_ = false; }

 private:
  SchedTrace* t_;
  bool in_detail_ = false;
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
  while (lines.Next(&line) && lines.line_number() <= 4000) {
    size_t at = FindMarker(line, "SCHED ");
    if (at != std::string_view::npos && line.find("gomaxprocs=", at) != std::string_view::npos) {
      return 100;
    }
  }
  return 0;
}

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
  std::string why;
  while (lines.Next(&line)) {
    if ((lines.line_number() & 0xffff) == 0) progress.Update(lines.offset());
    if (!line.empty() && line[0] == ' ' && reader.ParseDetail(line)) continue;
    size_t at = line.empty() || line[0] != 'S' ? FindMarker(line, "SCHED ") : 0;
    if (at != std::string_view::npos && line.substr(at, 6) == "SCHED ") {
      if (reader.ParseSched(line.substr(at), lines.line_number(), &why)) continue;
      if (at == 0) {
        if (t.malformed++ == 0) {
          t.first_malformed_line = lines.line_number();
          t.first_malformed_why = why;
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
