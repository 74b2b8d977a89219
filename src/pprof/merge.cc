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

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

// Open-addressing set of indices into the merged profile: entries are compared against the
// profile's own arrays, so no key is stored twice (with a million distinct samples, string keys
// cost more memory than the samples themselves).
class IndexSet {
 public:
  // Returns the index equal to the candidate (per `eq`), or inserts `fresh` and returns it.
  template <typename Eq>
  uint32_t FindOrInsert(uint64_t hash, uint32_t fresh, Eq&& eq) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      uint32_t s = slots_[i];
      if (s == 0) {
        slots_[i] = fresh + 1;
        if (hashes_.size() <= fresh) hashes_.resize(fresh + 1);
        hashes_[fresh] = hash;
        ++count_;
        return fresh;
      }
      if (hashes_[s - 1] == hash && eq(s - 1)) return s - 1;
    }
  }

 private:
  void Grow() {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    size_t mask = slots_.size() - 1;
    for (uint32_t s : old) {
      if (s == 0) continue;
      size_t i = hashes_[s - 1] & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<uint32_t> slots_;
  std::vector<uint64_t> hashes_;  // by index
  size_t count_ = 0;
};

}  // namespace

struct Merger::State {
  Profile out;
  bool first = true;
  std::unordered_map<std::string, uint32_t> functions, mappings;
  IndexSet locations, samples;
  std::string key;
  StringId base_key = 0, true_val = 0;
  std::vector<Line> scratch_lines;
  std::vector<int64_t> scaled;
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
    auto& lines = s.scratch_lines;
    lines.clear();
    uint64_t h = Mix(Mix(Mix(0, mapping), l.address), l.is_folded);
    for (const Line& ln : p.LinesOf(l)) {
      Line c = ln;
      if (c.function != kNoIndex) c.function = map_f[c.function];
      lines.push_back(c);
      h = Mix(Mix(Mix(h, c.function), static_cast<uint64_t>(c.line)), static_cast<uint64_t>(c.column));
    }
    auto fresh = static_cast<uint32_t>(o.locations.size());
    uint32_t idx = s.locations.FindOrInsert(h, fresh, [&](uint32_t cand) {
      const Location& c = o.locations[cand];
      if (c.mapping != mapping || c.address != l.address || c.is_folded != l.is_folded ||
          c.line_count != lines.size()) {
        return false;
      }
      auto cl = o.LinesOf(c);
      for (size_t k = 0; k < lines.size(); ++k) {
        if (cl[k].function != lines[k].function || cl[k].line != lines[k].line ||
            cl[k].column != lines[k].column) {
          return false;
        }
      }
      return true;
    });
    if (idx == fresh) {
      Location nl = l;
      nl.id = o.locations.size() + 1;
      nl.mapping = mapping;
      nl.line_begin = static_cast<uint32_t>(o.lines.size());
      o.lines.insert(o.lines.end(), lines.begin(), lines.end());
      o.locations.push_back(nl);
    }
    map_l[i] = idx;
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
    uint64_t h = Mix(0, stack.size());
    for (uint32_t li : stack) h = Mix(h, li);
    for (const Label& l : labels) {
      h = Mix(Mix(Mix(Mix(h, l.key), l.str), static_cast<uint64_t>(l.num)), l.num_unit);
    }
    auto vals = p.Values(i);
    auto fresh = static_cast<uint32_t>(o.num_samples());
    uint32_t idx = s.samples.FindOrInsert(h, fresh, [&](uint32_t cand) {
      auto cs = o.Stack(cand);
      auto cl = o.Labels(cand);
      if (cs.size() != stack.size() || cl.size() != labels.size()) return false;
      if (!std::equal(cs.begin(), cs.end(), stack.begin())) return false;
      for (size_t k = 0; k < labels.size(); ++k) {
        if (cl[k].key != labels[k].key || cl[k].str != labels[k].str || cl[k].num != labels[k].num ||
            cl[k].num_unit != labels[k].num_unit) {
          return false;
        }
      }
      return true;
    });
    if (idx == fresh) {
      std::vector<int64_t>& scaled = s.scaled;
      scaled.assign(vals.begin(), vals.end());
      for (int64_t& v : scaled) v *= scale;
      o.AddSample(stack, scaled, labels);
    } else {
      auto dst = o.MutableValues(idx);
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
