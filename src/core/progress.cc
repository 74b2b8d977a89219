#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "core/units.h"

namespace godx {

namespace {
bool g_enabled = true;
}

void Progress::SetEnabled(bool enabled) { g_enabled = enabled; }

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)),
      total_(total),
      active_(g_enabled && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

void Progress::Advance(uint64_t bytes) {
  if (!active_) return;
  uint64_t done = done_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::unique_lock<std::mutex> lock(draw_, std::try_to_lock);
  if (lock.owns_lock()) Update(done);
}

void Progress::Update(uint64_t done) {
  if (!active_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_ = now;
  drawn_ = true;
  if (total_ > 0) {
    fmt::print(stderr, "\r\033[K{}: {} of {} ({:.0f}%)", label_, FormatBytes(double(done)),
               FormatBytes(double(total_)), 100.0 * double(done) / double(total_));
  } else {
    fmt::print(stderr, "\r\033[K{}: {}", label_, FormatBytes(double(done)));
  }
  std::fflush(stderr);
}

}  // namespace godx
