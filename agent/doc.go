// Package agent makes a Go service diagnosable from the inside and feeds godx, the command-line
// toolkit that reads what the Go runtime emits.
//
// It does the few things that only work from inside the process, and writes each in the form godx
// reads:
//
//   - Crash capture: [EnableCrashOutput] points [debug.SetCrashOutput] at a crash bundle next to the
//     program, headed with the build info and GODEBUG settings. `godx stacks DIR/traceback.txt` and
//     `godx doctor DIR` read it.
//   - A flight recorder ([FlightRecorder], runtime/trace.FlightRecorder): the last seconds of
//     execution trace, written when a wrapped goroutine or handler panics, a request is slower than
//     a threshold, a chosen signal arrives, or on demand. `godx trace FILE` reads it.
//   - HTTP panic recovery ([Recover]): per request, logged once in the standard
//     "http: panic serving ADDR: VALUE" form followed by the stack, which `godx stacks` groups.
//   - The agent endpoint ([Agent.Handler], opt-in): /debug/godx/ serves a capture bundle
//     (/debug/godx/bundle, a tar of the directory layout `godx doctor DIR` reads) that `godx doctor`
//     and `godx watch` fetch in one request.
//   - Goroutine/thread and Go-memory/RSS cross-check metrics ([ReadCrossCheck]) as expvar and
//     OpenMetrics text.
//   - [Pool], a typed sync.Pool that detects misuse under the godxpooldebug build tag and costs
//     nothing without it.
//   - Zero-copy views ([String], [Bytes], [SliceOf], [BytesOf]) built on unsafe.String and
//     unsafe.Slice with length and alignment checks.
//
// The package uses the standard library only.
package agent
