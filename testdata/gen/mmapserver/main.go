// mmapserver is an HTTP service with net/http/pprof and expvar that holds -mb MiB of anonymous
// memory it mapped itself with syscall.Mmap (and touched, so it is resident): memory the Go
// runtime does not manage, as cgo or a memory-mapped cache would hold. It listens on -addr
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
	"syscall"
	"time"
)

var offHeap []byte

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	mb := flag.Int("mb", 128, "MiB of anonymous memory to map and touch")
	life := flag.Duration("life", 5*time.Minute, "exit after this long (a safety net for tests)")
	flag.Parse()
	var err error
	offHeap, err = syscall.Mmap(-1, 0, *mb<<20, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; i < len(offHeap); i += 4096 {
		offHeap[i] = 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() {
		time.Sleep(*life)
		os.Exit(0)
	}()
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, nil)
}
