// goodserver is a well-behaved HTTP service with net/http/pprof and expvar: a fixed pool of
// workers serves a steady stream of jobs, so goroutines, threads and heap stay flat. It listens on
// -addr (127.0.0.1:0 picks a free loopback port) and prints "listening on HOST:PORT" once ready.
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

var sink []byte

func worker(jobs chan int) {
	for n := range jobs {
		sink = make([]byte, n)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	life := flag.Duration("life", 5*time.Minute, "exit after this long (a safety net for tests)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	jobs := make(chan int)
	for i := 0; i < 8; i++ {
		go worker(jobs)
	}
	go func() {
		for range time.Tick(time.Millisecond) {
			jobs <- 4 << 10
		}
	}()
	go func() {
		time.Sleep(*life)
		os.Exit(0)
	}()
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, nil)
}
