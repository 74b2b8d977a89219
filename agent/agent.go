package agent

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options says which parts of the agent run. The zero value runs none: each part is opt-in.
type Options struct {
	// Dir receives the crash bundle and flight-recorder snapshots; "" means the executable's
	// directory.
	Dir string
	// CrashOutput arms [EnableCrashOutput] in Dir.
	CrashOutput bool
	// Flight, when set, runs the flight recorder ([StartFlightRecorder]); its Dir defaults to Dir.
	Flight *FlightOptions
	// Slow is the request latency over which [Agent.Middleware] writes a flight-recorder
	// snapshot; 0 is off.
	Slow time.Duration
	// Expvar publishes the goroutine/thread and memory cross-check as the expvar "godx".
	Expvar bool
}

// Agent is the in-process side of godx. Its methods are safe for concurrent use.
type Agent struct {
	opts    Options
	crash   *CrashOutput
	flight  *FlightRecorder
	capture sync.Mutex // one bundle at a time: two CPU profiles cannot run at once
	stop    sync.Once
}

// Start starts the parts Options asks for.
func Start(opts Options) (*Agent, error) {
	a := &Agent{opts: opts}
	if opts.CrashOutput {
		c, err := EnableCrashOutput(opts.Dir)
		if err != nil {
			return nil, err
		}
		a.crash = c
	}
	if opts.Flight != nil {
		fo := *opts.Flight
		if fo.Dir == "" {
			fo.Dir = opts.Dir
		}
		f, err := StartFlightRecorder(fo)
		if err != nil {
			a.Stop()
			return nil, err
		}
		a.flight = f
	}
	if opts.Expvar {
		PublishExpvar()
	}
	return a, nil
}

// Crash returns the crash bundle, nil when crash output is off.
func (a *Agent) Crash() *CrashOutput { return a.crash }

// Flight returns the flight recorder, nil when it is off.
func (a *Agent) Flight() *FlightRecorder { return a.flight }

// Stop stops the flight recorder and the crash output (removing the crash bundle when nothing
// crashed). Call it on a clean shutdown.
func (a *Agent) Stop() {
	a.stop.Do(func() {
		a.flight.Stop()
		if a.crash != nil {
			a.crash.Close()
		}
	})
}

// Snapshot writes the flight recorder's window now and returns the file's path.
func (a *Agent) Snapshot(reason string) (string, error) { return a.flight.SnapshotNow(reason) }

// Go runs f in a new goroutine. When f panics, the flight recorder's window (the seconds before
// the panic) is written first, then the panic goes on untouched — the program crashes with the
// runtime's usual traceback, which the crash output keeps. Nothing here calls recover: the
// runtime runs deferred calls before it prints an unhandled panic, so a deferred call that sees f
// did not return can write the window, and the traceback still starts at the panicking frame
// (a recover and re-panic would put this function's frame on top and mark the panic
// "[recovered, repanicked]"). A runtime.Goexit in f also writes a window.
func (a *Agent) Go(f func()) {
	go func() {
		returned := false
		defer func() {
			if !returned {
				a.flight.Snapshot("goroutine-panic")
			}
		}()
		f()
		returned = true
	}()
}

// Middleware wraps h with [Recover], using the agent's flight recorder and Slow threshold.
func (a *Agent) Middleware(h http.Handler) http.Handler {
	return Recover(h, RecoverOptions{Flight: a.flight, Slow: a.opts.Slow})
}

// AgentFormat is what the agent index says it is; godx looks for it at /debug/godx/.
const AgentFormat = "godx-agent/1"

// Handler serves the agent endpoint; mount it at /debug/godx/ (see [Agent.Register]):
//
//	/debug/godx/           index: {"format": "godx-agent/1", ...} — how godx recognises the agent
//	/debug/godx/bundle     a capture bundle as a tar stream (?cpu=10s&trace=2s)
//	/debug/godx/metrics    the cross-check in OpenMetrics text
//	/debug/godx/crosscheck the cross-check as JSON
//	/debug/godx/trace      the flight recorder's window (404 when it is off)
//
// It exposes goroutine stacks, profiles and the command line: serve it where pprof would be
// served, on loopback or behind authentication, never on a public port.
func (a *Agent) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/godx/{$}", a.serveIndex)
	mux.HandleFunc("GET /debug/godx/bundle", a.serveBundle)
	mux.Handle("GET /debug/godx/metrics", MetricsHandler())
	mux.HandleFunc("GET /debug/godx/crosscheck", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ReadCrossCheck())
	})
	mux.HandleFunc("GET /debug/godx/trace", a.serveTrace)
	return mux
}

// Register mounts [Agent.Handler] at /debug/godx/ on mux.
func (a *Agent) Register(mux *http.ServeMux) { mux.Handle("/debug/godx/", a.Handler()) }

// ListenLoopback serves the agent endpoint on its own listener, for services that do not want it
// on their own mux. addr must be a loopback address ("" means 127.0.0.1:0, a free port). It returns
// the listener's address and a function that closes it.
func (a *Agent) ListenLoopback(addr string) (net.Addr, func() error, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("godx agent: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, nil, fmt.Errorf("godx agent: %s is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("godx agent: %w", err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return ln.Addr(), srv.Close, nil
}

func (a *Agent) serveIndex(w http.ResponseWriter, r *http.Request) {
	idx := map[string]any{
		"format":          AgentFormat,
		"agent_version":   Version,
		"go_version":      runtime.Version(),
		"program":         programName(),
		"pid":             os.Getpid(),
		"flight_recorder": a.flight.Enabled(),
		"bundle":          "/debug/godx/bundle",
		"metrics":         "/debug/godx/metrics",
		"crosscheck":      "/debug/godx/crosscheck",
		"trace":           "/debug/godx/trace",
	}
	if a.crash != nil {
		idx["crash_bundle"] = a.crash.Dir
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(idx)
}

// parseSeconds reads "10s", "1.5s", "500ms" or a plain number of seconds, as pprof's endpoints do.
func parseSeconds(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		s += "s"
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > 5*time.Minute {
		return 0, fmt.Errorf("%q is not a duration between 0 and 5m", strings.TrimSuffix(s, "s"))
	}
	return d, nil
}

func (a *Agent) serveBundle(w http.ResponseWriter, r *http.Request) {
	var o captureOptions
	var err error
	if o.cpu, err = parseSeconds(r.URL.Query().Get("cpu"), time.Second); err == nil {
		o.trace, err = parseSeconds(r.URL.Query().Get("trace"), time.Second)
	}
	if err != nil {
		http.Error(w, "godx agent: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !a.capture.TryLock() {
		http.Error(w, "godx agent: another bundle is being captured", http.StatusTooManyRequests)
		return
	}
	defer a.capture.Unlock()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	o.url = scheme + "://" + r.Host + "/debug/godx/"
	w.Header().Set("Content-Type", "application/x-tar")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q",
		fmt.Sprintf("godx-agent-%s-%d-%s.tar", programName(), os.Getpid(), stamp(time.Now()))))
	rc := http.NewResponseController(w)
	// Headers and each file go out as soon as they exist, so a client's deadline sees progress
	// while the CPU profile runs.
	a.tarBundle(w, func() { rc.Flush() }, o)
}

func (a *Agent) serveTrace(w http.ResponseWriter, r *http.Request) {
	if !a.flight.Enabled() {
		http.Error(w, "godx agent: the flight recorder is off", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="trace.out"`)
	a.flight.WriteTo(w) // an error after the headers can only cut the body short
}
