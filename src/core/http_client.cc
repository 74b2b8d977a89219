#include "core/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace godx {

namespace {
constexpr std::string_view kUnreachable = "cannot connect";
}

std::string Url::ToString() const { return fmt::format("http://{}:{}{}", host, port, path); }

Result<Url> ParseUrl(std::string_view text) {
  std::string_view s = text;
  if (s.substr(0, 8) == "https://") {
    return Status::Error(fmt::format(
        "{}: https is not supported (godx is built without TLS); use the service's plain http "
        "debug port or a port-forward",
        text));
  }
  if (s.substr(0, 7) == "http://") s.remove_prefix(7);
  size_t slash = s.find('/');
  std::string_view hostport = s.substr(0, slash);
  Url url;
  url.path = slash == std::string_view::npos ? "" : std::string(s.substr(slash));
  if (hostport.empty()) {
    return Status::Error(fmt::format("{}: expected http://HOST:PORT", text));
  }
  size_t colon = hostport.rfind(':');
  if (hostport.front() == '[') {  // [::1]:6060
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) {
      return Status::Error(fmt::format("{}: unclosed '[' in the host", text));
    }
    url.host = std::string(hostport.substr(1, close - 1));
    colon = hostport.size() > close + 1 && hostport[close + 1] == ':' ? close + 1
                                                                      : std::string_view::npos;
  } else {
    url.host = std::string(hostport.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    std::string_view port = hostport.substr(colon + 1);
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) {
        return Status::Error(fmt::format("{}: bad port '{}', expected 1-65535", text, port));
      }
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) {
      return Status::Error(fmt::format("{}: bad port '{}', expected 1-65535", text, port));
    }
    url.port = p;
  }
  if (url.host.empty()) return Status::Error(fmt::format("{}: expected http://HOST:PORT", text));
  return url;
}

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int MsLeft(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Connects without blocking past `deadline`; -1 with `why` set on failure.
int Connect(const Url& u, Clock::time_point deadline, std::string* why) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(u.port);
  int rc = getaddrinfo(u.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    *why = fmt::format("cannot resolve host '{}': {}", u.host, gai_strerror(rc));
    return -1;
  }
  int result = -1;
  *why = "connection refused";
  for (addrinfo* ai = res; ai != nullptr && result < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      close(fd);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, MsLeft(deadline));
    int err = 0;
    socklen_t len = sizeof(err);
    if (n == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
      result = fd;
    } else {
      if (n == 0) *why = "connection timed out";
      close(fd);
    }
  }
  freeaddrinfo(res);
  return result;
}

// The head of an HTTP/1.x answer: status, content type, how the body is framed.
struct Head {
  int status = 0;
  std::string content_type;
  bool chunked = false;
  int64_t content_length = -1;
};

bool ParseHead(std::string_view head, Head* h) {
  if (head.substr(0, 7) != "HTTP/1." || head.size() < 12) return false;
  h->status = std::atoi(std::string(head.substr(9, 3)).c_str());
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view line = head.substr(pos + 2, next == std::string_view::npos ? head.npos
                                                                               : next - pos - 2);
    pos = next;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name == "content-type") h->content_type = std::string(value);
    if (name == "transfer-encoding" && value.find("chunked") != std::string_view::npos) {
      h->chunked = true;
    }
    if (name == "content-length") h->content_length = std::atoll(std::string(value).c_str());
  }
  return h->status > 0;
}

// Decodes chunked framing incrementally: feed bytes, get the body bytes decoded so far.
class Dechunker {
 public:
  // Appends the decoded part of `in` to `out`; false on malformed framing.
  bool Feed(std::string_view in, std::string* out) {
    pending_.append(in);
    size_t pos = 0;
    while (true) {
      if (left_ > 0) {
        size_t take = std::min<size_t>(left_, pending_.size() - pos);
        out->append(pending_, pos, take);
        pos += take;
        left_ -= take;
        if (left_ > 0) break;
        skip_crlf_ = true;
      }
      if (skip_crlf_) {
        if (pending_.size() - pos < 2) break;
        pos += 2;
        skip_crlf_ = false;
      }
      if (done_) break;
      size_t eol = pending_.find("\r\n", pos);
      if (eol == std::string::npos) {
        if (pending_.size() - pos > 64) return false;  // a size line is never this long
        break;
      }
      uint64_t size = 0;
      size_t k = pos;
      for (; k < eol; ++k) {
        int d = std::isxdigit(static_cast<unsigned char>(pending_[k]))
                    ? (std::isdigit(static_cast<unsigned char>(pending_[k]))
                           ? pending_[k] - '0'
                           : (pending_[k] | 0x20) - 'a' + 10)
                    : -1;
        if (d < 0) break;
        if (size > (uint64_t{1} << 40)) return false;
        size = size * 16 + static_cast<uint64_t>(d);
      }
      if (k == pos) return false;
      pos = eol + 2;
      if (size == 0) {
        done_ = true;
        break;
      }
      left_ = size;
    }
    pending_.erase(0, pos);
    return true;
  }
  bool done() const { return done_; }

 private:
  std::string pending_;
  uint64_t left_ = 0;
  bool skip_crlf_ = false, done_ = false;
};

}  // namespace

// Written on POSIX sockets rather than with cpp-httplib: Debian's build of it links OpenSSL and
// Brotli, which add about 5 MiB of resident memory to every godx run (a quarter of what
// `godx pprof top` needs on a large profile), for a plain-http GET of debug endpoints.
Result<FetchResult> HttpGet(const Url& url, const std::string& path_and_query,
                            const FetchOptions& options) {
  std::string where =
      url.ToString().substr(0, url.ToString().size() - url.path.size()) + path_and_query;
  auto start = Clock::now();
  auto connect_deadline =
      start + std::chrono::microseconds(static_cast<int64_t>(options.connect_timeout_s * 1e6));
  auto deadline = start + std::chrono::microseconds(static_cast<int64_t>(options.timeout_s * 1e6));
  std::string why;
  Fd fd(Connect(url, std::min(connect_deadline, deadline), &why));
  if (fd.get() < 0) {
    return Status::Error(fmt::format("{}: {} ({}, limit {:.0f}s)", where, kUnreachable, why,
                                     options.connect_timeout_s));
  }
  std::string req = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: godx\r\nAccept-Encoding: identity\r\n"
      "Connection: close\r\n\r\n",
      path_and_query.empty() ? "/" : path_and_query, url.host, url.port);
  for (size_t sent = 0; sent < req.size();) {
    pollfd p{fd.get(), POLLOUT, 0};
    if (poll(&p, 1, MsLeft(deadline)) != 1) {
      return Status::Error(fmt::format("{}: timed out sending the request", where));
    }
    ssize_t n = send(fd.get(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return Status::Error(fmt::format("{}: {} ({})", where, kUnreachable, std::strerror(errno)));
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }
  FetchResult out;
  std::string head;
  bool have_head = false;
  Head h;
  Dechunker dechunker;
  uint64_t raw_body = 0;
  char buf[64 * 1024];
  while (true) {
    pollfd p{fd.get(), POLLIN, 0};
    int ready = poll(&p, 1, MsLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      return Status::Error(fmt::format("{}: timed out after {:.0f}s ({} bytes received)", where,
                                       options.timeout_s, out.body.size()));
    }
    ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return Status::Error(fmt::format("{}: the connection failed while reading ({})", where,
                                       std::strerror(errno)));
    }
    if (n == 0) break;  // the server closed: the answer is complete (Connection: close)
    std::string_view data(buf, static_cast<size_t>(n));
    if (!have_head) {
      head.append(data);
      size_t end = head.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (head.size() > 64 * 1024) return Status::Error(fmt::format("{}: not an HTTP answer", where));
        continue;
      }
      if (!ParseHead(std::string_view(head).substr(0, end), &h)) {
        return Status::Error(fmt::format("{}: not an HTTP answer", where));
      }
      have_head = true;
      out.status = h.status;
      out.content_type = h.content_type;
      data = std::string_view(head).substr(end + 4);
    }
    if (h.chunked) {
      if (!dechunker.Feed(data, &out.body)) {
        return Status::Error(fmt::format("{}: malformed chunked answer", where));
      }
    } else {
      out.body.append(data);
    }
    raw_body += data.size();
    if (out.body.size() >= options.max_bytes) {
      out.body.resize(options.max_bytes);
      out.truncated = true;  // cut on purpose: what arrived is kept
      return out;
    }
    if (options.on_bytes) options.on_bytes(out.body.size());
    if ((h.chunked && dechunker.done()) ||
        (h.content_length >= 0 && raw_body >= static_cast<uint64_t>(h.content_length))) {
      break;
    }
  }
  if (!have_head) {
    return Status::Error(fmt::format("{}: the connection closed before an answer", where));
  }
  if ((h.chunked && !dechunker.done()) ||
      (h.content_length >= 0 && raw_body < static_cast<uint64_t>(h.content_length))) {
    return Status::Error(fmt::format("{}: the connection closed while reading ({} bytes received)",
                                     where, out.body.size()));
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

bool IsUnreachable(const Status& status) {
  return status.message().find(kUnreachable) != std::string::npos;
}

bool IsUrl(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

Result<std::string> FetchUrl(const std::string& url, double timeout_s, uint64_t max_bytes) {
  GODX_ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  FetchOptions o;
  o.timeout_s = timeout_s;
  o.max_bytes = max_bytes;
  std::string path = u.path.empty() ? "/" : u.path;
  u.path.clear();
  GODX_ASSIGN_OR_RETURN(FetchResult r, HttpGet(u, path, o));
  if (r.truncated) {
    return Status::Error(fmt::format("{}: the answer is larger than the cap of {} bytes", url,
                                     max_bytes));
  }
  if (r.status != 200) {
    std::string first = r.body.substr(0, r.body.find('\n')).substr(0, 120);
    return Status::Error(fmt::format("{}: HTTP status {}{}{}", url, r.status,
                                     first.empty() ? "" : ": ", first));
  }
  return std::move(r.body);
}

}  // namespace godx
