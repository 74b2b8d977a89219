#include "schedlog/regex_reading.h"

#include <regex>
#include <sstream>

namespace godx::schedlog {

RegexReading ReadSchedLogWithRegex(const std::string& text) {
  static const std::regex kSched(
      R"(SCHED (\d+)ms: gomaxprocs=(\d+) idleprocs=(\d+) threads=(\d+) .*runqueue=(\d+)(.*)$)");
  static const std::regex kList(R"(^ *\[([\d ]*)\])");
  static const std::regex kP(R"(^  P\d+: .* runqsize=(\d+))");
  static const std::regex kG(R"(^  G\d+: status=(\d+)\()");
  RegexReading out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kSched)) {
      RegexSample s;
      s.t_ms = std::stoll(m[1]);
      s.gomaxprocs = std::stoi(m[2]);
      s.idleprocs = std::stoi(m[3]);
      s.threads = std::stoi(m[4]);
      s.runqueue = std::stoi(m[5]);
      std::string rest = m[6];
      std::smatch l;
      if (std::regex_search(rest, l, kList)) {
        std::istringstream nums(l[1].str());
        long long v;
        while (nums >> v) s.local_sum += v;
      }
      out.detail = rest.find("gcwaiting=") != std::string::npos;
      out.samples.push_back(s);
      out.last_goroutines = out.last_waiting = 0;
    } else if (!out.samples.empty() && std::regex_search(line, m, kP)) {
      out.samples.back().local_sum += std::stoll(m[1]);
    } else if (std::regex_search(line, m, kG)) {
      ++out.last_goroutines;
      out.last_waiting += (std::stoi(m[1]) & ~0x1000) == 4;
    }
  }
  return out;
}

}  // namespace godx::schedlog
