// Test support: a reading of gctrace and scavtrace logs with std::regex, written apart from the
// reader (slow, line by line, no rejoining), that tests compare godx's numbers with.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace godx::gclog {

struct RegexReading {
  size_t cycles = 0, forced = 0, leak_checks = 0;
  std::vector<int> nums;        // cycle numbers
  std::vector<double> at_s;     // "@T s"
  std::vector<double> pauses;   // STW ms per cycle (sum of the STW clock phases)
  std::vector<int> procs;       // "N P"
  std::vector<int> heap_start, heap_end, heap_live;  // "A->B->C MB"
  // CPU of 1.6+ lines ("A+B/C/D+E ms cpu"), ms; has_cpu is false where a line had another form.
  std::vector<double> cpu_total, cpu_assist, cpu_background, cpu_idle;
  bool all_cpu = true;
  // scav lines: count, summed "KiB work" (background and eager), and the last "KiB total|now".
  size_t scav_lines = 0;
  double scav_work_kib = 0, scav_eager_kib = 0;
  long long scav_last_released_kib = -1;
};

RegexReading ReadGcLogWithRegex(const std::string& text);

}  // namespace godx::gclog
