package agent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// FlightOptions configures the flight recorder.
type FlightOptions struct {
	// Window is how far back a snapshot reaches (trace.FlightRecorderConfig.MinAge); 0 means 10s.
	Window time.Duration
	// MaxBytes bounds the window's size and wins over Window; 0 means 16 MiB.
	MaxBytes uint64
	// Dir receives the snapshot files; "" means the executable's directory.
	Dir string
	// MinInterval is the least time between two automatic snapshots (panics, slow requests,
	// signals), so that a burst of failures writes one window, not hundreds; 0 means 10s.
	// Snapshots asked for on demand are not limited.
	MinInterval time.Duration
	// Signals, when set, are caught: on each the recorder writes a snapshot, then the signal's
	// default action is restored and the signal raised again, so the program still ends as it
	// would have. SIGTERM and SIGINT are the usual choice. (A crash the runtime reports as a fatal
	// error runs no Go code; the crash output captures those.)
	Signals []os.Signal
}

// FlightRecorder keeps a runtime/trace.FlightRecorder running and writes its window — the seconds
// before a failure — to files godx trace reads.
type FlightRecorder struct {
	opts  FlightOptions
	fr    *trace.FlightRecorder
	mu    sync.Mutex // one WriteTo at a time, as the runtime requires
	last  atomic.Int64
	seq   atomic.Int64
	sigCh chan os.Signal
	done  chan struct{}
	// Snapshots counts the snapshot files written.
	snapshots atomic.Int64
}

// StartFlightRecorder starts the recorder. Only one flight recorder and one trace.Start can run
// in a process at a time in some releases; the error says so.
func StartFlightRecorder(opts FlightOptions) (*FlightRecorder, error) {
	if opts.Window == 0 {
		opts.Window = 10 * time.Second
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = 16 << 20
	}
	if opts.MinInterval == 0 {
		opts.MinInterval = 10 * time.Second
	}
	if opts.Dir == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("godx agent: flight recorder: no directory given and %v", err)
		}
		opts.Dir = filepath.Dir(exe)
	}
	f := &FlightRecorder{
		opts: opts,
		fr:   trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: opts.Window, MaxBytes: opts.MaxBytes}),
		done: make(chan struct{}),
	}
	if err := f.fr.Start(); err != nil {
		return nil, fmt.Errorf("godx agent: flight recorder: %w", err)
	}
	if len(opts.Signals) > 0 {
		f.sigCh = make(chan os.Signal, 1)
		signal.Notify(f.sigCh, opts.Signals...)
		go f.onSignals()
	}
	return f, nil
}

func (f *FlightRecorder) onSignals() {
	select {
	case sig := <-f.sigCh:
		f.SnapshotNow("signal-" + signalName(sig))
		signal.Reset(sig)
		if s, ok := sig.(syscall.Signal); ok {
			_ = syscall.Kill(os.Getpid(), s)
		}
	case <-f.done:
	}
}

func signalName(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok {
		switch s {
		case syscall.SIGTERM:
			return "SIGTERM"
		case syscall.SIGINT:
			return "SIGINT"
		case syscall.SIGQUIT:
			return "SIGQUIT"
		case syscall.SIGHUP:
			return "SIGHUP"
		}
		return fmt.Sprintf("signal%d", int(s))
	}
	return "signal"
}

// Enabled reports whether the recorder is running.
func (f *FlightRecorder) Enabled() bool { return f != nil && f.fr.Enabled() }

// Snapshots returns how many snapshot files were written.
func (f *FlightRecorder) Snapshots() int64 { return f.snapshots.Load() }

// WriteTo writes the current window (a complete execution trace) to w.
func (f *FlightRecorder) WriteTo(w io.Writer) (int64, error) {
	if f == nil || !f.fr.Enabled() {
		return 0, errors.New("godx agent: the flight recorder is not running")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fr.WriteTo(w)
}

// Snapshot writes the window for an automatic trigger (reason names it in the file name), at most
// once per MinInterval; it returns "" when rate-limited.
func (f *FlightRecorder) Snapshot(reason string) (string, error) {
	if f == nil {
		return "", nil
	}
	now := time.Now().UnixNano()
	last := f.last.Load()
	if last != 0 && now-last < int64(f.opts.MinInterval) {
		return "", nil
	}
	if !f.last.CompareAndSwap(last, now) {
		return "", nil // another trigger is writing this window
	}
	return f.SnapshotNow(reason)
}

// SnapshotNow writes the window now, whatever the rate limit, to
// Dir/godx-flight-PROGRAM-PID-UTC-N-REASON.trace and returns the path.
func (f *FlightRecorder) SnapshotNow(reason string) (string, error) {
	if f == nil {
		return "", errors.New("godx agent: the flight recorder is not running")
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return "", err
	}
	name := fmt.Sprintf("godx-flight-%s-%d-%s-%d-%s.trace", programName(), os.Getpid(),
		stamp(time.Now()), f.seq.Add(1), sanitize(reason))
	path := filepath.Join(f.opts.Dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("godx agent: flight recorder: %w", err)
	}
	f.snapshots.Add(1)
	return path, nil
}

func sanitize(s string) string {
	if s == "" {
		return "demand"
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// Stop stops the recorder and the signal handling.
func (f *FlightRecorder) Stop() {
	if f == nil {
		return
	}
	select {
	case <-f.done:
		return
	default:
	}
	close(f.done)
	if f.sigCh != nil {
		signal.Stop(f.sigCh)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fr.Stop()
}
