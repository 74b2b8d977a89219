#include "gclog/regex_reading.h"

#include <regex>
#include <sstream>

namespace godx::gclog {

RegexReading ReadGcLogWithRegex(const std::string& text) {
  // Lines may carry program output before the record; clock phases are 3 (1.6+) or 5 (1.5).
  static const std::regex kLine(
      R"(gc (\d+) @([\d.]+)s \d+%( \(checking for goroutine leaks\))?: ([\d.]+)\+([\d.]+)\+([\d.]+)(?:\+([\d.]+)\+([\d.]+))? ms clock, (.*) ms cpu, .* (\d+) P( \(forced\))?$)");
  static const std::regex kCpu(R"(^([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+)$)");
  static const std::regex kHeap(R"( (\d+)->(\d+)->(\d+) MB, )");
  static const std::regex kScav(
      R"(^scav (?:\d+ )?(\d+) KiB work(?: \(bg\), (\d+) KiB work \(eager\))?, (\d+) KiB (?:total|now), \d+% util)");
  RegexReading out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kScav)) {
      ++out.scav_lines;
      double eager = m[2].matched ? std::stod(m[2]) : 0;
      out.scav_work_kib += std::stod(m[1]) + eager;
      out.scav_eager_kib += eager;
      out.scav_last_released_kib = std::stoll(m[3]);
      continue;
    }
    if (!std::regex_search(line, m, kLine)) continue;
    ++out.cycles;
    out.nums.push_back(std::stoi(m[1]));
    out.at_s.push_back(std::stod(m[2]));
    out.leak_checks += m[3].matched;
    out.forced += m[11].matched;
    out.procs.push_back(std::stoi(m[10]));
    double pause = m[7].matched ? std::stod(m[4]) + std::stod(m[6]) + std::stod(m[8])
                                : std::stod(m[4]) + std::stod(m[6]);
    out.pauses.push_back(pause);
    std::smatch h;
    if (std::regex_search(line, h, kHeap)) {
      out.heap_start.push_back(std::stoi(h[1]));
      out.heap_end.push_back(std::stoi(h[2]));
      out.heap_live.push_back(std::stoi(h[3]));
    }
    std::smatch c;
    std::string cpu = m[9];
    if (std::regex_match(cpu, c, kCpu)) {
      double v[5];
      for (int i = 0; i < 5; ++i) v[i] = std::stod(c[i + 1]);
      out.cpu_total.push_back(v[0] + v[1] + v[2] + v[3] + v[4]);
      out.cpu_assist.push_back(v[1]);
      out.cpu_background.push_back(v[2]);
      out.cpu_idle.push_back(v[3]);
    } else {
      out.all_cpu = false;
    }
  }
  return out;
}

}  // namespace godx::gclog
