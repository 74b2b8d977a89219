#include "pprof/topproto.h"

#include <unordered_map>

#include "pprof/callgraph.h"
#include "pprof/measurement.h"
#include "pprof/writer.h"

namespace godx::pprof {

Profile TopProfile(const Profile& p, ReportContext& ctx) {
  TrimmedGraph tg = NewTrimmedGraph(p, ctx);
  const Graph& g = *tg.graph;
  SelectOutputUnit(g, &ctx);

  Profile out;
  StringId u = out.strings.Intern(ctx.output_unit);
  out.sample_types = {{out.strings.Intern("cum"), u}, {out.strings.Intern("flat"), u}};
  out.time_nanos = p.time_nanos;
  out.duration_nanos = p.duration_nanos;
  out.period_type = {out.strings.Intern(p.Str(p.period_type.type)), out.strings.Intern(p.Str(p.period_type.unit))};
  out.period = p.period;
  // One function per (name, system name, file, start line), as pprof's functionMap.
  std::unordered_map<std::string, uint32_t> fn_index;
  for (const GraphNode* n : g.nodes) {
    const NodeInfo& info = n->info;
    std::string key = std::string(info.name) + '\0' + std::string(info.orig_name) + '\0' +
                      std::string(info.file) + '\0' + std::to_string(info.start_line);
    auto [it, added] = fn_index.emplace(key, static_cast<uint32_t>(out.functions.size()));
    if (added) {
      Function f;
      f.id = out.functions.size() + 1;
      f.name = out.strings.Intern(info.name);
      f.system_name = out.strings.Intern(info.orig_name);
      f.filename = out.strings.Intern(info.file);
      f.start_line = info.start_line;
      out.functions.push_back(f);
    }
    Location loc;
    loc.id = out.locations.size() + 1;
    loc.address = info.address;
    loc.line_begin = static_cast<uint32_t>(out.lines.size());
    loc.line_count = 1;
    out.lines.push_back(Line{it->second, info.lineno, info.columnno});
    auto li = static_cast<uint32_t>(out.locations.size());
    out.locations.push_back(loc);
    int64_t vals[2] = {
        static_cast<int64_t>(measurement::Scale(n->CumValue(), ctx.sample_unit, ctx.output_unit).value),
        static_cast<int64_t>(measurement::Scale(n->FlatValue(), ctx.sample_unit, ctx.output_unit).value)};
    out.AddSample(std::span<const uint32_t>(&li, 1), vals);
  }
  return out;
}

Result<std::string> TopProto(const Profile& p, ReportContext& ctx) {
  return EncodeProfileFile(TopProfile(p, ctx));
}

}  // namespace godx::pprof
