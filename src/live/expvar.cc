#include "live/expvar.h"

#include <fmt/format.h>

#include "core/report.h"

namespace godx::live {

Result<Expvars> ParseExpvars(std::string_view text, const std::string& name) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Error(
        fmt::format("{}: expected the JSON object /debug/vars serves (expvar), got '{}'", name,
                    std::string(text.substr(0, std::min<size_t>(text.find('\n'), 40)))));
  }
  Expvars v;
  if (auto it = j.find("cmdline"); it != j.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string() && v.cmdline.size() < 4096) v.cmdline.push_back(a.get<std::string>());
    }
  }
  auto it = j.find("memstats");
  if (it == j.end() || !it->is_object()) return v;
  const Json& m = *it;
  ExpvarMemStats& s = v.memstats;
  s.present = true;
  auto get = [&](const char* key, int64_t* out) {
    auto f = m.find(key);
    if (f != m.end() && f->is_number()) {
      double d = f->get<double>();
      *out = d < 0 || d > 9.2e18 ? -1 : static_cast<int64_t>(d);
    }
  };
  get("HeapAlloc", &s.heap_alloc);
  get("HeapSys", &s.heap_sys);
  get("HeapIdle", &s.heap_idle);
  get("HeapInuse", &s.heap_inuse);
  get("HeapReleased", &s.heap_released);
  get("HeapObjects", &s.heap_objects);
  get("StackInuse", &s.stack_inuse);
  get("StackSys", &s.stack_sys);
  get("MSpanSys", &s.mspan_sys);
  get("MCacheSys", &s.mcache_sys);
  get("BuckHashSys", &s.buck_hash_sys);
  get("GCSys", &s.gc_sys);
  get("OtherSys", &s.other_sys);
  get("Sys", &s.sys);
  get("NextGC", &s.next_gc);
  get("NumGC", &s.num_gc);
  get("NumForcedGC", &s.num_forced_gc);
  get("PauseTotalNs", &s.pause_total_ns);
  get("TotalAlloc", &s.total_alloc);
  get("Mallocs", &s.mallocs);
  if (auto f = m.find("GCCPUFraction"); f != m.end() && f->is_number()) {
    s.gc_cpu_fraction = f->get<double>();
  }
  return v;
}

int64_t GoResidentBound(const ExpvarMemStats& m) {
  if (m.sys < 0) return -1;
  return m.sys - std::max<int64_t>(0, std::min(m.heap_released, m.sys));
}

}  // namespace godx::live
