// leakyserver is an HTTP service with net/http/pprof and expvar that leaks goroutines: every
// -every it starts a goroutine (leakyWorker, created by startLeak) that blocks forever on a
// channel nobody sends to, and every request to /work leaks one more. It listens on -addr
// (127.0.0.1:0 picks a free loopback port) and prints "listening on HOST:PORT" once ready.
package main

import (
	_ "expvar"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

var retained [][]byte

// leakyWorker waits for a result that never comes: the planted leak.
func leakyWorker(results chan int) {
	buf := make([]byte, 16<<10)
	retained = append(retained, buf[:1])
	<-results
}

func startLeak(every time.Duration) {
	for range time.Tick(every) {
		go leakyWorker(make(chan int))
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	every := flag.Duration("every", 20*time.Millisecond, "leak one goroutine this often")
	life := flag.Duration("life", 5*time.Minute, "exit after this long (a safety net for tests)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		go leakyWorker(make(chan int))
		fmt.Fprintln(w, "ok")
	})
	go startLeak(*every)
	go func() {
		time.Sleep(*life)
		os.Exit(0)
	}()
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, nil)
}
