// `godx stacks -` must stream: text before a dump comes out while stdin is still open, and a
// dump's report comes out as soon as the dump ends, not at EOF.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace {

class Child {
 public:
  explicit Child(const char* bin) {
    int in[2], out[2];
    EXPECT_EQ(pipe(in), 0);
    EXPECT_EQ(pipe(out), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(bin, bin, "stacks", "--no-color", "-", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~Child() {
    if (in_ >= 0) close(in_);
    close(out_);
    int status;
    waitpid(pid_, &status, 0);
  }
  void Write(const std::string& s) { EXPECT_EQ(write(in_, s.data(), s.size()), ssize_t(s.size())); }
  void CloseInput() {
    close(in_);
    in_ = -1;
  }
  // Reads until `want` has been seen or 5 s passed; returns everything read so far.
  std::string ReadUntil(const std::string& want) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got_.find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      got_.append(buf, static_cast<size_t>(n));
    }
    return got_;
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string got_;
};

TEST(StacksStream, PrintsTextAndDumpsBeforeEof) {
  const char* bin = std::getenv("GODX_BIN");
  ASSERT_NE(bin, nullptr) << "run through ctest";
  signal(SIGPIPE, SIG_IGN);
  Child child(bin);
  child.Write("=== RUN   TestA\n");
  EXPECT_NE(child.ReadUntil("=== RUN   TestA\n").find("=== RUN   TestA\n"), std::string::npos)
      << "text must come through while stdin is open";
  child.Write(
      "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:5 +0x1d\n"
      "exit status 2\n");
  std::string out = child.ReadUntil("exit status 2\n");
  EXPECT_NE(out.find("panic: boom"), std::string::npos) << out;
  EXPECT_NE(out.find("Culprit            main.main"), std::string::npos) << out;
  EXPECT_NE(out.find("└──\nexit status 2\n"), std::string::npos) << out;
  child.CloseInput();
}

}  // namespace
