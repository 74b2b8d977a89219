#include "core/rejoin.h"

#include <algorithm>

namespace godx {

bool RejoinRecord(std::string_view head, size_t stop, LineCursor* lines, const RecordParser& parse,
                  std::string* record, uint64_t* program_lines) {
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
