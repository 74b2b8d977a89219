#include "pprof/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace godx::pprof {

namespace {

template <typename T>
void PutRaw(std::string* key, const T& v) {
  key->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

}  // namespace

struct Merger::State {
  Profile out;
  bool first = true;
  std::unordered_map<std::string, uint32_t> functions, locations, mappings, samples;
  std::string key;
  StringId base_key = 0, true_val = 0;
};

Merger::Merger() : s_(std::make_unique<State>()) {}
Merger::~Merger() = default;

Status Merger::Add(const Profile& p, std::string_view name, int64_t scale, bool mark_base) {
  State& s = *s_;
  Profile& o = s.out;
  auto str = [&](StringId id) { return o.strings.Intern(p.Str(id)); };
  if (s.first) {
    for (const ValueType& vt : p.sample_types) o.sample_types.push_back({str(vt.type), str(vt.unit)});
    o.period_type = {str(p.period_type.type), str(p.period_type.unit)};
    o.period = p.period;
    o.time_nanos = p.time_nanos;
    o.drop_frames = str(p.drop_frames);
    o.keep_frames = str(p.keep_frames);
    o.default_sample_type = str(p.default_sample_type);
    o.doc_url = str(p.doc_url);
    for (StringId c : p.comments) o.comments.push_back(str(c));
    o.format = p.format;
    s.base_key = o.strings.Intern("pprof::base");
    s.true_val = o.strings.Intern("true");
    s.first = false;
  } else {
    bool same = p.sample_types.size() == o.sample_types.size();
    for (size_t i = 0; same && i < p.sample_types.size(); ++i) {
      same = p.Str(p.sample_types[i].type) == o.Str(o.sample_types[i].type) &&
             p.Str(p.sample_types[i].unit) == o.Str(o.sample_types[i].unit);
    }
    if (!same) {
      auto list = [](const Profile& q) {
        std::string r;
        for (const ValueType& vt : q.sample_types) {
          if (!r.empty()) r += ", ";
          r += fmt::format("{}/{}", q.Str(vt.type), q.Str(vt.unit));
        }
        return r;
      };
      return Status::Error(fmt::format(
          "{}: sample types [{}] differ from the first profile's [{}]; profiles of different "
          "kinds cannot be merged",
          name, list(p), list(o)));
    }
    o.period = std::max(o.period, p.period);
    if (p.time_nanos != 0 && (o.time_nanos == 0 || p.time_nanos < o.time_nanos)) {
      o.time_nanos = p.time_nanos;
    }
  }
  o.duration_nanos += p.duration_nanos;

  std::vector<uint32_t> map_m(p.mappings.size()), map_f(p.functions.size()),
      map_l(p.locations.size());
  std::string& key = s.key;
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    Mapping m = p.mappings[i];
    m.filename = str(m.filename);
    m.build_id = str(m.build_id);
    key.clear();
    PutRaw(&key, m.memory_start);
    PutRaw(&key, m.memory_limit);
    PutRaw(&key, m.file_offset);
    PutRaw(&key, m.filename);
    PutRaw(&key, m.build_id);
    auto [it, fresh] = s.mappings.emplace(key, static_cast<uint32_t>(o.mappings.size()));
    if (fresh) {
      m.id = o.mappings.size() + 1;
      o.mappings.push_back(m);
    }
    map_m[i] = it->second;
  }
  for (size_t i = 0; i < p.functions.size(); ++i) {
    Function f = p.functions[i];
    f.name = str(f.name);
    f.system_name = str(f.system_name);
    f.filename = str(f.filename);
    key.clear();
    PutRaw(&key, f.name);
    PutRaw(&key, f.system_name);
    PutRaw(&key, f.filename);
    PutRaw(&key, f.start_line);
    auto [it, fresh] = s.functions.emplace(key, static_cast<uint32_t>(o.functions.size()));
    if (fresh) {
      f.id = o.functions.size() + 1;
      o.functions.push_back(f);
    }
    map_f[i] = it->second;
  }
  for (size_t i = 0; i < p.locations.size(); ++i) {
    const Location& l = p.locations[i];
    uint32_t mapping = l.mapping == kNoIndex ? kNoIndex : map_m[l.mapping];
    key.clear();
    PutRaw(&key, mapping);
    PutRaw(&key, l.address);
    PutRaw(&key, l.is_folded);
    for (const Line& ln : p.LinesOf(l)) {
      uint32_t fn = ln.function == kNoIndex ? kNoIndex : map_f[ln.function];
      PutRaw(&key, fn);
      PutRaw(&key, ln.line);
      PutRaw(&key, ln.column);
    }
    auto [it, fresh] = s.locations.emplace(key, static_cast<uint32_t>(o.locations.size()));
    if (fresh) {
      Location nl = l;
      nl.id = o.locations.size() + 1;
      nl.mapping = mapping;
      nl.line_begin = static_cast<uint32_t>(o.lines.size());
      for (const Line& ln : p.LinesOf(l)) {
        Line c = ln;
        if (c.function != kNoIndex) c.function = map_f[c.function];
        o.lines.push_back(c);
      }
      o.locations.push_back(nl);
    }
    map_l[i] = it->second;
  }
  std::vector<uint32_t> stack;
  std::vector<Label> labels;
  const size_t nv = o.num_values();
  for (size_t i = 0; i < p.num_samples(); ++i) {
    stack.clear();
    for (uint32_t li : p.Stack(i)) stack.push_back(map_l[li]);
    labels.clear();
    for (const Label& l : p.Labels(i)) {
      labels.push_back({str(l.key), str(l.str), l.num, str(l.num_unit)});
    }
    if (mark_base) labels.push_back({s.base_key, s.true_val, 0, 0});
    // Labels are compared as a set: sort them for the key.
    std::sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) {
      if (a.key != b.key) return a.key < b.key;
      if (a.str != b.str) return a.str < b.str;
      if (a.num != b.num) return a.num < b.num;
      return a.num_unit < b.num_unit;
    });
    key.clear();
    PutRaw(&key, static_cast<uint32_t>(stack.size()));
    key.append(reinterpret_cast<const char*>(stack.data()), stack.size() * sizeof(uint32_t));
    for (const Label& l : labels) {
      PutRaw(&key, l.key);
      PutRaw(&key, l.str);
      PutRaw(&key, l.num);
      PutRaw(&key, l.num_unit);
    }
    auto vals = p.Values(i);
    auto [it, fresh] = s.samples.emplace(key, static_cast<uint32_t>(o.num_samples()));
    if (fresh) {
      std::vector<int64_t> scaled(vals.begin(), vals.end());
      for (int64_t& v : scaled) v *= scale;
      o.AddSample(stack, scaled, labels);
    } else {
      auto dst = o.MutableValues(it->second);
      for (size_t k = 0; k < nv; ++k) dst[k] += vals[k] * scale;
    }
  }
  for (const std::string& n : p.notes) o.notes.push_back(fmt::format("{}: {}", name, n));
  return Status::Ok();
}

Profile Merger::Finish() { return std::move(s_->out); }

Result<Profile> MergeProfiles(const std::vector<const Profile*>& profiles,
                              const std::vector<std::string>& names) {
  Merger m;
  for (size_t i = 0; i < profiles.size(); ++i) {
    GODX_RETURN_IF_ERROR(m.Add(*profiles[i], i < names.size() ? names[i] : "profile"));
  }
  return m.Finish();
}

}  // namespace godx::pprof
