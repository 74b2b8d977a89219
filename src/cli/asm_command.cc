// `godx asm`: panic sites (bounds, nil, divide, shift, type assertions, panic) per function and
// file from -gcflags=-S listings, go tool objdump and check_bce lines; `--at FUNC+0xOFF` names
// the check a traceback frame stopped in.
#include <fmt/format.h>

#include "cli/commands.h"
#include "compiler/asm_analyze.h"
#include "compiler/asm_reader.h"
#include "compiler/release.h"

namespace godx::cli {

void AddAsmCommand(CLI::App& root, CommandContext& ctx) {
  struct Args {
    std::vector<std::string> inputs;
    std::string at;
    std::string traceback;
    compiler::AsmOptions options;
    OutputOptions out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "asm",
      "Find the runtime checks compiled into Go code: calls to panicIndex/panicSlice*/\n"
      "panicBounds (bounds), panicdivide, panicshift, panicdottype* (type assertions), gopanic,\n"
      "implicit nil probes; and check_bce 'Found IsInBounds' lines. Reads go build -gcflags=-S,\n"
      "go tool compile -S and go tool objdump output. With --at, resolves a traceback frame\n"
      "(function and +0x offset, a return address) to the check that panicked. Bounds checks\n"
      "are named by kind (index, slice-acap, ...): from the entry point up to Go 1.25, from\n"
      "the PCDATA $4 before runtime.panicBounds in -S listings of Go 1.26+ (objdump lacks it).\n"
      "Examples:\n"
      "  go build -gcflags=-S . 2> listing.txt; godx asm listing.txt\n"
      "  go tool objdump -s '^main\\.' ./server > objdump.txt\n"
      "  godx asm --at 'main.main+0x3f6' objdump.txt\n"
      "  ./server 2> crash.txt; godx asm --traceback crash.txt objdump.txt");
  cmd->add_option("inputs", args->inputs, "Listings ('-' for stdin)")->required();
  cmd->add_option("--at", args->at,
                  "FUNCTION+0xOFFSET from a traceback ('main.(*T).get+0x33'): show that site");
  cmd->add_option("--traceback", args->traceback,
                  "A panic traceback or goroutine dump of the same binary: resolve every frame");
  cmd->add_option("--top", args->options.top, "Rows per table")->capture_default_str();
  cmd->add_flag("--include-runtime", args->options.include_runtime,
                "Count sites inside runtime functions too");
  AddOutputOptions(cmd, &args->out);
  cmd->callback([args, &ctx] {
    std::vector<compiler::TracebackFrame> frames;
    std::string trace_text;
    if (!args->traceback.empty()) {
      auto t = Input::Open(args->traceback, ToInputOptions(args->out));
      if (!t.ok()) {
        PrintError(t.status().message());
        ctx.exit_code = kExitError;
        return;
      }
      trace_text = std::string(t->data());
      frames = compiler::ParseTracebackFrames(trace_text);
      if (frames.empty()) {
        PrintError(args->traceback +
                   ": no traceback frames (a function line, then '\tFILE:LINE +0xOFFSET')");
        ctx.exit_code = kExitError;
        return;
      }
    }
    ctx.exit_code =
        RunPerInput(args->inputs, args->out,
                    [args, &frames, &trace_text](const Input& in,
                                                 const AnalyzeOptions& o) -> Result<Report> {
                      GODX_ASSIGN_OR_RETURN(compiler::Listing l, compiler::ReadListing(in));
                      if (!frames.empty())
                        return compiler::TracebackReport(l, frames, in.name(), args->traceback,
                                                         trace_text);
                      if (args->at.empty())
                        return compiler::AnalyzeListing(l, in.name(), args->options, o);
                      auto site = compiler::ResolveReturnAddress(l, args->at);
                      if (!site.ok())
                        return Status::Error(in.name() + ": " + site.status().message());
                      Report r = compiler::SiteReport(*site, in.name(), args->at);
                      SetGoRelease(r, compiler::InferListingRelease(l));
                      return r;
                    });
  });
}

}  // namespace godx::cli
