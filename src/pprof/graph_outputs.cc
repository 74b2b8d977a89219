#include "pprof/graph_outputs.h"

#include "pprof/callgrind.h"
#include "pprof/dot.h"
#include "pprof/topproto.h"
#include "pprof/writer.h"

namespace godx::pprof {

bool IsGraphOutput(OutputFormat f) {
  switch (f) {
    case OutputFormat::kDot:
    case OutputFormat::kSvg:
    case OutputFormat::kPng:
    case OutputFormat::kPdf:
    case OutputFormat::kPs:
    case OutputFormat::kGif:
    case OutputFormat::kEps:
    case OutputFormat::kCallgrind:
    case OutputFormat::kKcachegrind:
    case OutputFormat::kTopproto:
    case OutputFormat::kProto:
      return true;
    default:
      return false;
  }
}

Result<std::string> GenerateGraphOutput(Profile& p, ReportContext& ctx) {
  switch (ctx.options.format) {
    case OutputFormat::kDot: return Dot(p, ctx);
    case OutputFormat::kSvg: return RenderDot(Dot(p, ctx), "svg");
    case OutputFormat::kPng: return RenderDot(Dot(p, ctx), "png");
    case OutputFormat::kPdf: return RenderDot(Dot(p, ctx), "pdf");
    case OutputFormat::kPs: return RenderDot(Dot(p, ctx), "ps");
    case OutputFormat::kGif: return RenderDot(Dot(p, ctx), "gif");
    case OutputFormat::kEps: return RenderDot(Dot(p, ctx), "eps");
    case OutputFormat::kCallgrind:
    case OutputFormat::kKcachegrind: return Callgrind(p, ctx);
    case OutputFormat::kTopproto: return TopProto(p, ctx);
    case OutputFormat::kProto: {
      // pprof's printProto scales every value by 1/-divide_by.
      if (ctx.ratio > 0 && ctx.ratio != 1) {
        for (int64_t& v : p.values) v = static_cast<int64_t>(static_cast<double>(v) * ctx.ratio);
      }
      return EncodeProfileFile(p);
    }
    default: return Status::Error("not a graph output");
  }
}

}  // namespace godx::pprof
