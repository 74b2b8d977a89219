#include "trace/export_chrome.h"

#include <fmt/format.h>

namespace godx::trace {

namespace {

int Pid(TrackKind k) { return static_cast<int>(k) + 1; }

// Microseconds with nanosecond digits, as the format wants ("ts": 12.345).
std::string Us(int64_t ns) {
  return fmt::format("{}{}.{:03}", ns < 0 ? "-" : "", (ns < 0 ? -ns : ns) / 1000,
                     (ns < 0 ? -ns : ns) % 1000);
}

}  // namespace

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

ChromeWriter::ChromeWriter(std::FILE* out) : out_(out) {
  buf_ = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  static constexpr std::string_view kNames[] = {"Ps", "Goroutines", "User regions", "GC",
                                                "Stop-the-world", "User tasks"};
  for (int k = 0; k < 6; ++k) {
    Emit(fmt::format(R"({{"ph":"M","name":"process_name","pid":{},"args":{{"name":"{}"}}}})",
                     k + 1, kNames[k]));
  }
}

ChromeWriter::~ChromeWriter() { Close(); }

void ChromeWriter::Emit(std::string_view json) {
  if (!first_) buf_ += ",\n";
  first_ = false;
  buf_ += json;
  if (buf_.size() >= (1 << 20)) Flush();
}

void ChromeWriter::Flush() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
    failed_ = true;
  }
  buf_.clear();
}

void ChromeWriter::Track(TrackKind kind, uint64_t id) {
  if (kind == TrackKind::kTasks || kind == TrackKind::kGc || kind == TrackKind::kStw) return;
  if (!named_.insert((static_cast<uint64_t>(kind) << 56) | id).second) return;
  const char* prefix = kind == TrackKind::kProc ? "P" : "G";
  Emit(fmt::format(R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":"{}{}"}}}})",
                   Pid(kind), id, prefix, id));
}

void ChromeWriter::Slice(TrackKind kind, uint64_t id, std::string_view name, int64_t start_ns,
                         int64_t end_ns) {
  Track(kind, id);
  Emit(fmt::format(R"({{"ph":"X","name":"{}","pid":{},"tid":{},"ts":{},"dur":{}}})",
                   JsonEscape(name), Pid(kind), id, Us(start_ns), Us(end_ns - start_ns)));
}

void ChromeWriter::Begin(TrackKind kind, uint64_t id, std::string_view name, int64_t t_ns) {
  Track(kind, id);
  if (kind == TrackKind::kTasks) {
    Emit(fmt::format(R"({{"ph":"b","cat":"task","id":{},"name":"{}","pid":{},"tid":0,"ts":{}}})",
                     id, JsonEscape(name), Pid(kind), Us(t_ns)));
    return;
  }
  Emit(fmt::format(R"({{"ph":"B","name":"{}","pid":{},"tid":{},"ts":{}}})", JsonEscape(name),
                   Pid(kind), id, Us(t_ns)));
}

void ChromeWriter::End(TrackKind kind, uint64_t id, std::string_view, int64_t t_ns) {
  if (kind == TrackKind::kTasks) {
    Emit(fmt::format(R"({{"ph":"e","cat":"task","id":{},"pid":{},"tid":0,"ts":{}}})", id,
                     Pid(kind), Us(t_ns)));
    return;
  }
  Emit(fmt::format(R"({{"ph":"E","pid":{},"tid":{},"ts":{}}})", Pid(kind), id, Us(t_ns)));
}

void ChromeWriter::Counter(std::string_view name, int64_t t_ns, int64_t value) {
  Emit(fmt::format(R"({{"ph":"C","name":"{}","pid":{},"ts":{},"args":{{"bytes":{}}}}})",
                   JsonEscape(name), Pid(TrackKind::kGc), Us(t_ns), value));
}

bool ChromeWriter::Close() {
  if (!closed_) {
    closed_ = true;
    buf_ += "\n]}\n";
    Flush();
    if (std::fflush(out_) != 0) failed_ = true;
  }
  return !failed_;
}

}  // namespace godx::trace
