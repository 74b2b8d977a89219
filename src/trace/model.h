// The execution-trace model shared by both wire formats: events as the readers hand them out, one
// at a time, and what a reading learnt about the trace as a whole. Nothing here owns trace bytes:
// string_views point into the Input the reader was given and live as long as it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace godx::trace {

// "No M / P / G" in an event's context.
inline constexpr uint64_t kNone = ~uint64_t{0};

// What an event means, shared by the old (Go 1.5–1.21) and new (Go 1.22+) formats, whose wire
// types differ. The wire type is kept in Event::wire_type for views that need it.
enum class Kind : uint8_t {
  kOther,
  kProcStart,
  kProcStop,
  kProcSteal,
  kProcStatus,
  kProcsChange,
  kGoCreate,
  kGoStart,
  kGoEnd,
  kGoStop,    // still runnable: preempted, Gosched
  kGoBlock,   // waiting: channel, select, sync, network, sleep, GC assist ...
  kGoUnblock,
  kGoSyscallBegin,
  kGoSyscallEnd,
  kGoSyscallEndBlocked,
  kGoStatus,
  kGcBegin,
  kGcEnd,
  kGcActive,  // a collection already running when a generation started (new format)
  kStwBegin,
  kStwEnd,
  kGcSweepBegin,
  kGcSweepEnd,
  kGcMarkAssistBegin,
  kGcMarkAssistEnd,
  kHeapAlloc,
  kHeapGoal,
  kUserTaskBegin,
  kUserTaskEnd,
  kUserRegionBegin,
  kUserRegionEnd,
  kUserLog,
  kGoLabel,
  kCpuSample,
  kExperimental,  // allocation/free experiment events (GODEBUG=traceallocfree=1)
};

// The event classes `godx trace` counts.
enum class EventClass : uint8_t { kProc, kGoroutine, kSyscall, kGc, kHeap, kUser, kCpuSample,
                                  kOther, kCount };
std::string_view ClassName(EventClass c);

// Goroutine and P states as upstream's reader (internal/trace, x/exp/trace) names them; the
// ordering gives each event the transition it implies.
enum class GoState : uint8_t { kUndetermined, kNotExist, kRunnable, kRunning, kWaiting, kSyscall };
enum class ProcState : uint8_t { kUndetermined, kNotExist, kRunning, kIdle };
std::string_view GoStateName(GoState s);
std::string_view ProcStateName(ProcState s);

struct Transition {
  enum class Resource : uint8_t { kNone, kGoroutine, kProc };
  Resource resource = Resource::kNone;
  uint64_t id = kNone;  // the goroutine or P that changes state
  GoState go_from = GoState::kUndetermined, go_to = GoState::kUndetermined;
  ProcState proc_from = ProcState::kUndetermined, proc_to = ProcState::kUndetermined;
  // The stack the transition names: for GoCreate the new goroutine's start stack, otherwise the
  // event's own stack (0: none). Resolve it with Generation::resolver.
  uint64_t stack = 0;
  // Why a goroutine stopped or blocked (GoStop, GoBlock): "chan receive", "network", "sync",
  // "preempted" ... as upstream names it; old-format block events get upstream's converter names.
  std::string_view reason;
  bool is_go() const { return resource == Resource::kGoroutine; }
  bool is_proc() const { return resource == Resource::kProc; }
};

struct Event {
  uint64_t offset = 0;   // byte offset of the event's type byte in the file
  int64_t time_ns = 0;   // trace clock, nanoseconds (not wall time; comparable within one trace)
  uint64_t m = kNone, p = kNone, g = kNone;  // the context the reader knows (see each reader)
  uint64_t stack = 0;    // stack ID, 0 when none (IDs are per generation in the new format)
  // The spec's arguments after the timestamp, stack IDs included, in wire order.
  uint64_t args[6] = {};
  uint8_t nargs = 0;
  uint8_t wire_type = 0;
  Kind kind = Kind::kOther;
  EventClass cls = EventClass::kOther;
  std::string_view name;  // the wire type's name in upstream's spec ("GoBlock", "GoSysCall")
  // Strings the event names, resolved: block/stop reason, STW kind, task/region name, log key.
  std::string_view str;
  std::string_view str2;  // log value
  // Set by the ordering (both formats): the goroutine or P state change the event implies, and
  // m/p/g above are then the context before the event, as upstream's Event.Goroutine()/Proc().
  Transition transition;
};

struct Frame {
  uint64_t pc = 0;
  std::string_view func, file;  // empty in Go 1.5 traces (PCs only)
  uint64_t line = 0;
};

// Resolves the stack IDs events carry. Valid from OnGeneration until the next OnGeneration or the
// end of the reading (new-format stack IDs are per generation).
class StackResolver {
 public:
  virtual ~StackResolver() = default;
  // Leaf first; false when the ID is unknown (out is then empty).
  virtual bool Frames(uint64_t stack_id, std::vector<Frame>* out) const = 0;
};

// One generation of a new-format trace (Go 1.22+): the unit of streaming.
struct Generation {
  uint64_t number = 0;
  uint64_t offset = 0;       // first batch
  uint64_t end_offset = 0;   // after its last batch (or end-of-generation marker)
  uint64_t batches = 0;
  uint64_t frequency = 0;    // ticks per second
  uint64_t strings = 0, stacks = 0, cpu_samples = 0;
  uint64_t experimental_batches = 0, experimental_bytes = 0;
  bool clock_snapshot = false;
  bool end_marker = false;   // Go 1.26+: ended by EndOfGeneration
  // The time of upstream's Sync event that opens the generation (its earliest batch, kept after
  // every earlier event): goroutines first seen in it are taken to exist since then.
  int64_t sync_ns = 0;
  const StackResolver* resolver = nullptr;  // its stack IDs to frames
};

// What a whole reading learnt.
struct TraceInfo {
  int header_minor = 0;       // "go 1.N trace": N (the format version, not always the release)
  bool new_format = false;    // Go 1.22+ generations
  uint64_t bytes = 0;
  uint64_t frequency = 0;     // ticks per second (the last generation's, for the new format)
  uint64_t generations = 0;
  uint64_t first_generation = 0, last_generation = 0;
  bool end_markers = false;   // every generation ended by EndOfGeneration
  bool clock_snapshots = false;
  uint64_t batches = 0;
  uint64_t experimental_batches = 0, experimental_bytes = 0;
  uint64_t events = 0;        // timed events handed out, CPU samples included
  uint64_t strings = 0, stacks = 0;
  bool pcs_only = false;      // Go 1.5: stacks hold PCs, symbolizing needs the binary
  // Non-empty when the trace ends early: what was cut and where; what came before was read.
  std::string cut;
};

// Receives a reading, event by event. For the new format OnGeneration comes before the events of
// its generation; the old format is one generation-less stream, opened by one OnGeneration
// (number 0) that carries its stack table. Events arrive in upstream's order.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnGeneration(const Generation&) {}
  // After the last event: upstream's closing Sync time (the last event's time + 1 ns).
  virtual void OnEnd(int64_t /*sync_ns*/) {}
  virtual void OnEvent(const Event& event) = 0;
};

}  // namespace godx::trace
