#include "core/rejoin.h"

#include <algorithm>

namespace godx {

namespace {

bool Digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (static_cast<unsigned>(s[i] - '0') > 9) return false;
  }
  return true;
}

// "2024-08-09T01:45:13[.123456789](Z|+02:00) ": its length, or 0.
size_t TimestampLength(std::string_view s) {
  if (!Digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' ||
      !Digits(s, 8, 2) || s[10] != 'T' || !Digits(s, 11, 2) || s[13] != ':' ||
      !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2)) {
    return 0;
  }
  size_t i = 19;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    while (i < s.size() && static_cast<unsigned>(s[i] - '0') <= 9) ++i;
  }
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-') && Digits(s, i + 1, 2) &&
             i + 3 < s.size() && s[i + 3] == ':' && Digits(s, i + 4, 2)) {
    i += 6;
  }
  return i < s.size() && s[i] == ' ' ? i + 1 : 0;
}

// "[pod/web-0/app] ": its length, or 0.
size_t BracketLength(std::string_view s) {
  constexpr size_t kMaxSource = 256;  // pod, container and namespace names are far shorter
  if (s.empty() || s[0] != '[') return 0;
  size_t i = 1;
  while (i < s.size() && i <= kMaxSource && s[i] != ']' && s[i] != ' ') ++i;
  return i > 1 && i + 1 < s.size() && s[i] == ']' && s[i + 1] == ' ' ? i + 2 : 0;
}

}  // namespace

size_t LogPrefixLength(std::string_view line) {
  size_t total = 0;
  for (int part = 0; part < 2; ++part) {
    std::string_view rest = line.substr(total);
    size_t n = TimestampLength(rest);
    if (n == 0) n = BracketLength(rest);
    if (n == 0) break;
    total += n;
  }
  return total;
}

bool RejoinRecord(std::string_view head, size_t stop, LineCursor* lines, const RecordParser& parse,
                  std::string* record, uint64_t* program_lines, bool prefixed) {
  constexpr int kMaxLines = 32;
  // The parser may stop a few bytes into a fragment that ends mid-token ("4 MB go" before the
  // program's line): try the fragment boundary up to this far past where it stopped.
  constexpr size_t kMaxPartialToken = 16;
  // The record's first word ("gc ", "SCHED "), when the parser read it: a line that starts with it
  // is the next record, so this one ends unfinished there. (Without this, each bad line that
  // starts like a record would search all 32 lines after it.)
  size_t space = head.substr(0, stop).find(' ');
  std::string_view marker =
      space == std::string_view::npos ? std::string_view() : head.substr(0, space + 1);
  std::string acc(head), candidate, best;
  size_t acc_stop = stop;
  LineCursor ahead = *lines;
  std::string_view next;
  for (int n = 1; n <= kMaxLines && ahead.Next(&next); ++n) {
    if (prefixed) next.remove_prefix(LogPrefixLength(next));
    if (!marker.empty() && next.substr(0, marker.size()) == marker) return false;
    size_t best_stop = 0;
    for (size_t k = acc_stop; k <= std::min(acc.size(), acc_stop + kMaxPartialToken); ++k) {
      candidate.assign(acc, 0, k);
      candidate.append(next);
      size_t s = 0;
      if (parse(candidate, &s)) {
        *lines = ahead;
        record->swap(candidate);
        *program_lines = static_cast<uint64_t>(n);
        return true;
      }
      if (s > k && s > best_stop) {  // read into `next`: it starts with the next fragment
        best_stop = s;
        best = candidate;
      }
    }
    if (best_stop > 0) {
      acc.swap(best);
      acc_stop = best_stop;
    }
    // Otherwise `next` is program output alone, written between two fragments: look past it.
  }
  return false;
}

}  // namespace godx
