package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CrashOutput is the crash bundle [EnableCrashOutput] set up: a directory holding a godx manifest
// and traceback.txt, to which the runtime prints any unhandled panic or fatal error (in addition
// to standard error).
type CrashOutput struct {
	// Dir is the crash bundle: `godx doctor Dir` reads it.
	Dir string
	// File is Dir/traceback.txt: `godx stacks File` reads it.
	File string
	// Previous lists the crash bundles earlier runs of this program left in the same directory
	// (oldest first): the crashes to look at. Bundles of runs that ended without a crash and
	// without Close (killed, or os.Exit) held only the header and were removed.
	Previous []string

	header int64
	once   sync.Once
}

// EnableCrashOutput creates the crash bundle dir/godx-crash-PROGRAM-PID-UTC and makes the runtime
// print crashes into its traceback.txt ([debug.SetCrashOutput]). An empty dir means the directory
// of the executable. The file starts with a header godx's goroutine dump reader skips as log text:
// the `go version` line (which names the release that wrote the dump), the build info, and the
// GODEBUG settings of the environment and of the build, which change what a crash looks like
// (e.g. panicnil, asyncpreemptoff).
//
// There is one crash output per process: a later call, or a call to debug.SetCrashOutput, replaces
// it. Call [CrashOutput.Close] on a clean shutdown to remove the bundle when nothing crashed.
func EnableCrashOutput(dir string) (*CrashOutput, error) {
	if dir == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("godx agent: crash output: no directory given and %v", err)
		}
		dir = filepath.Dir(exe)
	}
	now := time.Now()
	previous := tidyCrashBundles(dir)
	bundle := filepath.Join(dir, fmt.Sprintf("godx-crash-%s-%d-%s", programName(), os.Getpid(), stamp(now)))
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		return nil, fmt.Errorf("godx agent: crash output: %w", err)
	}
	c := &CrashOutput{Dir: bundle, File: filepath.Join(bundle, crashFileName), Previous: previous}
	header := crashHeader(now)
	f, err := os.OpenFile(c.File, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("godx agent: crash output: %w", err)
	}
	defer f.Close() // SetCrashOutput keeps its own duplicate of the descriptor
	if _, err := f.WriteString(header); err != nil {
		return nil, fmt.Errorf("godx agent: crash output: %s: %w", c.File, err)
	}
	c.header = int64(len(header))
	m := newManifest("agent-crash")
	m.Complete = true
	m.Facts["crash_output"] = "debug.SetCrashOutput: the runtime appends any unhandled panic or fatal error to " + crashFileName
	m.Entries = append(m.Entries, entry{
		File:    crashFileName,
		What:    "crash traceback (debug.SetCrashOutput), after a header with build info and GODEBUG",
		Source:  "runtime/debug.SetCrashOutput",
		Started: utc(now),
		Bytes:   c.header,
	})
	if err := writeManifest(bundle, m); err != nil {
		return nil, fmt.Errorf("godx agent: crash output: %w", err)
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		return nil, fmt.Errorf("godx agent: crash output: %w", err)
	}
	return c, nil
}

func crashHeader(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "godx-agent crash output of %s (pid %d), armed %s\n", programName(), os.Getpid(), utc(now))
	// Unprefixed: godx reads this line as the release that wrote the traceback.
	b.WriteString(goVersionLine() + "\n")
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, line := range strings.Split(strings.TrimSpace(bi.String()), "\n") {
			b.WriteString("# " + line + "\n")
		}
	}
	if v, ok := os.LookupEnv("GODEBUG"); ok {
		b.WriteString("# GODEBUG=" + v + "\n")
	} else {
		b.WriteString("# GODEBUG is not set in the environment\n")
	}
	b.WriteString("\n")
	return b.String()
}

// Crashed reports whether the runtime wrote anything after the header.
func (c *CrashOutput) Crashed() bool {
	st, err := os.Stat(c.File)
	return err == nil && st.Size() > c.header
}

// Close stops the crash output and removes the bundle when the program did not crash, so a clean
// shutdown leaves nothing behind.
func (c *CrashOutput) Close() error {
	var err error
	c.once.Do(func() {
		err = debug.SetCrashOutput(nil, debug.CrashOptions{})
		if !c.Crashed() {
			if rmErr := os.RemoveAll(c.Dir); err == nil {
				err = rmErr
			}
		}
	})
	return err
}

// tidyCrashBundles looks at the crash bundles earlier runs of this program left in dir. The
// manifest of each was written before its crash, so its size is brought up to date; a bundle whose
// traceback holds only the header (the process ended without crashing and without Close) is
// removed. It returns the bundles that hold a crash.
func tidyCrashBundles(dir string) []string {
	dirs, _ := filepath.Glob(filepath.Join(dir, "godx-crash-"+programName()+"-*"))
	var crashed []string
	for _, d := range dirs {
		mb, err := os.ReadFile(filepath.Join(d, manifestName))
		if err != nil {
			continue
		}
		var m manifest
		if json.Unmarshal(mb, &m) != nil || m.TargetKind != "agent-crash" || len(m.Entries) != 1 {
			continue // not one of ours: leave it alone
		}
		st, err := os.Stat(filepath.Join(d, crashFileName))
		if err != nil {
			continue
		}
		switch {
		case m.Facts["crash_size_updated"] != nil:
			// Seen by an earlier run already.
		case st.Size() > m.Entries[0].Bytes:
			m.Entries[0].Bytes = st.Size()
			m.Facts["crash_size_updated"] = "the size of traceback.txt was brought up to date by the next run"
			writeManifest(d, &m)
		case processAlive(m.PID):
			continue // another instance, still running: its bundle is armed, not abandoned
		default:
			os.RemoveAll(d) // only the header: that run ended without crashing
			continue
		}
		crashed = append(crashed, d)
	}
	return crashed
}

func processAlive(pid int) bool {
	if pid <= 0 || pid == os.Getpid() {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
