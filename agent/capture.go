package agent

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"expvar"
	"fmt"
	"io"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"time"
)

// captureOptions are the timed parts of a bundle.
type captureOptions struct {
	cpu   time.Duration // CPU profile length; 0 skips it
	trace time.Duration // execution trace length when no flight recorder runs; 0 skips it
	url   string        // the endpoint the bundle was asked from, for the manifest
}

// tarBundle writes a capture bundle as a tar stream: each file as soon as it is captured, then
// manifest.json last, so `tar x` of it gives the directory `godx doctor DIR` reads. The names and
// order follow godx's own capture (docs/formats/live-bundle.md): the first goroutine count first,
// the goroutineleak profile (which runs a GC) last, so godx never reports what the capture caused.
func (a *Agent) tarBundle(w io.Writer, flush func(), o captureOptions) error {
	tw := tar.NewWriter(w)
	m := newManifest("agent")
	m.URL = o.url
	m.Target = fmt.Sprintf("%s (pid %d)", programName(), os.Getpid())
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			m.Facts["gomaxprocs_env"] = n
		}
	}
	add := func(file, what, source string, capture func(*bytes.Buffer) error) error {
		start := time.Now()
		var buf bytes.Buffer
		err := capture(&buf)
		e := entry{File: file, What: what, Source: source, Started: utc(start),
			Seconds: time.Since(start).Seconds(), Bytes: int64(buf.Len())}
		if err != nil {
			e.Error = err.Error()
			if buf.Len() == 0 {
				e.File = ""
			}
		}
		m.Entries = append(m.Entries, e)
		if e.File == "" {
			return nil
		}
		if werr := writeTarFile(tw, file, buf.Bytes(), start); werr != nil {
			return werr
		}
		if flush != nil {
			tw.Flush()
			flush()
		}
		return nil
	}
	prof := func(name string, debug int) func(*bytes.Buffer) error {
		return func(b *bytes.Buffer) error {
			p := pprof.Lookup(name)
			if p == nil {
				return fmt.Errorf("no %s profile in this program", name)
			}
			return p.WriteTo(b, debug)
		}
	}
	type step struct {
		file, what, source string
		capture            func(*bytes.Buffer) error
	}
	steps := []step{
		{"proc_status.txt", "process status (/proc/PID/status)", "/proc/self/status", readFileTo("/proc/self/status")},
		{"smaps_rollup.txt", "memory rollup (/proc/PID/smaps_rollup)", "/proc/self/smaps_rollup", readFileTo("/proc/self/smaps_rollup")},
		{"process.json", "process summary (fds, build info)", "/proc/self", processJSON},
		{"goroutine.debug1.txt", "goroutine count and stacks (debug=1)", "runtime/pprof goroutine debug=1", prof("goroutine", 1)},
		{"vars.json", "expvar (memstats, cmdline, godx cross-check)", "expvar", expvarJSON},
		{"goroutine.debug2.txt", "goroutine dump (debug=2)", "runtime/pprof goroutine debug=2", prof("goroutine", 2)},
		{"heap.pb.gz", "heap profile", "runtime/pprof heap", prof("heap", 0)},
		{"allocs.pb.gz", "allocation profile", "runtime/pprof allocs", prof("allocs", 0)},
		{"block.pb.gz", "block profile", "runtime/pprof block", prof("block", 0)},
		{"mutex.pb.gz", "mutex profile", "runtime/pprof mutex", prof("mutex", 0)},
		{"threadcreate.pb.gz", "thread creation profile", "runtime/pprof threadcreate", prof("threadcreate", 0)},
		{"cmdline.txt", "command line", "os.Args", func(b *bytes.Buffer) error {
			b.WriteString(strings.Join(os.Args, "\x00"))
			return nil
		}},
		{"runtime_metrics.txt", "every runtime/metrics value", "runtime/metrics", runtimeMetricsText},
		{"buildinfo.txt", "build info and GODEBUG", "runtime/debug.ReadBuildInfo", func(b *bytes.Buffer) error {
			b.WriteString(buildInfoText())
			return nil
		}},
	}
	if o.cpu > 0 {
		steps = append(steps, step{"cpu.pb.gz", "CPU profile", fmt.Sprintf("runtime/pprof CPU profile, %s", o.cpu),
			func(b *bytes.Buffer) error {
				if err := pprof.StartCPUProfile(b); err != nil {
					return fmt.Errorf("CPU profile: %v", err)
				}
				time.Sleep(o.cpu)
				pprof.StopCPUProfile()
				return nil
			}})
	}
	if !a.flight.Enabled() && o.trace > 0 {
		steps = append(steps, step{"trace.out", "execution trace", fmt.Sprintf("runtime/trace, %s", o.trace),
			func(b *bytes.Buffer) error {
				if err := trace.Start(b); err != nil {
					return fmt.Errorf("execution trace: %v", err)
				}
				time.Sleep(o.trace)
				trace.Stop()
				return nil
			}})
	}
	steps = append(steps, step{"goroutine.debug1.end.txt", "goroutine count after the timed captures",
		"runtime/pprof goroutine debug=1", prof("goroutine", 1)})
	if pprof.Lookup("goroutineleak") != nil {
		steps = append(steps,
			step{"goroutineleak.debug1.txt", "leaked goroutines, the runtime's verdict (debug=1; runs a GC)",
				"runtime/pprof goroutineleak debug=1", prof("goroutineleak", 1)},
			step{"goroutineleak.pb.gz", "leaked goroutines (profile.proto; runs a GC)",
				"runtime/pprof goroutineleak", prof("goroutineleak", 0)})
	} else {
		m.Facts["goroutineleak"] = "this build has no goroutineleak profile (Go 1.26 needs GOEXPERIMENT=goroutineleakprofile)"
	}
	if a.flight.Enabled() {
		// First, so the window holds the seconds before the request and none of the capture's own
		// work (profiling, dumps).
		steps = append([]step{{"trace.out", "execution trace (the flight recorder's window: the seconds before the capture)",
			"runtime/trace.FlightRecorder", func(b *bytes.Buffer) error {
				_, err := a.flight.WriteTo(b)
				return err
			}}}, steps...)
	}
	for _, s := range steps {
		if err := add(s.file, s.what, s.source, s.capture); err != nil {
			return err
		}
	}
	m.Complete = true
	if err := writeTarFile(tw, manifestName, m.marshal(), time.Now()); err != nil {
		return err
	}
	return tw.Close()
}

func writeTarFile(tw *tar.Writer, name string, b []byte, mod time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)),
		ModTime: mod.Truncate(time.Second), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func readFileTo(path string) func(*bytes.Buffer) error {
	return func(b *bytes.Buffer) error {
		data, err := os.ReadFile(path)
		b.Write(data)
		return err
	}
}

func processJSON(b *bytes.Buffer) error {
	_, st, _ := readSelfStatus()
	fds := -1
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		fds = len(ents)
	}
	exe, _ := os.Executable()
	p := map[string]any{
		"pid": os.Getpid(), "name": programName(), "exe": exe, "cmdline": os.Args,
		"threads": st.Threads, "rss_bytes": st.VmRSS, "rss_anon_bytes": st.RssAnon,
		"rss_file_bytes": st.RssFile, "peak_rss_bytes": st.VmHWM, "swap_bytes": st.VmSwap,
		"fds": fds,
	}
	for k, v := range buildFacts() {
		if k == "go_version" || k == "go_module" {
			p[k] = v
		}
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// expvarJSON is what /debug/vars serves, written without going through HTTP.
func expvarJSON(b *bytes.Buffer) error {
	b.WriteString("{\n")
	first := true
	expvar.Do(func(kv expvar.KeyValue) {
		if !first {
			b.WriteString(",\n")
		}
		first = false
		fmt.Fprintf(b, "%q: %s", kv.Key, kv.Value)
	})
	b.WriteString("\n}\n")
	return nil
}

// runtimeMetricsText prints every runtime/metrics value, one "name value" line each; histograms
// as their count and the buckets that hold samples.
func runtimeMetricsText(b *bytes.Buffer) error {
	descs := metrics.All()
	s := make([]metrics.Sample, len(descs))
	for i, d := range descs {
		s[i].Name = d.Name
	}
	metrics.Read(s)
	for _, x := range s {
		switch x.Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(b, "%s %d\n", x.Name, x.Value.Uint64())
		case metrics.KindFloat64:
			fmt.Fprintf(b, "%s %g\n", x.Name, x.Value.Float64())
		case metrics.KindFloat64Histogram:
			h := x.Value.Float64Histogram()
			var n uint64
			for _, c := range h.Counts {
				n += c
			}
			fmt.Fprintf(b, "%s count=%d", x.Name, n)
			for i, c := range h.Counts {
				if c != 0 {
					fmt.Fprintf(b, " [%g,%g)=%d", h.Buckets[i], h.Buckets[i+1], c)
				}
			}
			b.WriteString("\n")
		}
	}
	return nil
}
