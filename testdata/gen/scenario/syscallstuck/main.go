// syscallstuck is a log-shipping agent: it starts one tailer per source, and each tailer reads
// its source with a raw read(2) on a pipe. The producers never write (a stalled upstream), so
// every tailer sits in the read system call, holding an OS thread each (goroutines stuck in
// syscalls). After -d the program writes its goroutine dump (debug=2) to stdout, or with -sigquit
// kills itself with SIGQUIT so the runtime prints every goroutine. The planted read is marked
// godx:scenario-site.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"
)

type source struct {
	name string
	fd   int
	keep int // the write end, held open so the read never sees EOF
}

var linesShipped int64

func openSource(i int) (*source, error) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return nil, err
	}
	return &source{name: fmt.Sprintf("app-%02d.log", i), fd: p[0], keep: p[1]}, nil
}

// tail reads a source chunk by chunk and ships every line it finds.
func tail(src *source) {
	buf := make([]byte, 32<<10)
	for {
		n, err := syscall.Read(src.fd, buf) // godx:scenario-site
		if err != nil || n == 0 {
			return
		}
		for _, b := range buf[:n] {
			if b == '\n' {
				atomic.AddInt64(&linesShipped, 1)
			}
		}
	}
}

func heartbeat(stop <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = atomic.LoadInt64(&linesShipped)
		case <-stop:
			return
		}
	}
}

func main() {
	sources := flag.Int("sources", 30, "log sources to tail")
	d := flag.Duration("d", 500*time.Millisecond, "run this long before dumping")
	sigquit := flag.Bool("sigquit", false, "end with SIGQUIT instead of a debug=2 dump")
	flag.Parse()
	stop := make(chan struct{})
	go heartbeat(stop)
	for i := 0; i < *sources; i++ {
		src, err := openSource(i)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go tail(src)
	}
	time.Sleep(*d)
	if *sigquit {
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Second)
	}
	w := bufio.NewWriter(os.Stdout)
	pprof.Lookup("goroutine").WriteTo(w, 2)
	w.Flush()
	close(stop)
}
