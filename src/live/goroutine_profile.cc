#include "live/goroutine_profile.h"

#include "core/scanner.h"

namespace godx::live {

namespace {
std::vector<StackGrowth> NoStackDiff(std::string_view, std::string_view) { return {}; }
StackDiffFn g_stack_diff = NoStackDiff;
}  // namespace

std::optional<uint64_t> GoroutineTotal(std::string_view debug1) {
  Scanner s(debug1.substr(0, debug1.find('\n')));
  uint64_t n;
  if (!s.Literal("goroutine profile: total ") || !s.Uint(&n)) return std::nullopt;
  return n;
}

void SetStackDiff(StackDiffFn fn) { g_stack_diff = fn ? fn : NoStackDiff; }
StackDiffFn GetStackDiff() { return g_stack_diff; }
bool HasStackDiff() { return g_stack_diff != NoStackDiff; }

}  // namespace godx::live
