#include "pprof/writer.h"

#include <zlib.h>

#include "pprof/proto_wire.h"

namespace godx::pprof {

namespace {

void ValueTypeMsg(WireWriter& w, uint32_t field, const ValueType& vt, std::string* scratch) {
  scratch->clear();
  WireWriter s(scratch);
  s.Uint(1, vt.type);
  s.Uint(2, vt.unit);
  w.Bytes(field, *scratch);
}

}  // namespace

std::string EncodeProto(const Profile& p) {
  std::string out, msg, packed;
  out.reserve(p.stack.size() * 3 + p.values.size() * 4 + p.locations.size() * 16 + (1 << 16));
  WireWriter w(&out);
  for (const ValueType& vt : p.sample_types) ValueTypeMsg(w, 1, vt, &msg);
  for (size_t i = 0; i < p.num_samples(); ++i) {
    msg.clear();
    WireWriter m(&msg);
    auto st = p.Stack(i);
    if (!st.empty()) {
      packed.clear();
      WireWriter pk(&packed);
      for (uint32_t li : st) pk.Varint(uint64_t{li} + 1);
      m.Bytes(1, packed);
    }
    auto v = p.Values(i);
    if (!v.empty()) {
      packed.clear();
      WireWriter pk(&packed);
      for (int64_t x : v) pk.Varint(static_cast<uint64_t>(x));
      m.Bytes(2, packed);
    }
    for (const Label& l : p.Labels(i)) {
      packed.clear();
      WireWriter lw(&packed);
      lw.Uint(1, l.key);
      lw.Uint(2, l.str);
      lw.Int(3, l.num);
      lw.Uint(4, l.num_unit);
      m.Bytes(3, packed);
    }
    w.Bytes(2, msg);
  }
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    const Mapping& mp = p.mappings[i];
    msg.clear();
    WireWriter m(&msg);
    m.Uint(1, i + 1);
    m.Uint(2, mp.memory_start);
    m.Uint(3, mp.memory_limit);
    m.Uint(4, mp.file_offset);
    m.Uint(5, mp.filename);
    m.Uint(6, mp.build_id);
    m.Bool(7, mp.has_functions);
    m.Bool(8, mp.has_filenames);
    m.Bool(9, mp.has_line_numbers);
    m.Bool(10, mp.has_inline_frames);
    w.Bytes(3, msg);
  }
  for (size_t i = 0; i < p.locations.size(); ++i) {
    const Location& loc = p.locations[i];
    msg.clear();
    WireWriter m(&msg);
    m.Uint(1, i + 1);
    if (loc.mapping != kNoIndex) m.Uint(2, uint64_t{loc.mapping} + 1);
    m.Uint(3, loc.address);
    for (const Line& ln : p.LinesOf(loc)) {
      packed.clear();
      WireWriter lw(&packed);
      if (ln.function != kNoIndex) lw.Uint(1, uint64_t{ln.function} + 1);
      lw.Int(2, ln.line);
      lw.Int(3, ln.column);
      m.Bytes(4, packed);
    }
    m.Bool(5, loc.is_folded);
    w.Bytes(4, msg);
  }
  for (size_t i = 0; i < p.functions.size(); ++i) {
    const Function& f = p.functions[i];
    msg.clear();
    WireWriter m(&msg);
    m.Uint(1, i + 1);
    m.Uint(2, f.name);
    m.Uint(3, f.system_name);
    m.Uint(4, f.filename);
    m.Int(5, f.start_line);
    w.Bytes(5, msg);
  }
  for (size_t i = 0; i < p.strings.size(); ++i) w.Bytes(6, p.strings.Get(static_cast<StringId>(i)));
  w.Uint(7, p.drop_frames);
  w.Uint(8, p.keep_frames);
  w.Int(9, p.time_nanos);
  w.Int(10, p.duration_nanos);
  if (p.period_type.type != 0 || p.period_type.unit != 0) ValueTypeMsg(w, 11, p.period_type, &msg);
  w.Int(12, p.period);
  if (!p.comments.empty()) {
    packed.clear();
    WireWriter pk(&packed);
    for (StringId c : p.comments) pk.Varint(c);
    w.Bytes(13, packed);
  }
  w.Uint(14, p.default_sample_type);
  w.Uint(15, p.doc_url);
  return out;
}

Result<std::string> Gzip(std::string_view raw, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Error("gzip: cannot initialise zlib");
  }
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(raw.size())) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t n = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::Error("gzip: compression failed");
  out.resize(n);
  return out;
}

Result<std::string> EncodeProfileFile(const Profile& p) { return Gzip(EncodeProto(p)); }

}  // namespace godx::pprof
