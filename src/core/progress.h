// Progress on stderr for work that takes more than a second, only when stderr is a terminal.
// Cheap to call often: it looks at the clock once per call and draws at most ten times a second.
// Advance() may be called from several threads at once (readers working on pieces of an input).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace godx {

class Progress {
 public:
  // `total` in bytes; 0 when unknown.
  Progress(std::string label, uint64_t total);
  ~Progress();  // clears the line it drew, if any
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Update(uint64_t done);
  // Adds `bytes` to the work done so far.
  void Advance(uint64_t bytes);
  // Process-wide switch (--quiet, tests).
  static void SetEnabled(bool enabled);

 private:
  std::string label_;
  uint64_t total_;
  bool active_;
  bool drawn_ = false;
  std::atomic<uint64_t> done_{0};
  std::mutex draw_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace godx
