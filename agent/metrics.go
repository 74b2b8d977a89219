package agent

import (
	"expvar"
	"fmt"
	"io"
	"net/http"
	"runtime/metrics"
	"sync"
)

// CrossCheck is one sample of what the Go runtime says it runs and holds, taken together with
// what the kernel says the process has (/proc/self/status). A gap that grows between the two is a
// leak outside Go's accounting: threads started by C code or left locked, memory from cgo, mmap
// or a C allocator. Fields are -1 when unknown (no /proc, or a runtime/metrics name this release
// lacks).
type CrossCheck struct {
	Goroutines int64 `json:"goroutines"`
	// GoThreads is the runtime's own count of the threads it has (/sched/threads/total:threads,
	// Go 1.26+); OSThreads is Threads: in /proc/self/status, every thread of the process.
	GoThreads int64 `json:"go_threads"`
	OSThreads int64 `json:"os_threads"`
	// ThreadsOutsideGo is OSThreads - GoThreads: threads the Go runtime does not know of.
	ThreadsOutsideGo int64 `json:"threads_outside_go"`
	// GoMapped is the memory the Go runtime holds from the OS (/memory/classes/total:bytes minus
	// /memory/classes/heap/released:bytes), the part of RSS Go can account for.
	GoMapped int64 `json:"go_mapped_bytes"`
	HeapLive int64 `json:"heap_objects_bytes"`
	RSS      int64 `json:"rss_bytes"`
	RSSAnon  int64 `json:"rss_anon_bytes"`
	// OffGo is RSSAnon - GoMapped: anonymous memory the Go runtime did not map (cgo, C
	// allocators, mmap). Slightly negative is normal (Go maps memory it has not touched yet).
	OffGo int64 `json:"off_go_bytes"`
}

const (
	mGoroutines = "/sched/goroutines:goroutines"
	mThreads    = "/sched/threads/total:threads"
	mTotal      = "/memory/classes/total:bytes"
	mReleased   = "/memory/classes/heap/released:bytes"
	mHeapLive   = "/memory/classes/heap/objects:bytes"
)

var (
	sampleMu  sync.Mutex
	samples   []metrics.Sample
	knownName map[string]bool
)

// ReadCrossCheck takes one sample. It reads runtime/metrics (no stop-the-world) and
// /proc/self/status, so it is cheap enough for every scrape.
func ReadCrossCheck() CrossCheck {
	sampleMu.Lock()
	if samples == nil {
		knownName = map[string]bool{}
		for _, d := range metrics.All() {
			knownName[d.Name] = true
		}
		for _, n := range []string{mGoroutines, mThreads, mTotal, mReleased, mHeapLive} {
			samples = append(samples, metrics.Sample{Name: n})
		}
	}
	metrics.Read(samples)
	v := func(i int) int64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return -1
		}
		return int64(samples[i].Value.Uint64())
	}
	c := CrossCheck{Goroutines: v(0), GoThreads: v(1), HeapLive: v(4)}
	total, released := v(2), v(3)
	sampleMu.Unlock()

	c.GoMapped = -1
	if total >= 0 && released >= 0 {
		c.GoMapped = total - released
	}
	_, st, _ := readSelfStatus()
	c.OSThreads, c.RSS, c.RSSAnon = st.Threads, st.VmRSS, st.RssAnon
	c.ThreadsOutsideGo, c.OffGo = -1, -1
	if c.OSThreads >= 0 && c.GoThreads >= 0 {
		c.ThreadsOutsideGo = c.OSThreads - c.GoThreads
	}
	if c.RSSAnon >= 0 && c.GoMapped >= 0 {
		c.OffGo = c.RSSAnon - c.GoMapped
	}
	return c
}

var publishOnce sync.Once

// PublishExpvar publishes the cross-check as the expvar "godx" (served by /debug/vars and
// captured by godx into vars.json). It is sampled when /debug/vars is read, never in between.
func PublishExpvar() {
	publishOnce.Do(func() {
		expvar.Publish("godx", expvar.Func(func() any { return ReadCrossCheck() }))
	})
}

// WriteOpenMetrics writes the cross-check in the OpenMetrics text format (which Prometheus also
// reads), ending with "# EOF".
func WriteOpenMetrics(w io.Writer) error {
	c := ReadCrossCheck()
	type metric struct {
		name, help, unit string
		v                int64
	}
	ms := []metric{
		{"go_goroutines", "Goroutines that exist (runtime/metrics /sched/goroutines:goroutines).", "", c.Goroutines},
		{"go_threads", "Threads the Go runtime has (/sched/threads/total:threads).", "", c.GoThreads},
		{"process_threads", "Threads of the process (Threads: in /proc/self/status).", "", c.OSThreads},
		{"process_threads_outside_go", "process_threads - go_threads: threads the Go runtime did not start or does not know.", "", c.ThreadsOutsideGo},
		{"go_mapped_bytes", "Memory the Go runtime holds from the OS (total minus heap released).", "bytes", c.GoMapped},
		{"go_heap_objects_bytes", "Bytes of live and not yet swept heap objects.", "bytes", c.HeapLive},
		{"process_resident_memory_bytes", "VmRSS of /proc/self/status.", "bytes", c.RSS},
		{"process_resident_anon_memory_bytes", "RssAnon of /proc/self/status.", "bytes", c.RSSAnon},
		{"process_off_go_memory_bytes", "process_resident_anon_memory_bytes - go_mapped_bytes: anonymous memory outside Go's accounting.", "bytes", c.OffGo},
	}
	for _, m := range ms {
		if m.v == -1 && m.name != "process_off_go_memory_bytes" && m.name != "process_threads_outside_go" {
			continue // unknown on this system or release
		}
		if (m.name == "process_off_go_memory_bytes" && c.RSSAnon < 0) || (m.name == "process_threads_outside_go" && (c.OSThreads < 0 || c.GoThreads < 0)) {
			continue
		}
		if _, err := fmt.Fprintf(w, "# TYPE %s gauge\n", m.name); err != nil {
			return err
		}
		if m.unit != "" {
			fmt.Fprintf(w, "# UNIT %s %s\n", m.name, m.unit)
		}
		fmt.Fprintf(w, "# HELP %s %s\n%s %d\n", m.name, m.help, m.name, m.v)
	}
	_, err := io.WriteString(w, "# EOF\n")
	return err
}

// MetricsHandler serves [WriteOpenMetrics].
func MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
		WriteOpenMetrics(w)
	})
}
