package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

type account struct{ limits map[string]int }

// chargeLimit writes into a nil map: the planted crash.
func chargeLimit(a *account, key string) {
	a.limits[key]++ // godx:site crash
}

func runChild(what, dir string) {
	switch what {
	case "crash":
		a, err := Start(Options{Dir: dir, CrashOutput: true,
			Flight: &FlightOptions{Window: time.Second, MaxBytes: 1 << 20}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(7)
		}
		fmt.Println(a.Crash().Dir)
		done := make(chan struct{})
		for i := range 3 { // something for the flight recorder to record
			go func() {
				for {
					select {
					case <-done:
						return
					default:
						time.Sleep(time.Millisecond * time.Duration(i+1))
					}
				}
			}()
		}
		time.Sleep(50 * time.Millisecond)
		a.Go(func() { chargeLimit(&account{}, "requests") })
		time.Sleep(10 * time.Second) // the panic ends the process first
	case "signal":
		_, err := Start(Options{Dir: dir, Flight: &FlightOptions{Signals: []os.Signal{syscall.SIGTERM}}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(7)
		}
		fmt.Println("ready")
		time.Sleep(10 * time.Second) // SIGTERM ends the process first
		os.Exit(8)
	case "clean":
		a, err := Start(Options{Dir: dir, CrashOutput: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(7)
		}
		fmt.Println(a.Crash().Dir)
		for _, p := range a.Crash().Previous {
			fmt.Println("previous", p)
		}
		a.Stop()
	case "abandon": // ends without Stop and without crashing
		a, err := Start(Options{Dir: dir, CrashOutput: true})
		if err != nil {
			os.Exit(7)
		}
		fmt.Println(a.Crash().Dir)
		os.Exit(0)
	}
}

func runCrashChild(t *testing.T, what string) (dir, bundle string, exitErr error) {
	t.Helper()
	dir = t.TempDir()
	out, err := runChildIn(dir, what)
	return dir, strings.SplitN(out, "\n", 2)[0], err
}

func runChildIn(dir, what string) (string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODX_AGENT_CHILD="+what, "GODX_AGENT_DIR="+dir, "GODEBUG=panicnil=0")
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

func TestCrashOutputWritesABundleGodxReads(t *testing.T) {
	dir, bundle, err := runCrashChild(t, "crash")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("child: %v, want the exit status 2 of an unhandled panic", err)
	}
	if filepath.Dir(bundle) != dir || !strings.HasPrefix(filepath.Base(bundle), "godx-crash-") {
		t.Fatalf("crash bundle %q, want godx-crash-* in %s", bundle, dir)
	}
	tb, err := os.ReadFile(filepath.Join(bundle, "traceback.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(tb)
	for _, want := range []string{
		"\n" + goVersionLine() + "\n",             // names the release for godx
		"\n# GODEBUG=panicnil=0\n",                // the environment's GODEBUG
		"\n# path\t",                              // build info
		"\npanic: assignment to entry in nil map", // the runtime's own crash text
		"godx.dev/agent.chargeLimit(",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("traceback.txt lacks %q:\n%s", want, text)
		}
	}
	var m manifest
	mb, err := os.ReadFile(filepath.Join(bundle, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	if m.Format != "godx-bundle/1" || len(m.Entries) != 1 || m.Entries[0].File != "traceback.txt" {
		t.Errorf("manifest: %s", mb)
	}
	// The wrapped goroutine wrote the flight recorder's window before the panic went on.
	traces, _ := filepath.Glob(filepath.Join(dir, "godx-flight-*-goroutine-panic.trace"))
	if len(traces) != 1 {
		t.Fatalf("flight snapshots in %s: %v, want one *-goroutine-panic.trace", dir, traces)
	}
	tr, err := os.ReadFile(traces[0])
	if err != nil || !strings.HasPrefix(string(tr), "go 1.") || len(tr) < 1000 {
		t.Fatalf("%s: %d bytes, %v; want an execution trace (\"go 1.\" header)", traces[0], len(tr), err)
	}

	// godx itself: stacks on the file, doctor on the bundle, trace on the snapshot.
	file, line := siteLine(t, "crash")
	site := fmt.Sprintf("%s:%d", file, line)
	st := runGodx(t, "stacks", filepath.Join(bundle, "traceback.txt"))
	fs := findings(st)
	if len(fs) == 0 || fs[0]["id"] != "nil-map-write" || !strings.Contains(findingText(fs[0]), site) {
		t.Errorf("godx stacks: first finding %v, want nil-map-write at %s", fs, site)
	}
	summary, _ := st["summary"].(map[string]any)
	if rel := fmt.Sprint(summary["go_release"]); !strings.Contains(rel, strings.TrimPrefix(thisGoVersion(), "go")) {
		t.Errorf("godx stacks: go_release %q, want the release named by the header (%s)", rel, thisGoVersion())
	}
	doc := runGodx(t, "doctor", bundle)
	fs = findings(doc)
	if len(fs) == 0 || fs[0]["id"] != "nil-map-write" || !strings.Contains(findingText(fs[0]), site) {
		t.Errorf("godx doctor: first finding %v, want nil-map-write at %s", fs, site)
	}
	trr := runGodx(t, "trace", traces[0])
	if trr["kind"] != "trace" {
		t.Errorf("godx trace on the snapshot: kind %v", trr["kind"])
	}
}

func TestCrashOutputIsRemovedOnCleanStop(t *testing.T) {
	dir, bundle, err := runCrashChild(t, "clean")
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	if !strings.HasPrefix(bundle, dir) {
		t.Fatalf("child printed %q", bundle)
	}
	if _, err := os.Stat(bundle); !os.IsNotExist(err) {
		t.Errorf("%s still exists after a clean Stop (%v)", bundle, err)
	}
}

func TestFlightRecorderSnapshotsOnSIGTERMThenDiesOfIt(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODX_AGENT_CHILD=signal", "GODX_AGENT_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 6)
	if _, err := io.ReadFull(out, line); err != nil || string(line) != "ready\n" {
		t.Fatalf("child: %q %v", line, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("child ended with %v, want killed by SIGTERM as without the agent", err)
	}
	traces, _ := filepath.Glob(filepath.Join(dir, "godx-flight-*-signal-SIGTERM.trace"))
	if len(traces) != 1 {
		t.Fatalf("snapshots %v, want one *-signal-SIGTERM.trace", traces)
	}
}

func TestCrashOutputNextRunTidiesEarlierBundles(t *testing.T) {
	dir, crashed, _ := runCrashChild(t, "crash")
	abandoned, err := runChildIn(dir, "abandon")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abandoned); err != nil {
		t.Fatalf("the abandoned bundle %s was not left: %v", abandoned, err)
	}
	out, err := runChildIn(dir, "clean")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if len(lines) != 2 || lines[1] != "previous "+crashed {
		t.Errorf("the next run reported %q, want the crash bundle %s as previous", lines[1:], crashed)
	}
	if _, err := os.Stat(abandoned); !os.IsNotExist(err) {
		t.Errorf("the bundle of a run that neither crashed nor stopped is still there (%v)", err)
	}
	m := readManifest(t, crashed)
	st, _ := os.Stat(filepath.Join(crashed, crashFileName))
	if m.Entries[0].Bytes != st.Size() || m.Facts["crash_size_updated"] == nil {
		t.Errorf("manifest bytes %d, file %d, facts %v", m.Entries[0].Bytes, st.Size(), m.Facts)
	}
}
