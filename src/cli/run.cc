#include "cli/run.h"

#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/version.h"

namespace godx::cli {

namespace {

constexpr const char* kDescription =
    "godx diagnoses Go programs from the signals the Go runtime and compiler emit.\n"
    "Inputs are files, '-' for stdin; gzip and zstd are read transparently.\n"
    "Exit status: 0 ok, 1 a finding at or above --fail-on, 2 usage or input error.";

// The command list of `godx --help`: one line per command (the first line of its description);
// the whole description is on the command's own help page.
class CommandListFormatter : public CLI::Formatter {
 public:
  CommandListFormatter() { column_width(12); }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::string desc = sub->get_description();
    desc = desc.substr(0, desc.find('\n'));
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), desc, column_width_);
    return out.str();
  }
};

void AddHelpCommand(CLI::App& root, CommandContext& ctx) {
  auto* help = root.add_subcommand("help", "Show help for godx or for one command");
  auto topic = std::make_shared<std::string>();  // CLI11 binds the option to it
  help->add_option("command", *topic, "The command to explain");
  help->callback([&root, &ctx, topic] {
    // Through the formatter: App::help() would describe the selected subcommand, `help` itself.
    if (topic->empty()) {
      fmt::print("{}",
                 root.get_formatter()->make_help(&root, "godx", CLI::AppFormatMode::Normal));
      return;
    }
    for (auto* sub : root.get_subcommands({})) {
      if (sub->get_name() == *topic) {
        fmt::print("{}", sub->get_formatter()->make_help(sub, "godx " + *topic,
                                                         CLI::AppFormatMode::Normal));
        return;
      }
    }
    ctx.exit_code = PrintUsageError("help", fmt::format("no command '{}'", *topic));
  });
}

void AddVersionCommand(CLI::App& root, CommandContext&) {
  root.add_subcommand("version", "Print godx's version")->callback([] {
    fmt::print("godx {}\n", kVersion);
  });
}

// The command a failed parse was in ("escape diff"; "" for godx itself): CLI11 lists the
// subcommands it had parsed before the error.
std::string ParsedCommand(const CLI::App& root) {
  std::string path;
  const CLI::App* app = &root;
  while (true) {
    auto subs = app->get_subcommands();
    if (subs.empty()) break;
    app = subs.front();
    path += (path.empty() ? "" : " ") + app->get_name();
  }
  return path;
}

}  // namespace

int Run(int argc, char** argv) {
  // `godx pprof -top ...`: pprof's own flag syntax, which CLI11 cannot parse (single-dash long
  // flags); godx's own `godx pprof top --cum ...` still goes through CLI11 below.
  if (argc >= 2 && std::string_view(argv[1]) == "pprof") {
    std::vector<std::string> args(argv + 2, argv + argc);
    if (IsPprofFlagsCommandLine(args)) return RunPprofFlagsCommandLine(args);
  }
  CLI::App root(kDescription, "godx");
  root.set_version_flag("--version", std::string("godx ") + std::string(kVersion));
  root.require_subcommand(0, 1);
  root.fallthrough(false);
  CommandContext ctx;
  for (AddCommandFn add : Commands()) add(root, ctx);
  AddHelpCommand(root, ctx);
  AddVersionCommand(root, ctx);
  // Set after the commands were added: each keeps the default formatter for its own page.
  root.formatter(std::make_shared<CommandListFormatter>());
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    return PrintUsageError(ParsedCommand(root), e.what());
  }
  if (root.get_subcommands().empty()) {
    fmt::print(stderr, "{}", root.help());
    return kExitError;
  }
  return ctx.exit_code;
}

}  // namespace godx::cli
