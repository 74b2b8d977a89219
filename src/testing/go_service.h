// A Go program of testdata/gen/ started as a service for end-to-end tests: it listens on
// 127.0.0.1:0 and prints "listening on ADDR"; the address is read from that line.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace godx::testing {

class GoService {
 public:
  // Starts `bin` with `args` and waits up to 10 s for its "listening on" line; up() says whether
  // it came.
  GoService(const std::string& bin, std::vector<std::string> args);
  ~GoService() { Stop(); }
  GoService(const GoService&) = delete;
  GoService& operator=(const GoService&) = delete;

  // Kills the service (SIGKILL) and reaps it; safe to call twice.
  void Stop();
  bool up() const { return !addr_.empty(); }
  const std::string& addr() const { return addr_; }
  std::string url() const { return "http://" + addr_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string addr_;
};

// A fresh directory under /tmp named for `what` (e.g. "e2e"), made with mkdtemp.
std::string MakeTempDir(const std::string& what);

}  // namespace godx::testing
