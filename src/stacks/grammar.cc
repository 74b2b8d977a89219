// The line grammar of Go tracebacks (src/runtime/traceback.go): goroutine headers, call lines,
// file lines. Hand-written: these run once per line of dumps that reach hundreds of megabytes.
#include <algorithm>
#include <utility>

#include "core/scanner.h"
#include "stacks/labels.h"
#include "stacks/reader.h"

namespace godx::stacks {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "12 minutes" / "1 minutes" (the runtime never says "minute").
bool ParseMinutes(std::string_view s, uint32_t* out) {
  Scanner sc(s);
  uint64_t n;
  if (!sc.Uint(&n) || !sc.Literal(" minutes") || !sc.AtEnd()) return false;
  *out = static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX - 1));
  return true;
}

// Strips the qualifiers the runtime appends to the status, in the order it prints them:
// " (leaked)" (1.26+), " (scan)", " (durable)" (1.25+, when not part of the reason's name).
void StripQualifiers(std::string_view* state, GoroutineHeader* h) {
  for (bool again = true; again;) {
    again = false;
    for (auto [suffix, flag] : {std::pair{std::string_view(" (durable)"), &h->durable},
                                std::pair{std::string_view(" (scan)"), &h->scan},
                                std::pair{std::string_view(" (leaked)"), &h->leaked}}) {
      if (state->size() > suffix.size() &&
          state->substr(state->size() - suffix.size()) == suffix) {
        state->remove_suffix(suffix.size());
        *flag = true;
        again = true;
      }
    }
  }
}

// The ", "-separated attributes inside the bracket; the first is the status when `with_state`.
// Unknown ones are kept, so a release adding one does not stop the parse (panicparse #90 broke
// on the 1.22 header).
void ParseAttributes(std::string_view text, bool with_state, GoroutineHeader* h) {
  size_t start = 0;
  bool first = with_state;
  while (start <= text.size()) {
    size_t comma = text.find(", ", start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (first) {
      first = false;
      StripQualifiers(&item, h);
      if (h->scan) h->attributes.push_back("(scan)");
      h->state = item;
    } else if (ParseMinutes(item, &h->minutes)) {
    } else if (item == "locked to thread") {
      h->locked = true;
    } else if (!item.empty()) {
      h->attributes.push_back(item);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 2;
  }
}

}  // namespace

bool ParseGoroutineHeader(std::string_view line, GoroutineHeader* out) {
  Scanner s(line);
  uint64_t id;
  if (!s.Literal("goroutine ") || !s.Uint(&id)) return false;
  if (line.size() < 3 || line.back() != ':') return false;
  GoroutineHeader h;
  h.id = id;
  // Go 1.22+: " gp=0x... m=N mp=0x..." or " gp=0x... m=nil" before the bracket.
  std::string_view rest = s.Rest();
  rest.remove_suffix(1);  // the ':'
  size_t open = rest.find(" [");
  if (open == std::string_view::npos) return false;
  std::string_view between = rest.substr(0, open);
  if (!between.empty()) {
    if (between.substr(0, 4) != " gp=") return false;
    h.gp = true;
  }
  rest = rest.substr(open + 2);
  // Go 1.26 may print a label set with quoted strings (which can hold ']') inside the bracket.
  size_t close = FindOutsideQuotes(rest, ']');
  if (close == std::string_view::npos) return false;
  std::string_view inner = rest.substr(0, close);
  std::string_view after = rest.substr(close + 1);
  // Go 1.27+: " {k: v, ...}" after the bracket.
  if (!after.empty()) {
    if (after.size() < 3 || after.substr(0, 2) != " {" ||
        LabelSetEnd(after.substr(1)) + 2 != after.size())
      return false;
    h.labels = after.substr(1);
    h.label_form = GoroutineHeader::LabelForm::kAfterBrackets;
  }
  // Go 1.26 (GODEBUG=tracebacklabels=1): " labels:{...}" ends the bracket, after the last
  // attribute and without a comma. An earlier reading of the proposal put it among the
  // ", "-separated attributes; both are accepted.
  std::string_view tail;
  for (size_t at = inner.find("labels:{"); at != std::string_view::npos && h.labels.empty();
       at = inner.find("labels:{", at + 1)) {
    if (at > 0 && inner[at - 1] != ' ') continue;
    size_t end = LabelSetEnd(inner.substr(at + 7));
    if (end == std::string_view::npos) break;
    h.labels = inner.substr(at + 7, end + 1);
    h.label_form = GoroutineHeader::LabelForm::kInBrackets;
    tail = inner.substr(at + 7 + end + 1);
    inner = inner.substr(0, at);
    while (!inner.empty() && (inner.back() == ' ' || inner.back() == ',')) inner.remove_suffix(1);
    while (!tail.empty() && (tail.front() == ' ' || tail.front() == ',')) tail.remove_prefix(1);
  }
  ParseAttributes(inner, true, &h);
  if (!tail.empty()) ParseAttributes(tail, false, &h);
  *out = std::move(h);
  return true;
}

bool ParseCallLine(std::string_view line, CallLine* out) {
  if (line.size() < 3 || line.back() != ')' || line.front() == ' ' || line.front() == '\t')
    return false;
  // The argument list is the balanced group that ends the line; function names may hold parens
  // themselves ("main.(*T).M").
  int depth = 0;
  size_t i = line.size();
  while (i > 0) {
    --i;
    char c = line[i];
    if (c == ')') {
      ++depth;
    } else if (c == '(') {
      if (--depth == 0) break;
    }
  }
  if (depth != 0 || i == 0) return false;
  std::string_view fn = line.substr(0, i);
  // A function name has no spaces, except inside the type names of generated equality functions
  // ("type..eq.[2]interface {}") and generic instantiations ("F[go.shape.struct {}]").
  if (fn.find(' ') != std::string_view::npos && fn.find_first_of("[{") == std::string_view::npos)
    return false;
  out->function = fn;
  out->args = line.substr(i);
  out->inlined = out->args == "(...)";
  return true;
}

bool ParseFileLine(std::string_view line, FileLine* out) {
  if (line.empty() || line.front() != '\t') return false;
  return ParseLocation(line.substr(1), out);
}

bool ParseLocation(std::string_view s, FileLine* out) {
  // The location ends at " +0x" (pc offset), " fp=" (GOTRACEBACK=system) or the end of the line.
  size_t end = s.size();
  for (std::string_view stop :
       {std::string_view(" +0x"), std::string_view(" fp="), std::string_view(" pc=")}) {
    size_t at = s.find(stop);
    if (at != std::string_view::npos) end = std::min(end, at);
  }
  std::string_view loc = Trim(s.substr(0, end));
  size_t colon = loc.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= loc.size()) return false;
  uint64_t n = 0;
  for (size_t i = colon + 1; i < loc.size(); ++i) {
    if (!IsDigit(loc[i])) return false;
    n = n * 10 + static_cast<uint64_t>(loc[i] - '0');
    if (n > UINT32_MAX) return false;
  }
  out->file = loc.substr(0, colon);
  out->line = static_cast<uint32_t>(n);
  return true;
}

std::string_view UnescapeFunctionName(std::string_view fn, std::string* scratch) {
  size_t pct = fn.find('%');
  if (pct == std::string_view::npos) return fn;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  scratch->assign(fn.substr(0, pct));
  for (size_t i = pct; i < fn.size(); ++i) {
    int hi, lo;
    if (fn[i] == '%' && i + 2 < fn.size() && (hi = hex(fn[i + 1])) >= 0 &&
        (lo = hex(fn[i + 2])) >= 0) {
      scratch->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      scratch->push_back(fn[i]);
    }
  }
  return *scratch;
}

namespace {
// The first elements of the standard library's import paths, Go 1.0 to today ("cmd" for the go
// command's own crashes, "vendor" for std's vendored copies, "arena" and "simd" for experiments).
// No module path of a program can start with one of them: the go command reserves dotless first
// elements for the standard library. Sorted, for binary search.
constexpr std::string_view kStdRoots[] = {
    "archive", "arena",  "bufio",   "bytes",   "cmd",    "cmp",     "compress", "container",
    "context", "crypto", "database", "debug",  "embed",  "encoding", "errors",  "expvar",
    "flag",    "fmt",    "go",      "hash",    "html",   "image",   "index",    "internal",
    "io",      "iter",   "log",     "maps",    "math",   "mime",    "net",      "os",
    "path",    "plugin", "reflect", "regexp",  "runtime", "simd",   "slices",   "sort",
    "strconv", "strings", "structs", "sync",   "syscall", "testing", "text",    "time",
    "unicode", "unique", "unsafe",  "uuid",    "vendor", "weak"};
static_assert(std::is_sorted(std::begin(kStdRoots), std::end(kStdRoots)));
}  // namespace

bool IsStdlibFunction(std::string_view fn, std::string_view file, std::string_view goroot) {
  (void)file;
  (void)goroot;
  // The common cases first: most frames of any dump are the runtime's.
  if (fn.starts_with("runtime.") || fn.starts_with("sync.") || fn == "panic") return true;
  // The package path ends at the first '.' after the last '/'. The function's package decides,
  // never where its file is: -trimpath builds print "runtime/proc.go" and "app/store/store.go"
  // alike, GOPATH builds put programs under .../src/ as GOROOT holds the standard library, and
  // two programs' dumps pasted together have two GOROOTs.
  size_t slash = fn.rfind('/');
  size_t dot = fn.find('.', slash == std::string_view::npos ? 0 : slash);
  if (dot == std::string_view::npos) return true;  // no package: assembly or C code
  std::string_view pkg = fn.substr(0, dot);
  if (pkg.empty() || pkg == "main") return false;
  std::string_view first = pkg.substr(0, pkg.find('/'));
  if (first.find('.') != std::string_view::npos) return false;  // github.com/..., golang.org/x
  return std::binary_search(std::begin(kStdRoots), std::end(kStdRoots), first);
}

}  // namespace godx::stacks
