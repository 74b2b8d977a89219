#include "core/dispatch.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/text.h"

namespace godx {

std::string SignalNames(std::span<const Signal> table) {
  std::string out;
  for (const Signal& s : table) {
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

std::string QuoteHead(std::string_view head, size_t max) {
  std::string out = "\"";
  for (unsigned char c : head.substr(0, max)) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c >= 0x20 && c < 0x7f)
          out += static_cast<char>(c);
        else
          out += fmt::format("\\x{:02x}", c);
    }
  }
  out += '"';
  if (head.size() > max) out += "...";
  return out;
}

SignalResults AnalyzeBySignals(std::span<const Signal> table, const Input& input,
                               const AnalyzeOptions& options) {
  SignalResults out;
  if (input.data().empty()) {
    out.errors.push_back(fmt::format("{}: empty input, nothing to analyse", input.name()));
    return out;
  }
  std::string_view head = input.data().substr(0, 1 << 20);
  auto matched = SignalsFor(table, head);
  if (matched.empty()) {
    bool binary = LooksBinary(head);
    out.errors.push_back(fmt::format(
        "{}: not a signal godx reads: {} data starting {} (expected one of: {}; see 'godx "
        "analyze --help')",
        input.name(), binary ? "binary" : "text",
        binary ? QuoteHead(head, 16) : QuoteHead(FirstLine(head, 200), 40), SignalNames(table)));
    return out;
  }
  for (const Signal* s : matched) {
    auto report = s->analyze(input, options);
    if (!report.ok()) {
      out.errors.push_back(report.status().message());
      continue;
    }
    if (!input.cut_note().empty()) report->warnings.push_back(input.cut_note());
    out.reports.push_back(std::move(report).value());
  }
  return out;
}

namespace {

// The first signal of the table that claims `dir` whole, or null.
const Signal* DirSignal(std::span<const Signal> table, const std::string& dir) {
  for (const Signal& s : table) {
    if (s.claims_dir != nullptr && s.analyze_dir != nullptr && s.claims_dir(dir)) return &s;
  }
  return nullptr;
}

void RunDirSignal(const Signal& s, const std::string& dir, const AnalyzeOptions& options,
                  SignalResults* out) {
  auto report = s.analyze_dir(dir, options);
  if (report.ok())
    out->reports.push_back(std::move(report).value());
  else
    out->errors.push_back(report.status().message());
}

}  // namespace

SignalResults AnalyzeDirBySignals(std::span<const Signal> table, const std::string& dir,
                                  const InputOptions& input_options,
                                  const AnalyzeOptions& options) {
  namespace fs = std::filesystem;
  SignalResults out;
  if (const Signal* s = DirSignal(table, dir)) {
    RunDirSignal(*s, dir, options, &out);
    return out;
  }
  // Collect first, then analyse in name order: the report order must not depend on the order
  // the file system lists entries in.
  std::vector<fs::path> files, claimed_dirs;
  std::error_code ec;
  size_t looked_at = 0;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied,
                                                  ec);
       !ec && it != fs::end(it); it.increment(ec)) {
    if (++looked_at > kMaxDirFiles) {
      out.errors.push_back(fmt::format(
          "{}: more than {} entries; pass the files or a smaller directory", dir, kMaxDirFiles));
      return out;
    }
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      if (DirSignal(table, it->path().string()) != nullptr) {
        claimed_dirs.push_back(it->path());
        it.disable_recursion_pending();
      }
    } else if (it->is_regular_file(type_ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    out.errors.push_back(fmt::format("{}: {}", dir, ec.message()));
    return out;
  }
  std::sort(files.begin(), files.end());
  std::sort(claimed_dirs.begin(), claimed_dirs.end());
  for (const auto& d : claimed_dirs) RunDirSignal(*DirSignal(table, d.string()), d.string(), options, &out);
  for (const auto& f : files) {
    auto input = Input::Open(f.string(), input_options);
    if (!input.ok()) {
      out.errors.push_back(input.status().message());
      continue;
    }
    if (input->data().empty() || SignalsFor(table, input->data().substr(0, 1 << 20)).empty()) {
      out.skipped.push_back(f.string());
      continue;
    }
    SignalResults one = AnalyzeBySignals(table, *input, options);
    for (auto& r : one.reports) out.reports.push_back(std::move(r));
    for (auto& e : one.errors) out.errors.push_back(std::move(e));
  }
  if (out.reports.empty() && out.errors.empty()) {
    out.errors.push_back(fmt::format(
        "{}: no file in it is a signal godx reads ({} looked at; expected one of: {})", dir,
        files.size(), SignalNames(table)));
  }
  return out;
}

}  // namespace godx
