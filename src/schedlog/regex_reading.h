// Test support: a reading of schedtrace/scheddetail logs with std::regex, written apart from the
// reader (line by line, no rejoining), that tests compare godx's numbers with.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace godx::schedlog {

struct RegexSample {
  long long t_ms = 0;
  int gomaxprocs = 0, idleprocs = 0, threads = 0, runqueue = 0;
  long long local_sum = 0;  // the "[a b c]" list, or the P lines' runqsize= (scheddetail)
};

struct RegexReading {
  std::vector<RegexSample> samples;
  // G lines after the last SCHED line of a scheddetail log, and of those waiting (status 4).
  size_t last_goroutines = 0, last_waiting = 0;
  bool detail = false;
};

RegexReading ReadSchedLogWithRegex(const std::string& text);

}  // namespace godx::schedlog
