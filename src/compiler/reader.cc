#include "compiler/reader.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "compiler/messages.h"
#include "core/line_cursor.h"
#include "core/text.h"

namespace godx::compiler {

namespace {

bool ParseU32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 9) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = v;
  return true;
}

// Splits "file:line[:col]" (what stands before the first ": " of a compiler line).
bool SplitPrefix(std::string_view prefix, PositionedLine* out) {
  // -L appends the //line-adjusted original position: "x.go:10:3[orig.go:5:1]".
  if (!prefix.empty() && prefix.back() == ']') {
    size_t open = prefix.rfind('[');
    if (open == std::string_view::npos || open == 0) return false;
    prefix = prefix.substr(0, open);
  }
  size_t c1 = prefix.rfind(':');
  if (c1 == std::string_view::npos || c1 == 0) return false;
  uint32_t a;
  if (!ParseU32(prefix.substr(c1 + 1), &a)) return false;
  std::string_view head = prefix.substr(0, c1);
  size_t c2 = head.rfind(':');
  uint32_t b;
  // "file:line:col"; a Windows drive letter ("C:") is not a line number.
  if (c2 != std::string_view::npos && c2 > 0 && ParseU32(head.substr(c2 + 1), &b)) {
    out->file = head.substr(0, c2);
    out->line = b;
    out->col = a;
  } else {
    out->file = head;
    out->line = a;
    out->col = 0;
  }
  return !out->file.empty() && out->line > 0;
}

}  // namespace

bool SplitPosition(std::string_view line, PositionedLine* out) {
  // The position ends at the first ": " (paths with ": " in them are not supported). Checking
  // only the first occurrence keeps the cost per line at one memchr-like scan.
  size_t at = line.find(": ");
  if (at == std::string_view::npos) {
    // A message can be empty only in theory; "file:1:2:" alone is not a diagnostic.
    return false;
  }
  if (!SplitPrefix(line.substr(0, at), out)) return false;
  out->msg = line.substr(at + 2);
  return true;
}

namespace {

class TextReader {
 public:
  explicit TextReader(EscapeBuild* b) : b_(b) {}

  void Line(std::string_view line, uint64_t number, size_t offset, size_t end) {
    if (line.empty()) return;
    if (line[0] == '#') {
      // "# import/path" starts a package; "# [desc]" is its second header line.
      std::string_view name = line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1);
      if (!name.empty() && name[0] != '[') {
        // "# p [p.test]" names a test variant: keep the import path.
        size_t sp = name.find(' ');
        package_ = b_->pool.Intern(name.substr(0, sp));
      }
      open_ = false;
      return;
    }
    PositionedLine p;
    if (!SplitPosition(line, &p)) {
      ++b_->other_lines;
      if (b_->first_other_line == 0) b_->first_other_line = number;
      open_ = false;
      return;
    }
    StringId file = File(p.file);
    if (!p.msg.empty() && (p.msg[0] == ' ' || p.msg[0] == '\t')) {
      // A continuation of the open explanation: same subject position.
      if (open_ && file == open_file_ && p.line == open_line_ && p.col == open_col_) {
        b_->explanations.back().end = end;
        saw_flow_ = true;
        return;
      }
      // Before Go 1.13 the explanation followed the result line, as tab-indented
      // "from EXPR (WHY) at POS" lines with no header and no flow: lines.
      if (last_result_ != kNone && file == open_file_ && p.line == open_line_ &&
          p.col == open_col_) {
        Diagnostic& d = b_->diagnostics[last_result_];
        Explanation e;
        e.package = d.package;
        e.file = d.file;
        e.line = d.line;
        e.col = d.col;
        e.subject = d.subject;
        e.sink = b_->pool.Intern("{heap}");
        e.begin = offset;
        e.end = end;
        d.explanation = static_cast<uint32_t>(b_->explanations.size());
        b_->explanations.push_back(e);
        open_ = true;
        last_result_ = kNone;
        saw_flow_ = true;
      }
      return;
    }
    open_ = false;
    last_result_ = kNone;
    ExplanationHeader h;
    if (ParseExplanationHeader(p.msg, &h)) {
      Explanation e;
      e.package = package_;
      e.file = file;
      e.line = p.line;
      e.col = p.col;
      e.subject = b_->pool.Intern(h.subject);
      e.sink = b_->pool.Intern(h.sink);
      e.derefs = h.derefs;
      e.begin = e.end = end;
      b_->explanations.push_back(e);
      open_ = true;
      open_file_ = file;
      open_line_ = p.line;
      open_col_ = p.col;
      return;
    }
    Message m = ClassifyMessage(p.msg);
    Diagnostic d;
    d.package = package_;
    d.file = file;
    d.line = p.line;
    d.col = p.col;
    d.kind = m.kind;
    d.subject = m.subject.empty() ? 0 : b_->pool.Intern(m.subject);
    d.detail = m.detail.empty() ? 0 : b_->pool.Intern(m.detail);
    d.cost = m.cost;
    d.budget = m.budget;
    d.level = m.level;
    d.input_line = number;
    if (m.kind == DiagKind::kCannotInline) saw_m2_ = true;
    if (m.kind == DiagKind::kMovedToHeap || m.kind == DiagKind::kEscapesToHeap ||
        m.kind == DiagKind::kLeakParam) {
      last_result_ = b_->diagnostics.size();
      open_file_ = file;
      open_line_ = p.line;
      open_col_ = p.col;
    }
    b_->diagnostics.push_back(d);
  }

  bool saw_m2_ = false;
  bool saw_flow_ = false;

 private:
  // Consecutive lines nearly always name the same file: compare before hashing.
  StringId File(std::string_view f) {
    if (last_file_id_ != 0 && f == last_file_) return last_file_id_;
    last_file_id_ = b_->pool.Intern(f);
    last_file_ = b_->pool.Get(last_file_id_);
    return last_file_id_;
  }

  EscapeBuild* b_;
  StringId package_ = 0;
  std::string_view last_file_;
  StringId last_file_id_ = 0;
  static constexpr size_t kNone = SIZE_MAX;
  size_t last_result_ = kNone;  // a result that pre-1.13 explanation lines may follow
  bool open_ = false;
  StringId open_file_ = 0;
  uint32_t open_line_ = 0, open_col_ = 0;
};

}  // namespace

namespace {

// `go build -json` (Go 1.24+) wraps the compiler's output in events:
// {"ImportPath":"example.com/m","Action":"build-output","Output":"./m.go:3:6: can inline f\n"}.
bool LooksLikeBuildJson(std::string_view data) {
  size_t i = 0;
  while (i < data.size() && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r')) ++i;
  if (i >= data.size() || data[i] != '{') return false;
  std::string_view first = data.substr(i, data.find('\n', i) - i);
  return first.find("\"Action\"") != std::string_view::npos;
}

// The text of every build-output event, with a "# import/path" line whenever the package
// changes. Lines that are not events are counted in `bad`.
std::string DecodeBuildJson(std::string_view data, uint64_t* bad, uint64_t* first_bad) {
  std::string out;
  std::string last_path;
  LineCursor cur(data);
  std::string_view line;
  while (cur.Next(&line)) {
    if (line.empty()) continue;
    auto ev = nlohmann::json::parse(line, nullptr, false);
    if (ev.is_discarded() || !ev.is_object() || !ev.contains("Action")) {
      if ((*bad)++ == 0) *first_bad = cur.line_number();
      continue;
    }
    if (!ev["Action"].is_string() || ev["Action"].get<std::string>() != "build-output") continue;
    if (!ev.contains("Output") || !ev["Output"].is_string()) continue;
    std::string path = ev.contains("ImportPath") && ev["ImportPath"].is_string()
                           ? ev["ImportPath"].get<std::string>()
                           : "";
    if (!path.empty() && path != last_path) {
      out += "# " + path + "\n";
      last_path = path;
    }
    out += ev["Output"].get<std::string>();
    if (!out.empty() && out.back() != '\n') out.push_back('\n');
  }
  return out;
}

}  // namespace

Result<EscapeBuild> ReadEscapeText(const Input& input) {
  std::string_view data = input.data();
  std::shared_ptr<const std::string> decoded;
  uint64_t bad_events = 0, first_bad_event = 0;
  if (LooksLikeBuildJson(data)) {
    decoded =
        std::make_shared<const std::string>(DecodeBuildJson(data, &bad_events, &first_bad_event));
    data = *decoded;
  }
  if (data.empty())
    return Status::Error(fmt::format("{}: empty input, expected -gcflags=-m output", input.name()));
  if (LooksBinary(data.substr(0, 4096))) {
    return Status::Error(fmt::format(
        "{}: byte 0: binary data, expected the text of go build -gcflags=-m", input.name()));
  }
  EscapeBuild b;
  b.text = data;
  b.decoded = decoded;
  if (bad_events > 0) {
    b.warnings.push_back(fmt::format("{}: {} lines are not go build -json events, first at line {}",
                                     input.name(), bad_events, first_bad_event));
  }
  TextReader r(&b);
  LineCursor cur(data);
  std::string_view line;
  while (cur.Next(&line)) r.Line(line, cur.line_number(), cur.line_offset(), cur.offset());
  b.lines = cur.line_number();
  if (b.diagnostics.empty() && b.explanations.empty()) {
    return Status::Error(fmt::format(
        "{}: line 1: expected compiler diagnostics ('./file.go:LINE:COL: message' from go build "
        "-gcflags=-m), found '{}'",
        input.name(), FirstLine(data)));
  }
  b.format = r.saw_m2_ || r.saw_flow_ ? "-m=2 text" : "-m text";
  if (decoded) b.format += " (go build -json)";
  FinishBuild(&b);
  return b;
}

int SniffEscapeText(std::string_view head) {
  if (LooksLikeBuildJson(head)) {
    bool output = head.find("\"Action\":\"build-output\"") != std::string_view::npos;
    bool diag = head.find("can inline ") != std::string_view::npos ||
                head.find("escapes to heap") != std::string_view::npos ||
                head.find("moved to heap: ") != std::string_view::npos;
    return output && diag ? 85 : 0;
  }
  LineCursor cur(head);
  std::string_view line;
  int seen = 0, lines = 0;
  while (cur.Next(&line) && lines < 200) {
    ++lines;
    PositionedLine p;
    if (!SplitPosition(line, &p)) continue;
    if (!EndsWith(p.file, ".go") && p.file != "<autogenerated>") continue;
    Message m = ClassifyMessage(p.msg);
    ExplanationHeader h;
    if (m.kind != DiagKind::kOther || ParseExplanationHeader(p.msg, &h)) ++seen;
    // check_bce lines alone belong to `godx asm`.
    if (m.kind == DiagKind::kBoundsCheck || m.kind == DiagKind::kSliceBoundsCheck) --seen;
  }
  if (seen >= 3) return 90;
  if (seen >= 1) return 60;
  return 0;
}

}  // namespace godx::compiler
