#include "cli/run.h"

#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/version.h"

namespace godx::cli {

namespace {

constexpr const char* kDescription =
    "godx diagnoses Go programs from the signals the Go runtime and compiler emit.\n"
    "Inputs are files, '-' for stdin; gzip and zstd are read transparently.\n"
    "Exit status: 0 ok, 1 a finding at or above --fail-on, 2 usage or input error.";

void AddHelpCommand(CLI::App& root, CommandContext& ctx) {
  auto* help = root.add_subcommand("help", "Show help for godx or for one command");
  auto topic = std::make_shared<std::string>();  // CLI11 binds the option to it
  help->add_option("command", *topic, "The command to explain");
  help->callback([&root, &ctx, topic] {
    // Through the formatter: App::help() would describe the selected subcommand, `help` itself.
    auto formatter = root.get_formatter();
    if (topic->empty()) {
      fmt::print("{}", formatter->make_help(&root, "godx", CLI::AppFormatMode::Normal));
      return;
    }
    for (auto* sub : root.get_subcommands({})) {
      if (sub->get_name() == *topic) {
        fmt::print("{}", formatter->make_help(sub, "godx " + *topic, CLI::AppFormatMode::Normal));
        return;
      }
    }
    fmt::print(stderr, "godx: no command '{}'; see 'godx help'\n", *topic);
    ctx.exit_code = kExitError;
  });
}

void AddVersionCommand(CLI::App& root, CommandContext&) {
  root.add_subcommand("version", "Print godx's version")->callback([] {
    fmt::print("godx {}\n", kVersion);
  });
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App root(kDescription, "godx");
  root.set_version_flag("--version", std::string("godx ") + std::string(kVersion));
  root.require_subcommand(0, 1);
  root.fallthrough(false);
  CommandContext ctx;
  for (AddCommandFn add : Commands()) add(root, ctx);
  AddHelpCommand(root, ctx);
  AddVersionCommand(root, ctx);
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    fmt::print(stderr, "godx: {}; see 'godx help'\n", msg);
    return kExitError;
  }
  if (root.get_subcommands().empty()) {
    fmt::print(stderr, "{}", root.help());
    return kExitError;
  }
  return ctx.exit_code;
}

}  // namespace godx::cli
