#include "live/goroutine_profile.h"

#include <fmt/format.h>

#include <map>

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

namespace {

constexpr size_t kMaxBuckets = 100000;

std::string_view NextLine(std::string_view* text) {
  size_t nl = text->find('\n');
  std::string_view line = text->substr(0, nl);
  text->remove_prefix(nl == std::string_view::npos ? text->size() : nl + 1);
  return line;
}

// "#\t0x6e1da4\tmain.leakyWorker+0xe4\tgodx.test/gen/leakyserver/main.go:24" →
// "main.leakyWorker at main.go:24"; "" for lines that are not frames.
std::string FrameSite(std::string_view line, bool* runtime) {
  if (line.substr(0, 2) != "#\t") return "";
  line.remove_prefix(2);
  size_t t1 = line.find('\t');
  if (t1 == std::string_view::npos) return "";
  std::string_view rest = line.substr(t1 + 1);
  size_t t2 = rest.find('\t');
  std::string_view fn = rest.substr(0, t2);
  std::string_view file = t2 == std::string_view::npos ? "" : rest.substr(t2 + 1);
  if (size_t plus = fn.rfind("+0x"); plus != std::string_view::npos) fn = fn.substr(0, plus);
  if (size_t slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  *runtime = IsRuntimeFrame(fn);
  std::string site(fn);
  if (!file.empty()) site += " at " + std::string(file);
  return site;
}

}  // namespace

bool IsRuntimeFrame(std::string_view function) {
  return function.rfind("runtime.", 0) == 0 || function.rfind("internal/", 0) == 0;
}

Result<CountProfile> ReadCountProfile(std::string_view text, const std::string& source) {
  CountProfile p;
  std::string_view first = NextLine(&text);
  size_t at = first.find(" profile: total ");
  Scanner s(at == std::string_view::npos ? std::string_view() : first.substr(at + 16));
  if (at == std::string_view::npos || at == 0 || !s.Uint(&p.total)) {
    return Status::Error(fmt::format(
        "{}:1: expected '<name> profile: total N' (a debug=1 count profile)", source));
  }
  p.name = std::string(first.substr(0, at));
  std::map<std::string, size_t, std::less<>> index;  // pcs → bucket
  CountBucket* cur = nullptr;
  bool have_site = false;
  while (!text.empty()) {
    std::string_view line = NextLine(&text);
    if (line.empty()) {
      cur = nullptr;
      continue;
    }
    if (line[0] == '#') {
      if (cur == nullptr || have_site) continue;
      bool runtime = false;
      std::string site = FrameSite(line, &runtime);
      if (site.empty()) continue;  // "# labels: {…}"
      if (cur->site.empty()) cur->site = site;  // all-runtime stacks keep their first frame
      if (!runtime) {
        cur->site = site;
        have_site = true;
      }
      continue;
    }
    Scanner b(line);
    uint64_t n = 0;
    if (!b.Uint(&n) || !b.Literal(" @ ")) {
      ++p.skipped;
      cur = nullptr;
      continue;
    }
    std::string pcs(b.Rest());
    if (auto it = index.find(pcs); it != index.end()) {
      // The same stack under other labels: counted once, its site already known.
      p.buckets[it->second].count += n;
      cur = nullptr;
      continue;
    }
    if (p.buckets.size() >= kMaxBuckets) {
      ++p.skipped;
      cur = nullptr;
      continue;
    }
    index.emplace(pcs, p.buckets.size());
    p.buckets.push_back({n, std::move(pcs), ""});
    cur = &p.buckets.back();
    have_site = false;
  }
  return p;
}

void SetStackDiff(StackDiffFn fn) { g_stack_diff = fn ? fn : NoStackDiff; }
StackDiffFn GetStackDiff() { return g_stack_diff; }
bool HasStackDiff() { return g_stack_diff != NoStackDiff; }

}  // namespace godx::live
