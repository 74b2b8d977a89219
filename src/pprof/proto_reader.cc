// profile.proto decoding. Two passes over the top-level message: the first collects the string
// table and views of each sub-message (Go writes the string table last, so nothing can be
// resolved on the way); the second decodes mappings, functions, locations and then samples,
// turning ids into dense indices. Nothing is copied but the interned strings.
#include <fmt/format.h>

#include <unordered_map>

#include "pprof/proto_wire.h"
#include "pprof/reader.h"

namespace godx::pprof {

namespace {

// Maps the ids a profile uses to dense indices: a vector when ids are small (Go numbers them
// 1..N), a hash map otherwise.
class IdIndex {
 public:
  explicit IdIndex(size_t count) : dense_limit_(count * 4 + 1024) {}
  // False when the id is 0 or already present.
  bool Add(uint64_t id, uint32_t index) {
    if (id == 0) return false;
    if (id < dense_limit_) {
      if (dense_.size() <= id) dense_.resize(id + 1, kNoIndex);
      if (dense_[id] != kNoIndex) return false;
      dense_[id] = index;
      return true;
    }
    return sparse_.emplace(id, index).second;
  }
  uint32_t Find(uint64_t id) const {
    if (id < dense_.size()) return dense_[id];
    if (id < dense_limit_) return kNoIndex;
    auto it = sparse_.find(id);
    return it == sparse_.end() ? kNoIndex : it->second;
  }

 private:
  uint64_t dense_limit_;
  std::vector<uint32_t> dense_;
  std::unordered_map<uint64_t, uint32_t> sparse_;
};

class ProtoDecoder {
 public:
  ProtoDecoder(std::string_view name, std::string_view data, const ReadOptions& options)
      : name_(name), data_(data), options_(options) {}

  Result<Profile> Decode() {
    GODX_RETURN_IF_ERROR(Collect());
    GODX_RETURN_IF_ERROR(Strings());
    GODX_RETURN_IF_ERROR(DecodeScalars());
    // Views are released as soon as they are decoded: peak memory is what matters on large
    // profiles (google/pprof#407).
    std::vector<std::string_view>().swap(table_);
    GODX_RETURN_IF_ERROR(DecodeMappings());
    std::vector<std::string_view>().swap(mappings_);
    GODX_RETURN_IF_ERROR(DecodeFunctions());
    std::vector<std::string_view>().swap(functions_);
    GODX_RETURN_IF_ERROR(DecodeLocations());
    std::vector<std::string_view>().swap(locations_);
    GODX_RETURN_IF_ERROR(DecodeSamples());
    return std::move(p_);
  }

 private:
  Status Error(std::string_view at, std::string_view what) const {
    size_t off = at.data() >= data_.data() && at.data() <= data_.data() + data_.size()
                     ? static_cast<size_t>(at.data() - data_.data())
                     : 0;
    return Status::Error(fmt::format("{}: byte {}: expected {} (profile.proto)", name_, off, what));
  }
  Status CursorError(const WireCursor& c, std::string_view msg, std::string_view in) const {
    return Error(msg.substr(std::min(c.offset(), msg.size())),
                 fmt::format("{} in {}", c.error(), in));
  }

  Status Collect() {
    WireCursor c(data_);
    Field f;
    while (c.Next(&f)) {
      auto want = [&](uint32_t wire, const char* what) -> Status {
        if (f.wire != wire) {
          return Error(data_.substr(c.offset()), fmt::format("{} for Profile field {}", what, f.number));
        }
        return Status::Ok();
      };
      switch (f.number) {
        case 1:
          GODX_RETURN_IF_ERROR(want(kBytes, "a ValueType message"));
          sample_types_.push_back(f.bytes);
          break;
        case 2:
          GODX_RETURN_IF_ERROR(want(kBytes, "a Sample message"));
          samples_.push_back(f.bytes);
          break;
        case 3:
          GODX_RETURN_IF_ERROR(want(kBytes, "a Mapping message"));
          mappings_.push_back(f.bytes);
          break;
        case 4:
          GODX_RETURN_IF_ERROR(want(kBytes, "a Location message"));
          locations_.push_back(f.bytes);
          break;
        case 5:
          GODX_RETURN_IF_ERROR(want(kBytes, "a Function message"));
          functions_.push_back(f.bytes);
          break;
        case 6:
          GODX_RETURN_IF_ERROR(want(kBytes, "a string"));
          table_.push_back(f.bytes);
          break;
        case 11:
          GODX_RETURN_IF_ERROR(want(kBytes, "a ValueType message"));
          period_type_ = f.bytes;
          has_period_type_ = true;
          break;
        case 13:
          if (!ForEachVarint(f, [&](uint64_t v) { comments_.push_back(v); })) {
            return Error(data_.substr(c.offset()), "packed comment string indices");
          }
          break;
        default:
          if (f.number <= 15 && f.number != 1) scalars_.push_back(f);
          break;  // unknown fields are skipped, as protobuf readers do
      }
    }
    if (c.failed()) return CursorError(c, data_, "Profile");
    if (samples_.size() > options_.max_samples) {
      return Status::Error(fmt::format("{}: {} samples is more than the cap of {}", name_,
                                       samples_.size(), options_.max_samples));
    }
    return Status::Ok();
  }

  Status Strings() {
    if (table_.empty() && (samples_.size() + functions_.size() + sample_types_.size()) > 0) {
      // Every field that names a string would point outside the table.
      table_.push_back("");
    }
    if (!table_.empty() && !table_[0].empty()) {
      return Error(table_[0], "string_table[0] to be the empty string");
    }
    ids_.reserve(table_.size());
    for (std::string_view s : table_) ids_.push_back(p_.strings.Intern(s));
    if (ids_.empty()) ids_.push_back(0);
    return Status::Ok();
  }

  // A string index from the input; false when outside the table.
  bool Str(uint64_t v, StringId* out) const {
    if (v >= ids_.size()) return false;
    *out = ids_[v];
    return true;
  }

  Status StrField(const Field& f, std::string_view at, StringId* out, const char* what) {
    if (f.wire != kVarint || !Str(f.varint, out)) {
      return Error(at, fmt::format("{} as an index into the {}-entry string table", what,
                                   ids_.size()));
    }
    return Status::Ok();
  }

  Status ValueTypeOf(std::string_view msg, ValueType* vt) {
    WireCursor c(msg);
    Field f;
    while (c.Next(&f)) {
      if (f.number == 1) GODX_RETURN_IF_ERROR(StrField(f, msg, &vt->type, "ValueType.type"));
      if (f.number == 2) GODX_RETURN_IF_ERROR(StrField(f, msg, &vt->unit, "ValueType.unit"));
    }
    if (c.failed()) return CursorError(c, msg, "ValueType");
    return Status::Ok();
  }

  Status DecodeScalars() {
    for (std::string_view m : sample_types_) {
      ValueType vt;
      GODX_RETURN_IF_ERROR(ValueTypeOf(m, &vt));
      p_.sample_types.push_back(vt);
    }
    if (has_period_type_) GODX_RETURN_IF_ERROR(ValueTypeOf(period_type_, &p_.period_type));
    for (uint64_t v : comments_) {
      StringId id;
      if (!Str(v, &id)) return Status::Error(fmt::format("{}: comment string index {} is outside the string table", name_, v));
      p_.comments.push_back(id);
    }
    for (const Field& f : scalars_) {
      if (f.wire != kVarint) continue;
      auto v = static_cast<int64_t>(f.varint);
      switch (f.number) {
        case 7:
          GODX_RETURN_IF_ERROR(StrField(f, data_, &p_.drop_frames, "drop_frames"));
          break;
        case 8:
          GODX_RETURN_IF_ERROR(StrField(f, data_, &p_.keep_frames, "keep_frames"));
          break;
        case 9:
          p_.time_nanos = v;
          break;
        case 10:
          p_.duration_nanos = v;
          break;
        case 12:
          p_.period = v;
          break;
        case 14:
          GODX_RETURN_IF_ERROR(StrField(f, data_, &p_.default_sample_type, "default_sample_type"));
          break;
        case 15:
          GODX_RETURN_IF_ERROR(StrField(f, data_, &p_.doc_url, "doc_url"));
          break;
        default:
          break;
      }
    }
    return Status::Ok();
  }

  Status DecodeMappings() {
    mapping_ids_ = IdIndex(mappings_.size());
    p_.mappings.reserve(mappings_.size());
    for (std::string_view msg : mappings_) {
      Mapping m;
      WireCursor c(msg);
      Field f;
      while (c.Next(&f)) {
        if (f.wire != kVarint) continue;
        switch (f.number) {
          case 1: m.id = f.varint; break;
          case 2: m.memory_start = f.varint; break;
          case 3: m.memory_limit = f.varint; break;
          case 4: m.file_offset = f.varint; break;
          case 5: GODX_RETURN_IF_ERROR(StrField(f, msg, &m.filename, "Mapping.filename")); break;
          case 6: GODX_RETURN_IF_ERROR(StrField(f, msg, &m.build_id, "Mapping.build_id")); break;
          case 7: m.has_functions = f.varint != 0; break;
          case 8: m.has_filenames = f.varint != 0; break;
          case 9: m.has_line_numbers = f.varint != 0; break;
          case 10: m.has_inline_frames = f.varint != 0; break;
          default: break;
        }
      }
      if (c.failed()) return CursorError(c, msg, "Mapping");
      if (!mapping_ids_.Add(m.id, static_cast<uint32_t>(p_.mappings.size()))) {
        return Error(msg, fmt::format("a unique non-zero Mapping.id (got {})", m.id));
      }
      p_.mappings.push_back(m);
    }
    return Status::Ok();
  }

  Status DecodeFunctions() {
    function_ids_ = IdIndex(functions_.size());
    p_.functions.reserve(functions_.size());
    for (std::string_view msg : functions_) {
      Function fn;
      WireCursor c(msg);
      Field f;
      while (c.Next(&f)) {
        if (f.wire != kVarint) continue;
        switch (f.number) {
          case 1: fn.id = f.varint; break;
          case 2: GODX_RETURN_IF_ERROR(StrField(f, msg, &fn.name, "Function.name")); break;
          case 3: GODX_RETURN_IF_ERROR(StrField(f, msg, &fn.system_name, "Function.system_name")); break;
          case 4: GODX_RETURN_IF_ERROR(StrField(f, msg, &fn.filename, "Function.filename")); break;
          case 5: fn.start_line = static_cast<int64_t>(f.varint); break;
          default: break;
        }
      }
      if (c.failed()) return CursorError(c, msg, "Function");
      if (!function_ids_.Add(fn.id, static_cast<uint32_t>(p_.functions.size()))) {
        return Error(msg, fmt::format("a unique non-zero Function.id (got {})", fn.id));
      }
      p_.functions.push_back(fn);
    }
    return Status::Ok();
  }

  Status DecodeLocations() {
    location_ids_ = IdIndex(locations_.size());
    p_.locations.reserve(locations_.size());
    p_.lines.reserve(locations_.size() + locations_.size() / 4);
    for (std::string_view msg : locations_) {
      Location loc;
      loc.line_begin = static_cast<uint32_t>(p_.lines.size());
      WireCursor c(msg);
      Field f;
      uint64_t mapping_id = 0;
      while (c.Next(&f)) {
        switch (f.number) {
          case 1: if (f.wire == kVarint) loc.id = f.varint; break;
          case 2: if (f.wire == kVarint) mapping_id = f.varint; break;
          case 3: if (f.wire == kVarint) loc.address = f.varint; break;
          case 5: if (f.wire == kVarint) loc.is_folded = f.varint != 0; break;
          case 4: {
            if (f.wire != kBytes) return Error(msg, "a Line message in Location.line");
            Line line;
            WireCursor lc(f.bytes);
            Field lf;
            uint64_t fid = 0;
            while (lc.Next(&lf)) {
              if (lf.wire != kVarint) continue;
              if (lf.number == 1) fid = lf.varint;
              if (lf.number == 2) line.line = static_cast<int64_t>(lf.varint);
              if (lf.number == 3) line.column = static_cast<int64_t>(lf.varint);
            }
            if (lc.failed()) return CursorError(lc, f.bytes, "Line");
            if (p_.lines.size() - loc.line_begin >= options_.max_lines_per_location) {
              return Error(f.bytes, fmt::format("at most {} Lines in a Location",
                                                options_.max_lines_per_location));
            }
            if (fid != 0) {
              line.function = function_ids_.Find(fid);
              if (line.function == kNoIndex) {
                return Error(f.bytes, fmt::format("Line.function_id {} to name a Function", fid));
              }
            }
            p_.lines.push_back(line);
            break;
          }
          default: break;
        }
      }
      if (c.failed()) return CursorError(c, msg, "Location");
      if (mapping_id != 0) {
        loc.mapping = mapping_ids_.Find(mapping_id);
        if (loc.mapping == kNoIndex) {
          return Error(msg, fmt::format("Location.mapping_id {} to name a Mapping", mapping_id));
        }
      }
      loc.line_count = static_cast<uint32_t>(p_.lines.size() - loc.line_begin);
      if (!location_ids_.Add(loc.id, static_cast<uint32_t>(p_.locations.size()))) {
        return Error(msg, fmt::format("a unique non-zero Location.id (got {})", loc.id));
      }
      p_.locations.push_back(loc);
    }
    return Status::Ok();
  }

  Status DecodeSamples() {
    const size_t nv = p_.sample_types.size();
    p_.stack_begin.reserve(samples_.size() + 1);
    // Count the stack entries first (one varint ends at each byte below 0x80) so the largest
    // array is allocated once, at its exact size.
    size_t entries = 0, nlabels = 0;
    for (std::string_view msg : samples_) {
      WireCursor c(msg);
      Field f;
      while (c.Next(&f)) {
        if (f.number == 1) {
          if (f.wire == kVarint) ++entries;
          if (f.wire == kBytes) {
            for (char b : f.bytes) entries += static_cast<unsigned char>(b) < 0x80;
          }
        } else if (f.number == 3) {
          ++nlabels;
        }
      }
    }
    p_.stack.reserve(entries);
    p_.labels.reserve(nlabels);
    p_.label_begin.reserve(samples_.size() + 1);
    p_.values.reserve(samples_.size() * nv);
    std::vector<int64_t> vals;
    for (std::string_view msg : samples_) {
      vals.clear();
      WireCursor c(msg);
      Field f;
      bool bad_loc = false;
      uint64_t bad_id = 0;
      while (c.Next(&f)) {
        switch (f.number) {
          case 1:
            if (!ForEachVarint(f, [&](uint64_t id) {
                  uint32_t idx = location_ids_.Find(id);
                  if (idx == kNoIndex && !bad_loc) {
                    bad_loc = true;
                    bad_id = id;
                  }
                  p_.stack.push_back(idx);
                })) {
              return Error(msg, "packed Sample.location_id varints");
            }
            break;
          case 2:
            if (!ForEachVarint(f, [&](uint64_t v) { vals.push_back(static_cast<int64_t>(v)); })) {
              return Error(msg, "packed Sample.value varints");
            }
            break;
          case 3: {
            if (f.wire != kBytes) return Error(msg, "a Label message in Sample.label");
            Label l;
            WireCursor lc(f.bytes);
            Field lf;
            while (lc.Next(&lf)) {
              if (lf.wire != kVarint) continue;
              if (lf.number == 1) GODX_RETURN_IF_ERROR(StrField(lf, f.bytes, &l.key, "Label.key"));
              if (lf.number == 2) GODX_RETURN_IF_ERROR(StrField(lf, f.bytes, &l.str, "Label.str"));
              if (lf.number == 3) l.num = static_cast<int64_t>(lf.varint);
              if (lf.number == 4) GODX_RETURN_IF_ERROR(StrField(lf, f.bytes, &l.num_unit, "Label.num_unit"));
            }
            if (lc.failed()) return CursorError(lc, f.bytes, "Label");
            p_.labels.push_back(l);
            break;
          }
          default: break;
        }
      }
      if (c.failed()) return CursorError(c, msg, "Sample");
      if (bad_loc) return Error(msg, fmt::format("Sample.location_id {} to name a Location", bad_id));
      if (vals.size() != nv) {
        return Error(msg, fmt::format("{} values in the Sample (one per sample_type), got {}", nv,
                                      vals.size()));
      }
      size_t depth = p_.stack.size() - p_.stack_begin.back();
      if (depth > options_.max_stack_depth) {
        return Error(msg, fmt::format("a stack of at most {} frames", options_.max_stack_depth));
      }
      if (p_.stack.size() > UINT32_MAX - 1 || p_.labels.size() > UINT32_MAX - 1) {
        return Error(msg, "fewer than 2^32 stack frames in all");
      }
      p_.stack_begin.push_back(static_cast<uint32_t>(p_.stack.size()));
      p_.label_begin.push_back(static_cast<uint32_t>(p_.labels.size()));
      p_.values.insert(p_.values.end(), vals.begin(), vals.end());
    }
    return Status::Ok();
  }

  std::string_view name_;
  std::string_view data_;
  const ReadOptions& options_;
  Profile p_;

  std::vector<std::string_view> sample_types_, samples_, mappings_, locations_, functions_, table_;
  std::string_view period_type_;
  bool has_period_type_ = false;
  std::vector<uint64_t> comments_;
  std::vector<Field> scalars_;
  std::vector<StringId> ids_;
  IdIndex mapping_ids_{0}, function_ids_{0}, location_ids_{0};
};

}  // namespace

Result<Profile> ReadProto(std::string_view name, std::string_view data,
                          const ReadOptions& options) {
  ProtoDecoder d(name, data, options);
  return d.Decode();
}

bool LooksLikeProto(std::string_view head) {
  if (head.empty()) return false;
  WireCursor c(head);
  Field f;
  int fields = 0;
  while (fields < 8 && c.Next(&f)) {
    if (f.number < 1 || f.number > 15) return false;
    bool bytes_field = f.number <= 6 || f.number == 11 || f.number == 13;
    if (bytes_field != (f.wire == kBytes) && !(f.number == 13 && f.wire == kVarint)) return false;
    ++fields;
  }
  // A head cut inside a long field ends the cursor with an error; what parsed so far counts.
  return fields >= 2 || (fields == 1 && !c.failed());
}

}  // namespace godx::pprof
