package agent_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"godx.dev/agent"
)

// A service turns on what it wants: crash output next to the binary, a flight recorder whose
// window is written on a panic or a request slower than 2s, the cross-check in expvar, and the
// agent endpoint on its own mux beside net/http/pprof.
func Example() {
	a, err := agent.Start(agent.Options{
		Dir:         os.TempDir(),
		CrashOutput: true,
		Flight:      &agent.FlightOptions{Window: 5 * time.Second, MaxBytes: 8 << 20},
		Slow:        2 * time.Second,
		Expvar:      true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Stop()

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	a.Register(mux) // /debug/godx/: serve it on loopback only
	srv := httptest.NewServer(a.Middleware(mux))
	defer srv.Close()

	resp, _ := http.Get(srv.URL + "/debug/godx/")
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	resp.Body.Close()
	// Output: 200 application/json
}

func ExampleRecover() {
	h := agent.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]int
		m["hits"]++
	}), agent.RecoverOptions{Logger: log.New(os.Stdout, "", 0)})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/count", nil)
	req.RemoteAddr = "192.0.2.1:1234"
	req.Header.Set("X-Request-Id", "r-1")
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("X-Request-Id"))
	// Output is the log line, the stack (left out here), then the answer:
	//
	// http: panic serving 192.0.2.1:1234 (GET /count, request r-1): assignment to entry in nil map
	// goroutine 1 [running]:
	// panic(...)
	// ...
	// 500 r-1
}

func ExampleSliceOf() {
	b := make([]byte, 8) // a fresh allocation is aligned for any element type
	b[0], b[4] = 1, 2
	v, err := agent.SliceOf[uint32](b)
	fmt.Println(len(v), err == nil)
	_, err = agent.SliceOf[uint32](b[1:5])
	fmt.Println(strings.Contains(err.Error(), "not aligned"))
	// Output:
	// 2 true
	// true
}

func ExampleString() {
	line := []byte("goroutine profile: total 42")
	s := agent.String(line) // no copy: line must not change while s is used
	fmt.Println(strings.HasPrefix(s, "goroutine profile"))
	// Output: true
}

func ExamplePool() {
	var frames agent.Pool[[4096]byte]
	f := frames.Get()
	f[0] = 'x'
	fmt.Println(len(f), f[0] == 'x')
	frames.Put(f) // with -tags godxpooldebug, a second Put here would report both stacks
	// Output: 4096 true
}

func ExampleReadCrossCheck() {
	c := agent.ReadCrossCheck()
	fmt.Println(c.OSThreads >= c.GoThreads-1, c.Goroutines > 0)
	// Output: true true
}
