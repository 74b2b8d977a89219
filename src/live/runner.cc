#include "live/runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include "core/input.h"
#include "core/text.h"
#include "gclog/reader.h"
#include "live/buildinfo.h"
#include "schedlog/reader.h"

extern char** environ;

namespace godx::live {

namespace {

constexpr size_t kMaxLine = 1 << 20;  // longer lines are passed through but not parsed
constexpr size_t kTailLines = 40;

volatile sig_atomic_t g_child = 0;

void ForwardSignal(int sig) {
  if (g_child > 0) kill(g_child, sig);
}

void WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
}

bool IsDetailLine(std::string_view line) {
  // scheddetail: "  P0: status=1 ...", "  M3: p=-1 ...", "  G1: status=4(...) ..."
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i == 0 || i + 2 >= line.size()) return false;
  char k = line[i];
  if (k != 'P' && k != 'M' && k != 'G') return false;
  size_t j = i + 1;
  while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
  return j > i + 1 && line.substr(j, 2) == ": ";
}

}  // namespace

std::string MergeGodebug(std::string_view user, std::string_view ours) {
  auto key_of = [](std::string_view kv) { return kv.substr(0, kv.find('=')); };
  std::vector<std::string_view> our_items;
  for (size_t p = 0; p <= ours.size();) {
    size_t c = ours.find(',', p);
    std::string_view item = ours.substr(p, c == ours.npos ? ours.npos : c - p);
    if (!item.empty()) our_items.push_back(item);
    if (c == ours.npos) break;
    p = c + 1;
  }
  std::string out;
  for (size_t p = 0; p <= user.size();) {
    size_t c = user.find(',', p);
    std::string_view item = user.substr(p, c == user.npos ? user.npos : c - p);
    bool overridden = false;
    for (auto o : our_items) overridden = overridden || key_of(o) == key_of(item);
    if (!item.empty() && !overridden) {
      if (!out.empty()) out += ',';
      out += item;
    }
    if (c == user.npos) break;
    p = c + 1;
  }
  for (auto o : our_items) {
    if (!out.empty()) out += ',';
    out += o;
  }
  return out;
}

bool IsRuntimeLine(std::string_view line) {
  if (line.size() > 3 && line.substr(0, 3) == "gc " && line[3] >= '0' && line[3] <= '9')
    return true;
  if (line.substr(0, 2) == "gc" && line.size() > 2 && line[2] >= '0' && line[2] <= '9')
    return true;  // Go 1.4
  if (line.substr(0, 6) == "SCHED ") return true;
  if (line.substr(0, 9) == "GC forced") return true;
  if (line.substr(0, 4) == "scvg") return true;
  if (line.substr(0, 5) == "scav ") return true;
  return IsDetailLine(line);
}

bool StartsTraceback(std::string_view line) {
  if (line.substr(0, 7) == "panic: " || line.substr(0, 13) == "fatal error: " ||
      line.substr(0, 24) == "unexpected fault address" ||
      line.substr(0, 19) == "WARNING: DATA RACE") {
    return true;
  }
  // "SIGQUIT: quit", "SIGSEGV: segmentation violation", "SIGABRT: abort" (fatal signals)
  for (std::string_view sig : {"SIGQUIT: ", "SIGSEGV: ", "SIGABRT: ", "SIGBUS: ", "SIGFPE: ",
                               "SIGILL: ", "SIGTRAP: ", "SIGSYS: ", "SIGEMT: "}) {
    if (line.substr(0, sig.size()) == sig) return true;
  }
  return false;
}

bool RunOutcome::Crashed() const {
  if (exit_code != 0 && !traceback.empty()) return true;
  switch (term_signal) {
    case SIGSEGV:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGILL:
    case SIGTRAP:
    case SIGSYS:
    case SIGQUIT:
      return true;
    default:
      return false;
  }
}

Result<RunOutcome> RunProgram(const RunOptions& options) {
  if (options.argv.empty())
    return Status::Error("no program to run; usage: godx run -- PROGRAM ARGS...");
  int err_pipe[2], exec_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return Status::Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  const char* user = std::getenv("GODEBUG");
  std::string godebug = MergeGodebug(user ? user : "", options.godebug);
  std::vector<char*> args;
  for (const auto& a : options.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) return Status::Error(fmt::format("cannot fork: {}", std::strerror(errno)));
  if (pid == 0) {
    dup2(err_pipe[1], STDERR_FILENO);
    setenv("GODEBUG", godebug.c_str(), 1);
    signal(SIGINT, SIG_DFL);
    execvp(args[0], args.data());
    int e = errno;
    (void)!write(exec_pipe[1], &e, sizeof e);
    _exit(127);
  }
  close(err_pipe[1]);
  close(exec_pipe[1]);
  int exec_errno = 0;
  if (read(exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    close(exec_pipe[0]);
    close(err_pipe[0]);
    waitpid(pid, nullptr, 0);
    return Status::Error(
        fmt::format("cannot run '{}': {}", options.argv[0], std::strerror(exec_errno)));
  }
  close(exec_pipe[0]);
  RunOutcome out;
  // The binary that really runs (after PATH lookup and symlinks), read while it still exists:
  // its build info names the Go release even when it was built with -trimpath.
  if (auto info = ReadGoBuildInfo(fmt::format("/proc/{}/exe", pid)); info.ok()) {
    out.go_version = info->go_version;
  }

  // Ctrl-C reaches the whole foreground process group: the program decides what to do with it,
  // godx waits for it. SIGTERM sent to godx alone is passed on.
  g_child = pid;
  struct sigaction ign {
  }, fwd{}, old_int{}, old_term{};
  ign.sa_handler = SIG_IGN;
  fwd.sa_handler = ForwardSignal;
  sigaction(SIGINT, &ign, &old_int);
  sigaction(SIGTERM, &fwd, &old_term);

  std::string pending;  // an incomplete last line
  std::deque<std::string> tail;
  bool in_traceback = false;
  auto on_line = [&](std::string_view line, std::string_view raw) {
    bool runtime = !in_traceback && line.size() < kMaxLine && IsRuntimeLine(line);
    if (!runtime || !options.quiet_runtime) WriteAll(STDERR_FILENO, raw);
    if (runtime) {
      ++out.runtime_lines;
      if (out.runtime_log.size() + raw.size() <= options.max_log_bytes) {
        out.runtime_log.append(line);
        out.runtime_log.push_back('\n');
      } else {
        out.log_cut = true;
      }
      if (line.substr(0, 3) == "gc " || (line.size() > 2 && line[2] >= '0' && line[2] <= '9')) {
        if (auto c = gclog::ParseGcLine(line)) {
          ++out.gc_cycles;
          out.last_heap_mb = c->heap_live_mb;
        }
      } else if (line.substr(0, 6) == "SCHED ") {
        // The schedtrace reader reads the one line as it arrives (about once a second).
        auto in = Input::FromBytes("stderr", std::string(line));
        if (in.ok()) {
          if (auto t = schedlog::ReadSchedTrace(*in); t.ok() && !t->samples.empty()) {
            const schedlog::SchedSample& s = t->samples.back();
            ++out.sched_samples;
            out.last_gomaxprocs = s.gomaxprocs;
            out.last_threads = s.threads;
            out.last_runqueue = s.runqueue;
            out.max_threads = std::max(out.max_threads, s.threads);
          }
        }
      }
      return;
    }
    if (!in_traceback && StartsTraceback(line)) in_traceback = true;
    if (in_traceback) {
      if (out.traceback.size() + raw.size() <= options.max_traceback_bytes) {
        out.traceback.append(line);
        out.traceback.push_back('\n');
      } else {
        out.traceback_cut = true;
      }
    } else {
      tail.emplace_back(line.substr(0, 4096));
      if (tail.size() > kTailLines) tail.pop_front();
    }
  };
  char buf[64 << 10];
  bool exited = false;
  int status = 0;
  auto exit_seen = std::chrono::steady_clock::time_point::max();
  while (true) {
    pollfd p{err_pipe[0], POLLIN, 0};
    int r = poll(&p, 1, 200);
    if (r > 0) {
      ssize_t n = read(err_pipe[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EOF: every writer closed the pipe
      pending.append(buf, static_cast<size_t>(n));
      size_t pos = 0;
      while (true) {
        size_t nl = pending.find('\n', pos);
        if (nl == std::string::npos) break;
        std::string_view raw(pending.data() + pos, nl - pos + 1);
        std::string_view line = raw.substr(0, raw.size() - 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        on_line(line, raw);
        pos = nl + 1;
      }
      pending.erase(0, pos);
      // A line longer than the cap is passed through as it comes, unparsed.
      if (pending.size() > kMaxLine) {
        WriteAll(STDERR_FILENO, pending);
        pending.clear();
      }
    } else if (r < 0 && errno != EINTR) {
      break;
    }
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      exit_seen = std::chrono::steady_clock::now();
    }
    // A grandchild may hold the pipe open after the program exited: stop reading a second later.
    if (exited && std::chrono::steady_clock::now() - exit_seen > std::chrono::seconds(1)) break;
  }
  if (!pending.empty()) on_line(pending, pending);
  close(err_pipe[0]);
  if (!exited) waitpid(pid, &status, 0);
  g_child = 0;
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFSIGNALED(status)) {
    out.term_signal = WTERMSIG(status);
    out.exit_code = 128 + out.term_signal;
  } else {
    out.exit_code = WEXITSTATUS(status);
  }
  for (const auto& l : tail) {
    out.stderr_tail += l;
    out.stderr_tail += '\n';
  }
  return out;
}

}  // namespace godx::live
