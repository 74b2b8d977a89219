// threadleak is an HTTP service with net/http/pprof that talks to a device through a driver that
// must stay on one OS thread: each session goroutine calls runtime.LockOSThread and then waits for
// the device's reply. Sessions whose reply never comes keep their goroutine blocked and, because
// it never calls UnlockOSThread, keep its OS thread too, so the thread count climbs with every
// stuck session (a thread leak). A session starts every -every and on each request to /session.
// It listens on -addr and prints "listening on HOST:PORT". The wait that keeps the locked thread
// (what a goroutine dump shows) is marked godx:scenario-site.
package main

import (
	_ "expvar"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

type device struct {
	replies chan []byte
}

var sessions int64

// session pins itself to a thread for the driver, then waits for a reply that never comes.
func session(d *device) {
	runtime.LockOSThread()
	atomic.AddInt64(&sessions, 1)
	reply := <-d.replies // godx:scenario-site
	_ = reply
	runtime.UnlockOSThread()
}

func startSessions(d *device, every time.Duration) {
	for range time.Tick(every) {
		go session(d)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	every := flag.Duration("every", 20*time.Millisecond, "start a session this often")
	life := flag.Duration("life", 2*time.Minute, "exit after this long (a safety net for tests)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d := &device{replies: make(chan []byte)}
	http.HandleFunc("/session", func(w http.ResponseWriter, r *http.Request) {
		go session(d)
		fmt.Fprintf(w, "sessions: %d\n", atomic.LoadInt64(&sessions))
	})
	go startSessions(d, *every)
	go func() {
		time.Sleep(*life)
		os.Exit(0)
	}()
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, nil)
}
