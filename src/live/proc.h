// What Linux says about a process: /proc/PID/status, /proc/PID/smaps_rollup, its open file
// descriptors and listening TCP sockets. Parsers take the file text (tests, fuzzers, bundles);
// ReadProcess reads a live process. Sizes are bytes; -1 means the kernel did not say.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/report.h"
#include "core/status.h"

namespace godx::live {

struct ProcStatus {
  std::string name;
  int64_t pid = -1;
  int64_t threads = -1;
  int64_t vm_rss = -1, rss_anon = -1, rss_file = -1, rss_shmem = -1, vm_hwm = -1, vm_swap = -1;
  // CPUs the process may run on (Cpus_allowed_list): GOMAXPROCS's default before Go 1.25 and
  // its upper bound since (a cgroup CPU limit can lower it).
  int64_t cpus_allowed = -1;
};
// Fails when the text has no "Name:" or "Pid:" line (not a /proc/PID/status file).
Result<ProcStatus> ParseProcStatus(std::string_view text, const std::string& name);

struct SmapsRollup {
  int64_t rss = -1, pss = -1, anonymous = -1, lazy_free = -1, anon_huge_pages = -1, swap = -1,
          private_dirty = -1;
};
SmapsRollup ParseSmapsRollup(std::string_view text);

// "0-3,8,10-11" → 7; -1 when the list is malformed.
int64_t CountCpuList(std::string_view list);

// One LISTEN socket from /proc/PID/net/tcp or tcp6.
struct Listener {
  std::string address;  // "127.0.0.1", "0.0.0.0", "::", "::1"
  uint16_t port = 0;
  uint64_t inode = 0;
};
// Lines whose state is 0A (LISTEN); other lines and malformed ones are skipped.
std::vector<Listener> ParseNetTcp(std::string_view text, bool v6);

// "socket:[12345]" → 12345; 0 when `link` is not a socket.
uint64_t SocketInode(std::string_view link);

struct ProcessInfo {
  int64_t pid = -1;
  std::string exe;  // /proc/PID/exe target
  std::vector<std::string> cmdline;
  std::string status_text, smaps_rollup_text;  // raw, for the bundle
  ProcStatus status;
  SmapsRollup smaps;
  int64_t fds = -1;                   // open file descriptors (-1: not allowed to look)
  std::vector<Listener> listeners;    // the process's own listening sockets
  std::string go_version, go_module;  // from the binary's build info, when readable
  std::string go_buildinfo_note;      // why it was not readable
  int64_t gomaxprocs_env = -1;        // GOMAXPROCS=N in its environment, when set and readable
};

// Reads /proc/PID (under `proc_root`, "/proc" except in tests). Fails when the process does not
// exist or its status cannot be read; anything else missing is left unknown.
Result<ProcessInfo> ReadProcess(int64_t pid, const std::string& proc_root = "/proc");

// The PID of the local process listening on TCP `port` (loopback or wildcard), found through
// /proc/net/tcp{,6} and the socket fds of every process this user may look at; -1 when none.
// Bounded: at most 4096 processes and 65536 fds each are looked at.
int64_t FindListenerPid(uint16_t port, const std::string& proc_root = "/proc");

// Facts and a JSON object describing the process, shared by doctor and watch.
Json ProcessToJson(const ProcessInfo& p);

}  // namespace godx::live
