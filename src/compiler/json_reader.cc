// The -gcflags=-json=0,DIR form: DIR/<PathEscape(import path)>/<file>.json, each a header line
// then one LSP diagnostic per line. Not a hot path (a package's files are small), so lines are
// parsed with nlohmann::json.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "compiler/lsp_line.h"
#include "compiler/messages.h"
#include "compiler/reader.h"
#include "core/line_cursor.h"
#include "core/text.h"

namespace godx::compiler {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kFuncLiteral = "func literal";
constexpr size_t kMaxSourceBytes = 16 << 20;
constexpr size_t kMaxJsonFiles = 100000;
// Sources read to name functions; past this, functions are named by position.
constexpr uint64_t kMaxTotalSourceBytes = uint64_t{512} << 20;

std::string PathUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// -json names no function in canInlineFunction/cannotInlineFunction: read it from the source
// when the file is on this machine ("func Name", "func (r *T) Name" → "(*T).Name"), else name
// the position.
class SourceNames {
 public:
  std::string At(const std::string& path, uint32_t line, uint32_t col) {
    auto it = files_.find(path);
    if (it == files_.end()) {
      // Filled in place: map nodes do not move, so the line views stay valid.
      it = files_.emplace(path, File{}).first;
      File& f = it->second;
      std::error_code ec;
      // Only regular files: a header naming /dev/zero must not read forever.
      bool regular = std::filesystem::is_regular_file(path, ec);
      auto size = regular ? std::filesystem::file_size(path, ec) : 0;
      if (regular && !ec && size <= kMaxSourceBytes && total_ + size <= kMaxTotalSourceBytes) {
        total_ += size;
        std::ifstream in(path, std::ios::binary);
        f.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        LineCursor cur(f.text);
        std::string_view l;
        while (cur.Next(&l)) f.lines.push_back(l);
      }
    }
    std::string fallback =
        fmt::format("func@{}:{}", std::filesystem::path(path).filename().string(), line);
    const File& f = it->second;
    if (line == 0 || line > f.lines.size()) return fallback;
    std::string_view l = f.lines[line - 1];
    if (col == 0 || col > l.size()) return fallback;
    std::string_view s = l.substr(col - 1);
    auto ident = [](std::string_view t) {
      size_t n = 0;
      while (n < t.size() && (std::isalnum(static_cast<unsigned char>(t[n])) || t[n] == '_' ||
                              static_cast<unsigned char>(t[n]) >= 0x80))
        ++n;
      return t.substr(0, n);
    };
    // A function literal: FinishBuild attributes its body to the enclosing function.
    if (StartsWith(s, "func")) return std::string(kFuncLiteral);
    if (!s.empty() && s[0] == '(') {
      size_t close = s.find(')');
      if (close == std::string_view::npos) return fallback;
      std::string_view recv = s.substr(1, close - 1);
      size_t sp = recv.rfind(' ');
      std::string_view type = sp == std::string_view::npos ? recv : recv.substr(sp + 1);
      bool ptr = !type.empty() && type[0] == '*';
      if (ptr) type.remove_prefix(1);
      type = type.substr(0, type.find('['));
      std::string_view rest = s.substr(close + 1);
      while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      std::string_view name = ident(rest);
      if (name.empty() || type.empty()) return fallback;
      return ptr ? fmt::format("(*{}).{}", type, name) : fmt::format("{}.{}", type, name);
    }
    std::string_view name = ident(s);
    return name.empty() ? fallback : std::string(name);
  }

 private:
  struct File {
    std::string text;
    std::vector<std::string_view> lines;  // views into text
  };
  std::unordered_map<std::string, File> files_;
  uint64_t total_ = 0;  // bytes of source held, capped by kMaxTotalSourceBytes
};

std::string MapSource(const std::string& path, const SourceMap& sources) {
  for (const auto& [from, to] : sources) {
    if (!from.empty() && path.compare(0, from.size(), from) == 0 &&
        (path.size() == from.size() || path[from.size()] == '/' || from.back() == '/'))
      return to + path.substr(from.size());
  }
  return path;
}

std::string UriPath(std::string_view uri) {
  if (StartsWith(uri, "file://")) uri.remove_prefix(7);
  return PathUnescape(uri);
}

// The slow path for lines the scanner rejects (it is strict): the same fields through a DOM.
bool FromDom(std::string_view line, LspDiagnostic* out) {
  Json d = Json::parse(line, nullptr, false);
  if (d.is_discarded() || !d.is_object()) return false;
  auto num = [](const Json& j, const char* k) -> uint32_t {
    if (!j.is_object() || !j.contains(k) || !j[k].is_number_integer()) return 0;
    int64_t v = j[k].get<int64_t>();
    return v < 0 || v > INT32_MAX ? 0 : static_cast<uint32_t>(v);
  };
  auto start_of = [](const Json& j) -> const Json* {
    if (!j.is_object() || !j.contains("range") || !j["range"].is_object()) return nullptr;
    const Json& r = j["range"];
    if (!r.contains("start") || !r["start"].is_object()) return nullptr;
    return &r["start"];
  };
  if (const Json* st = start_of(d)) {
    out->has_start = true;
    out->line = num(*st, "line");
    out->col = num(*st, "character");
  }
  if (d.contains("code") && d["code"].is_string()) {
    out->has_code = true;
    out->code = d["code"].get<std::string>();
  }
  if (d.contains("message") && d["message"].is_string())
    out->message = d["message"].get<std::string>();
  if (d.contains("relatedInformation") && d["relatedInformation"].is_array()) {
    for (const Json& r : d["relatedInformation"]) {
      LspRelated rel;
      if (r.is_object() && r.contains("message") && r["message"].is_string())
        rel.message = r["message"].get<std::string>();
      if (r.is_object() && r.contains("location") && r["location"].is_object()) {
        const Json& loc = r["location"];
        if (loc.contains("uri") && loc["uri"].is_string()) rel.uri = loc["uri"].get<std::string>();
        if (const Json* st = start_of(loc)) {
          rel.line = num(*st, "line");
          rel.col = num(*st, "character");
        }
      }
      out->related.push_back(std::move(rel));
    }
  }
  return true;
}

struct PendingEscape {
  uint32_t line, col;
  uint32_t explanation;  // kNoExplanation for the "" result entries
  uint64_t input_line;
};

}  // namespace

Status ReadEscapeJsonFile(const Input& input, std::string_view package, EscapeBuild* b,
                          const SourceMap& sources) {
  static thread_local SourceNames names;
  std::string_view data = input.data();
  LineCursor cur(data);
  std::string_view line;
  if (!cur.Next(&line)) return Status::Error(fmt::format("{}: empty -json file", input.name()));
  Json header = Json::parse(line, nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("version")) {
    return Status::Error(
        fmt::format("{}: line 1: expected the -json=0 header {{\"version\":0,...}}, found '{}'",
                    input.name(), FirstLine(line)));
  }
  if (!header["version"].is_number() || header["version"].get<double>() != 0) {
    b->warnings.push_back(fmt::format("{}: -json version {} (godx reads version 0)", input.name(),
                                      header["version"].dump()));
  }
  // value() throws on a type mismatch: check the types first.
  auto text_field = [&](const char* key, std::string fallback) {
    if (header.contains(key) && header[key].is_string()) return header[key].get<std::string>();
    return fallback;
  };
  std::string file = text_field("file", input.name());
  if (b->go_version.empty()) b->go_version = text_field("gc_version", "");
  StringId pkg = b->pool.Intern(package);
  StringId fid = b->pool.Intern(file);
  std::vector<PendingEscape> escapes;
  uint64_t bad = 0, first_bad = 0;
  while (cur.Next(&line)) {
    ++b->lines;
    if (line.empty()) continue;
    LspDiagnostic d;
    if (!ScanLspDiagnostic(line, &d) && !FromDom(line, &d)) d = LspDiagnostic();
    if (!d.has_start || !d.has_code) {
      if (bad++ == 0) first_bad = cur.line_number();
      continue;
    }
    uint32_t ln = d.line, col = d.col;
    const std::string& code = d.code;
    const std::string& msg = d.message;
    Diagnostic diag;
    diag.package = pkg;
    diag.file = fid;
    diag.line = ln;
    diag.col = col;
    diag.input_line = cur.line_number();

    // Explanations come as relatedInformation "escflow:" entries; synthesise the text form.
    uint32_t expl = kNoExplanation;
    if (!d.related.empty() && (code == "escape" || code == "escapes" || code == "leak")) {
      Explanation e;
      ExplanationHeader h;
      std::string header_msg = msg + ":";
      if (ParseExplanationHeader(header_msg, &h)) {
        e.package = pkg;
        e.file = fid;
        e.line = ln;
        e.col = col;
        e.subject = b->pool.Intern(h.subject);
        e.sink = b->pool.Intern(h.sink);
        e.derefs = h.derefs;
        e.owned = true;
        e.begin = b->owned_text.size();
        for (const LspRelated& r : d.related) {
          if (!StartsWith(r.message, "escflow:")) continue;
          std::string_view body = std::string_view(r.message).substr(8);
          b->owned_text.append(body);
          if (body.find("from ") != std::string_view::npos) {
            std::string path = r.uri.empty() ? file : UriPath(r.uri);
            b->owned_text.append(fmt::format(" at {}:{}:{}", path, r.line, r.col));
          }
          b->owned_text.push_back('\n');
        }
        e.end = b->owned_text.size();
        expl = static_cast<uint32_t>(b->explanations.size());
        b->explanations.push_back(e);
      }
    }

    if (code == "canInlineFunction" || code == "cannotInlineFunction") {
      diag.subject = b->pool.Intern(names.At(MapSource(file, sources), ln, col));
      if (code == "canInlineFunction") {
        diag.kind = DiagKind::kCanInline;
        ParseCostReason(msg, &diag.cost, &diag.budget);
      } else {
        diag.kind = DiagKind::kCannotInline;
        diag.detail = b->pool.Intern(msg);
        ParseCostReason(msg, &diag.cost, &diag.budget);
      }
    } else if (code == "cannotInlineCall") {
      diag.kind = DiagKind::kCannotInlineCall;
      // The inliner logs a call inside the callee's own recursion with "recursive call to F" as
      // the function-name argument and no message, which -json drops (cmd/compile/internal/
      // inline, Go 1.19 to 1.27): an empty message means exactly that case.
      diag.detail = b->pool.Intern(msg.empty() ? std::string("recursive call") : msg);
      std::string_view m = msg;
      size_t sp = m.find(" cannot be inlined");
      size_t of = m.find(" of ");
      constexpr std::string_view kCycle = "repeated recursive cycle to ";  // Go 1.26+
      if (StartsWith(m, kCycle))
        diag.subject = b->pool.Intern(m.substr(kCycle.size()));
      else if (sp != std::string_view::npos)
        diag.subject = b->pool.Intern(m.substr(0, sp));
      else if (of != std::string_view::npos)
        diag.subject = b->pool.Intern(m.substr(of + 4, m.find(' ', of + 4) - of - 4));
    } else if (code == "escape" || code == "escapes") {
      escapes.push_back(
          PendingEscape{ln, col, msg.empty() ? kNoExplanation : expl, cur.line_number()});
      continue;
    } else if (code == "leak") {
      ExplanationHeader h;
      std::string header_msg = msg + ":";
      if (!ParseExplanationHeader(header_msg, &h)) {
        diag.kind = DiagKind::kOther;
        diag.detail = b->pool.Intern("leak: " + msg);
      } else {
        diag.kind = DiagKind::kLeakParam;
        diag.subject = b->pool.Intern(h.subject);
        // A leak to a result stays one; a leak anywhere else ({heap}, {storage for x}) is what
        // the text form reports as "leaking param: p" (derefs 0) or "leaking param content: p".
        bool to_result = StartsWith(h.sink, "~r");
        diag.detail = b->pool.Intern(to_result ? h.sink : std::string_view("{heap}"));
        diag.level = to_result ? h.derefs : (h.derefs > 0 ? 1 : 0);
        diag.explanation = expl;
      }
    } else if (code == "isInBounds") {
      diag.kind = DiagKind::kBoundsCheck;
    } else if (code == "isSliceInBounds") {
      diag.kind = DiagKind::kSliceBoundsCheck;
    } else if (code == "nilcheck") {
      diag.kind = DiagKind::kNilCheck;
    } else {
      diag.kind = DiagKind::kOther;
      diag.detail = b->pool.Intern(msg.empty() ? code : code + ": " + msg);
    }
    b->diagnostics.push_back(diag);
  }

  // "escape" with an explanation names the value; a bare "escape" at the same position is the
  // "escapes to heap" result for an expression. An explained name with no bare entry is a
  // variable: "moved to heap".
  std::map<std::pair<uint32_t, uint32_t>, std::pair<std::vector<uint32_t>, std::vector<uint64_t>>>
      at;
  for (const auto& e : escapes) {
    auto& slot = at[{e.line, e.col}];
    if (e.explanation != kNoExplanation)
      slot.first.push_back(e.explanation);
    else
      slot.second.push_back(e.input_line);
  }
  const StringId heap = b->pool.Intern("{heap}");
  (void)heap;
  for (const auto& [pos, slot] : at) {
    const auto& [explained, bare] = slot;
    size_t n = std::max(explained.size(), bare.size());
    for (size_t k = 0; k < n; ++k) {
      Diagnostic diag;
      diag.package = pkg;
      diag.file = fid;
      diag.line = pos.first;
      diag.col = pos.second;
      if (k < explained.size()) {
        diag.explanation = explained[k];
        diag.subject = b->explanations[explained[k]].subject;
      }
      diag.kind = k < bare.size() ? DiagKind::kEscapesToHeap : DiagKind::kMovedToHeap;
      diag.input_line = k < bare.size() ? bare[k] : 0;
      b->diagnostics.push_back(diag);
    }
  }
  if (bad > 0) {
    b->warnings.push_back(
        fmt::format("{}: {} lines skipped, first at line {}: expected an LSP "
                    "diagnostic object with range.start and code",
                    input.name(), bad, first_bad));
  }
  return Status::Ok();
}

Result<EscapeBuild> ReadEscapeJsonDir(const std::string& dir, const InputOptions& options,
                                      const SourceMap& sources) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Error(fmt::format("{}: not a directory", dir));
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path());
    if (files.size() > kMaxJsonFiles) {
      return Status::Error(fmt::format(
          "{}: more than {} .json files; pass a -json=0,DIR of one build", dir, kMaxJsonFiles));
    }
  }
  if (ec) return Status::Error(fmt::format("{}: {}", dir, ec.message()));
  if (files.empty()) {
    return Status::Error(
        fmt::format("{}: no .json files: expected the DIR of go build -gcflags=-json=0,DIR", dir));
  }
  std::sort(files.begin(), files.end());
  EscapeBuild b;
  b.format = "-json";
  for (const auto& f : files) {
    auto input = Input::Open(f.string(), options);
    if (!input.ok()) return input.status();
    std::string pkg = PathUnescape(f.parent_path().lexically_relative(dir).generic_string());
    if (pkg == ".") pkg.clear();
    GODX_RETURN_IF_ERROR(ReadEscapeJsonFile(*input, pkg, &b, sources));
  }
  FinishBuild(&b);
  return b;
}

}  // namespace godx::compiler
