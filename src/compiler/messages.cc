#include "compiler/messages.h"

#include <charconv>

namespace godx::compiler {

const char* DiagKindName(DiagKind k) {
  switch (k) {
    case DiagKind::kMovedToHeap:
      return "moved-to-heap";
    case DiagKind::kEscapesToHeap:
      return "escapes-to-heap";
    case DiagKind::kDoesNotEscape:
      return "does-not-escape";
    case DiagKind::kLeakParam:
      return "leaking-param";
    case DiagKind::kCanInline:
      return "can-inline";
    case DiagKind::kCannotInline:
      return "cannot-inline";
    case DiagKind::kInliningCall:
      return "inlining-call";
    case DiagKind::kCannotInlineCall:
      return "cannot-inline-call";
    case DiagKind::kDevirtualized:
      return "devirtualized";
    case DiagKind::kCapture:
      return "closure-capture";
    case DiagKind::kBoundsCheck:
      return "bounds-check";
    case DiagKind::kSliceBoundsCheck:
      return "slice-bounds-check";
    case DiagKind::kNilCheck:
      return "nil-check";
    case DiagKind::kOther:
      return "other";
  }
  return "other";
}

namespace {

int32_t ToInt(std::string_view s) {
  int32_t v = kUnknown;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || v < 0) return kUnknown;
  (void)p;
  return v;
}

// A digit run at the start of `s`.
std::string_view Digits(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  return s.substr(0, n);
}

// A function name that ends at the first space outside brackets: generic instances print as
// F[go.shape.struct { X int }] and must stay whole.
std::string_view FuncName(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '[' || c == '(' || c == '{') ++depth;
    if ((c == ']' || c == ')' || c == '}') && depth > 0) --depth;
    if (c == ' ' && depth == 0) return s.substr(0, i);
  }
  return s;
}

}  // namespace

void ParseCostReason(std::string_view reason, int32_t* cost, int32_t* budget) {
  // "cost 95 exceeds budget 80" (text, cannotInlineFunction) or "cost: 7" (canInlineFunction).
  size_t c = reason.find("cost ");
  size_t skip = 5;
  if (c == std::string_view::npos) {
    c = reason.find("cost: ");
    skip = 6;
  }
  if (c == std::string_view::npos) return;
  std::string_view n = Digits(reason.substr(c + skip));
  if (n.empty()) return;
  *cost = ToInt(n);
  size_t b = reason.find("budget ", c);
  if (b != std::string_view::npos) *budget = ToInt(Digits(reason.substr(b + 7)));
}

bool ParseExplanationHeader(std::string_view msg, ExplanationHeader* out) {
  if (msg.empty() || msg.back() != ':') return false;
  out->function = {};
  constexpr std::string_view kEscapes = " escapes to heap:";
  if (EndsWith(msg, kEscapes)) {
    out->subject = msg.substr(0, msg.size() - kEscapes.size());
    out->sink = "{heap}";
    out->derefs = kUnknown;
    return !out->subject.empty();
  }
  // Newer compilers (seen in Go 1.26; not in 1.19) name the function: "X escapes to heap in F:".
  // The subject may itself hold " escapes to heap in " only inside a string literal, so take the
  // last occurrence.
  constexpr std::string_view kEscapesIn = " escapes to heap in ";
  size_t in = msg.rfind(kEscapesIn);
  if (in != std::string_view::npos && in > 0) {
    out->subject = msg.substr(0, in);
    out->function = msg.substr(in + kEscapesIn.size(), msg.size() - 1 - in - kEscapesIn.size());
    out->sink = "{heap}";
    out->derefs = kUnknown;
    return !out->function.empty();
  }
  constexpr std::string_view kParam = "parameter ";
  constexpr std::string_view kLeaks = " leaks to ";
  constexpr std::string_view kDerefs = " with derefs=";
  if (!StartsWith(msg, kParam)) return false;
  size_t l = msg.find(kLeaks, kParam.size());
  size_t d = msg.rfind(kDerefs);
  if (l == std::string_view::npos || d == std::string_view::npos || d < l) return false;
  out->subject = msg.substr(kParam.size(), l - kParam.size());
  out->sink = msg.substr(l + kLeaks.size(), d - l - kLeaks.size());
  // "parameter p leaks to SINK for F with derefs=N:" (seen in Go 1.26) names the function too.
  // Sinks are "{heap}", "~r0", "{storage for EXPR}" or a parameter name; only the braced form can
  // hold spaces, so " for " after its closing brace (or anywhere in a plain sink) is the function.
  size_t sink_end = 0;
  if (!out->sink.empty() && out->sink[0] == '{') {
    int depth = 0;
    for (size_t k = 0; k < out->sink.size(); ++k) {
      if (out->sink[k] == '{') ++depth;
      if (out->sink[k] == '}' && --depth == 0) {
        sink_end = k + 1;
        break;
      }
    }
  }
  size_t f = out->sink.find(" for ", sink_end);
  if (f != std::string_view::npos) {
    out->function = out->sink.substr(f + 5);
    out->sink = out->sink.substr(0, f);
  }
  out->derefs = ToInt(msg.substr(d + kDerefs.size(), msg.size() - 1 - d - kDerefs.size()));
  return true;
}

Message ClassifyMessage(std::string_view msg) {
  Message m;
  m.detail = msg;
  switch (msg.empty() ? '\0' : msg[0]) {
    case 'm':
      if (StartsWith(msg, "moved to heap: ")) {
        m.kind = DiagKind::kMovedToHeap;
        m.subject = msg.substr(15);
        m.detail = {};
        return m;
      }
      break;
    case 'l':
      if (StartsWith(msg, "leaking param content: ")) {
        m.kind = DiagKind::kLeakParam;
        m.subject = msg.substr(23);
        m.detail = "{heap}";
        m.level = 1;
        return m;
      }
      if (StartsWith(msg, "leaking param: ")) {
        m.kind = DiagKind::kLeakParam;
        std::string_view rest = msg.substr(15);
        size_t to = rest.find(" to result ");
        if (to == std::string_view::npos) {
          m.subject = rest;
          m.detail = "{heap}";
          m.level = 0;
          return m;
        }
        m.subject = rest.substr(0, to);
        std::string_view result = rest.substr(to + 11);
        size_t lv = result.find(" level=");
        m.detail = result.substr(0, lv);
        if (lv != std::string_view::npos) m.level = ToInt(result.substr(lv + 7));
        return m;
      }
      break;
    case 'c':
      if (StartsWith(msg, "can inline ")) {
        m.kind = DiagKind::kCanInline;
        std::string_view rest = msg.substr(11);
        m.subject = FuncName(rest);
        std::string_view tail = rest.substr(m.subject.size());
        if (StartsWith(tail, " with cost ")) m.cost = ToInt(Digits(tail.substr(11)));
        m.detail = {};
        return m;
      }
      if (StartsWith(msg, "cannot inline ")) {
        std::string_view rest = msg.substr(14);
        size_t colon = rest.find(": ");
        std::string_view name = rest.substr(0, colon);
        m.detail = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 2);
        size_t into = name.find(" into ");
        if (into != std::string_view::npos) {
          m.kind = DiagKind::kCannotInlineCall;
          m.subject = name.substr(0, into);
          return m;
        }
        m.kind = DiagKind::kCannotInline;
        m.subject = name;
        ParseCostReason(m.detail, &m.cost, &m.budget);
        return m;
      }
      break;
    case 'i':
      if (StartsWith(msg, "inlining call to ")) {
        m.kind = DiagKind::kInliningCall;
        m.subject = FuncName(msg.substr(17));
        m.detail = {};
        return m;
      }
      break;
    case 'F':
      if (msg == "Found IsInBounds") {
        m.kind = DiagKind::kBoundsCheck;
        m.detail = {};
        return m;
      }
      if (msg == "Found IsSliceInBounds") {
        m.kind = DiagKind::kSliceBoundsCheck;
        m.detail = {};
        return m;
      }
      break;
    case 'd':
    case 'p':
    case 'P': {
      size_t dv = msg.find("devirtualizing ");
      if (dv != std::string_view::npos && dv <= 28) {
        std::string_view rest = msg.substr(dv + 15);
        if (StartsWith(rest, "interface call ")) rest.remove_prefix(15);
        if (StartsWith(rest, "function call ")) rest.remove_prefix(14);
        size_t to = rest.rfind(" to ");
        m.kind = DiagKind::kDevirtualized;
        m.subject = rest.substr(0, to);
        m.detail = to == std::string_view::npos ? std::string_view() : rest.substr(to + 4);
        return m;
      }
      break;
    }
    default:
      break;
  }
  constexpr std::string_view kEscapes = " escapes to heap";
  constexpr std::string_view kNoEscape = " does not escape";
  if (EndsWith(msg, kEscapes)) {
    m.kind = DiagKind::kEscapesToHeap;
    m.subject = msg.substr(0, msg.size() - kEscapes.size());
    m.detail = {};
    return m;
  }
  if (EndsWith(msg, kNoEscape)) {
    m.kind = DiagKind::kDoesNotEscape;
    m.subject = msg.substr(0, msg.size() - kNoEscape.size());
    m.detail = {};
    return m;
  }
  if (EndsWith(msg, " does not escape, mutate, or call")) {
    m.kind = DiagKind::kDoesNotEscape;
    m.subject = msg.substr(0, msg.size() - 33);
    m.detail = {};
    return m;
  }
  size_t cap = msg.find(" capturing by ");
  if (cap != std::string_view::npos) {
    std::string_view rest = msg.substr(cap + 14);  // "value: x (...)" / "ref: x (...)"
    size_t colon = rest.find(": ");
    if (colon != std::string_view::npos) {
      m.kind = DiagKind::kCapture;
      m.detail = rest.substr(0, colon);
      std::string_view var = rest.substr(colon + 2);
      m.subject = var.substr(0, var.find(' '));
      return m;
    }
  }
  return m;
}

}  // namespace godx::compiler
