#include "pprof/builder.h"

namespace godx::pprof {

namespace {

template <typename T>
void Put(std::string* key, const T& v) {
  key->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

}  // namespace

ProfileBuilder::ProfileBuilder(std::span<const Type> sample_types, Type period_type, int64_t period) {
  for (const Type& t : sample_types) {
    p_.sample_types.push_back({p_.strings.Intern(t.type), p_.strings.Intern(t.unit)});
  }
  p_.period_type = {p_.strings.Intern(period_type.type), p_.strings.Intern(period_type.unit)};
  p_.period = period;
}

uint32_t ProfileBuilder::Frame(std::string_view function, std::string_view file, int64_t line) {
  StringId name = p_.strings.Intern(function), fname = p_.strings.Intern(file);
  key_.clear();
  Put(&key_, name);
  Put(&key_, fname);
  auto [fit, fresh_fn] = functions_.emplace(key_, static_cast<uint32_t>(p_.functions.size()));
  if (fresh_fn) p_.functions.push_back({p_.functions.size() + 1, name, name, fname, 0});
  uint32_t fn = fit->second;
  key_.clear();
  Put(&key_, fn);
  Put(&key_, line);
  auto [lit, fresh_loc] = frames_.emplace(key_, static_cast<uint32_t>(p_.locations.size()));
  if (fresh_loc) {
    Location loc;
    loc.id = p_.locations.size() + 1;
    loc.line_begin = static_cast<uint32_t>(p_.lines.size());
    loc.line_count = 1;
    p_.lines.push_back({fn, line, 0});
    p_.locations.push_back(loc);
  }
  return lit->second;
}

void ProfileBuilder::Sample(std::span<const uint32_t> stack, std::span<const int64_t> values,
                            std::span<const StringLabel> labels) {
  std::vector<Label> lbls;
  for (const StringLabel& l : labels) {
    lbls.push_back({p_.strings.Intern(l.key), p_.strings.Intern(l.value), 0, 0});
  }
  key_.clear();
  Put(&key_, stack.size());
  for (uint32_t s : stack) Put(&key_, s);
  for (const Label& l : lbls) {
    Put(&key_, l.key);
    Put(&key_, l.str);
  }
  auto [it, fresh] = samples_.emplace(key_, static_cast<uint32_t>(p_.num_samples()));
  if (fresh) {
    std::vector<int64_t> v(values.begin(), values.end());
    v.resize(p_.num_values(), 0);
    p_.AddSample(stack, v, lbls);
  } else {
    auto dst = p_.MutableValues(it->second);
    for (size_t k = 0; k < dst.size() && k < values.size(); ++k) dst[k] += values[k];
  }
}

void ProfileBuilder::SetDuration(int64_t time_nanos, int64_t duration_nanos) {
  p_.time_nanos = time_nanos;
  p_.duration_nanos = duration_nanos;
}

void ProfileBuilder::SetDefaultSampleType(std::string_view type) {
  p_.default_sample_type = p_.strings.Intern(type);
}

Profile ProfileBuilder::Finish() { return std::move(p_); }

}  // namespace godx::pprof
