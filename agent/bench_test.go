package agent

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The cost of the agent on a small net/http service (see benchSetups). Requests go over loopback
// TCP with keep-alive, one at a time, so ns/op is the latency of one request and req/s its
// inverse. agent/bench-idle runs these interleaved; docs/performance.md holds the numbers.

func benchHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/item", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"ok":true}`, r.URL.Query().Get("id"))
	})
	return mux
}

type benchSetup struct {
	name  string
	setup func() (http.Handler, func())
}

// The variants: the bare service; the agent idle (crash output armed, the expvar cross-check
// published, /debug/godx/ mounted, requests untouched); the agent with every request through the
// recovery middleware; and that with the flight recorder running.
func benchSetups(b *testing.B) []benchSetup {
	withAgent := func(opts Options, middleware bool) func() (http.Handler, func()) {
		return func() (http.Handler, func()) {
			opts.Dir, opts.CrashOutput, opts.Expvar = b.TempDir(), true, true
			a, err := Start(opts)
			if err != nil {
				b.Fatal(err)
			}
			mux := benchHandler().(*http.ServeMux)
			a.Register(mux)
			if middleware {
				return a.Middleware(mux), a.Stop
			}
			return mux, a.Stop
		}
	}
	return []benchSetup{
		{"bare", func() (http.Handler, func()) { return benchHandler(), func() {} }},
		{"agent", withAgent(Options{}, false)},
		{"agent+recover", withAgent(Options{}, true)},
		{"agent+recover+flight", withAgent(Options{
			Flight: &FlightOptions{Window: 10 * time.Second, MaxBytes: 16 << 20}, Slow: time.Second}, true)},
	}
}

func BenchmarkHTTPService(b *testing.B) {
	for _, s := range benchSetups(b) {
		b.Run(s.name, func(b *testing.B) {
			h, stop := s.setup()
			defer stop()
			srv := httptest.NewServer(h)
			defer srv.Close()
			client := srv.Client()
			url := srv.URL + "/api/item?id=42"
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				resp, err := client.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatal(resp.Status)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}

// nopWriter is the cheapest ResponseWriter, so the handler benchmark measures the middleware.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkHandler is the middleware alone, without the network: what the agent adds to each
// request, in ns and allocations.
func BenchmarkHandler(b *testing.B) {
	for _, s := range benchSetups(b) {
		b.Run(s.name, func(b *testing.B) {
			h, stop := s.setup()
			defer stop()
			req := httptest.NewRequest("GET", "/api/item?id=42", nil)
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}

// BenchmarkFlightSnapshot is the cost of one snapshot of the flight recorder's window while the
// HTTP benchmark's service runs, and its size.
func BenchmarkFlightSnapshot(b *testing.B) {
	f, err := StartFlightRecorder(FlightOptions{Dir: b.TempDir(), Window: 10 * time.Second, MaxBytes: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Stop()
	srv := httptest.NewServer(benchHandler())
	defer srv.Close()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // load for the recorder to record
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if resp, err := srv.Client().Get(srv.URL + "/api/item?id=1"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	time.Sleep(2 * time.Second)
	var size int64
	b.ResetTimer()
	for range b.N {
		n, err := f.WriteTo(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(size)/(1<<20), "MiB/snapshot")
}
