#include "testing/go_service.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace godx::testing {

GoService::GoService(const std::string& bin, std::vector<std::string> args) {
  int out[2];
  if (pipe(out) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    std::vector<char*> argv{const_cast<char*>(bin.c_str())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && addr_.empty()) {
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n > 0) text.append(buf, size_t(n));
    size_t at = text.find("listening on ");
    size_t nl = at == std::string::npos ? at : text.find('\n', at);
    if (nl != std::string::npos)
      addr_ = text.substr(at + 13, nl - at - 13);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  close(out[0]);
}

void GoService::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

std::string MakeTempDir(const std::string& what) {
  std::string tmpl = "/tmp/godx-" + what + "-XXXXXX";
  char* dir = mkdtemp(tmpl.data());
  return dir ? std::string(dir) : std::string();
}

}  // namespace godx::testing
