// A small HTTP/1.1 GET client on POSIX sockets. godx needs only "fetch this /debug/pprof URL with
// a deadline"; a full client library (cpp-httplib as Debian builds it) pulls in OpenSSL and
// Brotli, which cost ~6 MiB of resident memory in every godx run, more than godx uses to read a
// typical profile.
#include "core/http_fetch.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace godx {

namespace {

using Clock = std::chrono::steady_clock;

struct Url {
  std::string host, port = "80", path = "/";
};

Result<Url> ParseUrl(const std::string& url) {
  if (!url.starts_with("http://")) return Status::Error(fmt::format("{}: not an http:// URL", url));
  Url u;
  std::string rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  size_t colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
  } else {
    u.host = hostport;
  }
  if (!u.host.empty() && u.host.front() == '[' && u.host.back() == ']') u.host = u.host.substr(1, u.host.size() - 2);
  if (u.host.empty()) return Status::Error(fmt::format("{}: no host in the URL", url));
  return u;
}

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
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Connects with a deadline; returns the socket or -1 with `why` set.
int Connect(const Url& u, Clock::time_point deadline, std::string* why) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res);
  if (rc != 0) {
    *why = fmt::format("cannot resolve host '{}': {}", u.host, gai_strerror(rc));
    return -1;
  }
  int result = -1;
  *why = "connection refused or host unreachable";
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

// Decodes a chunked body in place; false when malformed or cut.
bool Dechunk(std::string_view in, std::string* out) {
  size_t pos = 0;
  while (true) {
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return false;
    uint64_t size = 0;
    size_t k = pos;
    for (; k < eol; ++k) {
      char c = in[k];
      int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
      if (d < 0) break;
      if (size > (uint64_t{1} << 40)) return false;
      size = size * 16 + static_cast<uint64_t>(d);
    }
    if (k == pos) return false;
    pos = eol + 2;
    if (size == 0) return true;
    if (in.size() - pos < size) return false;
    out->append(in.substr(pos, size));
    pos += size + 2;
    if (pos > in.size()) return false;
  }
}

}  // namespace

bool IsUrl(const std::string& s) { return s.starts_with("http://") || s.starts_with("https://"); }

Result<std::string> HttpGet(const std::string& start_url, const HttpFetchOptions& options) {
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000));
  std::string url = start_url;
  for (int redirects = 0; redirects < 5; ++redirects) {
    if (url.starts_with("https://")) {
      return Status::Error(fmt::format("{}: https is not supported; use http:// (e.g. through a "
                                       "port-forward) or save the profile with curl first",
                                       url));
    }
    GODX_ASSIGN_OR_RETURN(Url u, ParseUrl(url));
    std::string why;
    Fd fd(Connect(u, deadline, &why));
    if (fd.get() < 0) return Status::Error(fmt::format("{}: the service did not answer: {}", url, why));
    std::string req = fmt::format(
        "GET {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: godx\r\nAccept-Encoding: identity\r\n"
        "Connection: close\r\n\r\n",
        u.path, u.host, u.port);
    size_t sent = 0;
    while (sent < req.size()) {
      pollfd p{fd.get(), POLLOUT, 0};
      if (poll(&p, 1, MsLeft(deadline)) != 1) {
        return Status::Error(fmt::format("{}: the service did not answer: send timed out", url));
      }
      ssize_t n = send(fd.get(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return Status::Error(fmt::format("{}: the service did not answer: {}", url, std::strerror(errno)));
      }
      if (n > 0) sent += static_cast<size_t>(n);
    }
    std::string resp;
    char buf[64 * 1024];
    while (true) {
      pollfd p{fd.get(), POLLIN, 0};
      int ready = poll(&p, 1, MsLeft(deadline));
      if (ready == 0) {
        return Status::Error(fmt::format("{}: no complete answer within {} s", url, options.timeout_seconds));
      }
      if (ready < 0 && errno == EINTR) continue;
      ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return Status::Error(fmt::format("{}: reading the answer failed: {}", url, std::strerror(errno)));
      }
      resp.append(buf, static_cast<size_t>(n));
      if (resp.size() > options.max_bytes + 65536) {
        return Status::Error(fmt::format("{}: response larger than the cap of {} bytes", url, options.max_bytes));
      }
    }
    size_t head_end = resp.find("\r\n\r\n");
    if (!resp.starts_with("HTTP/1.") || head_end == std::string::npos) {
      return Status::Error(fmt::format("{}: not an HTTP response", url));
    }
    int status = std::atoi(resp.c_str() + 9);
    std::string head = resp.substr(0, head_end);
    std::string lower;
    for (char c : head) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    auto header = [&](std::string_view name) -> std::string {
      size_t at = lower.find(fmt::format("\r\n{}:", name));
      if (at == std::string::npos) return "";
      size_t v = at + 3 + name.size();
      size_t e = head.find("\r\n", v);
      std::string value = head.substr(v, e == std::string::npos ? std::string::npos : e - v);
      size_t a = value.find_first_not_of(' ');
      return a == std::string::npos ? "" : value.substr(a);
    };
    std::string_view raw_body = std::string_view(resp).substr(head_end + 4);
    std::string body;
    if (header("transfer-encoding").find("chunked") != std::string::npos) {
      if (!Dechunk(raw_body, &body)) return Status::Error(fmt::format("{}: the chunked answer was cut short", url));
    } else {
      body.assign(raw_body);
      std::string cl = header("content-length");
      if (!cl.empty() && std::strtoull(cl.c_str(), nullptr, 10) != body.size()) {
        return Status::Error(fmt::format("{}: the answer was cut short ({} of {} bytes)", url, body.size(), cl));
      }
    }
    if (status >= 300 && status < 400 && !header("location").empty()) {
      std::string loc = header("location");
      url = loc.starts_with("/") ? fmt::format("http://{}:{}{}", u.host, u.port, loc) : loc;
      continue;
    }
    if (status != 200) {
      std::string first = body.substr(0, body.find('\n')).substr(0, 120);
      return Status::Error(fmt::format("{}: HTTP status {}{}{}", url, status, first.empty() ? "" : ": ", first));
    }
    return body;
  }
  return Status::Error(fmt::format("{}: too many redirects", start_url));
}

}  // namespace godx
