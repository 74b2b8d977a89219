// stacksyscall is a log shipper whose tailers read their sources with blocking system calls: each
// tailer owns a pipe (a stand-in for a FIFO or a device with no poller behind it) and calls
// syscall.Read on it. Nobody writes to the pipes, so every tailer sits in the read syscall for
// good, holding an OS thread. A small worker pool and a ticker stand for the rest of the service.
// After -wait the program prints its goroutines: a SIGQUIT dump (-dump sigquit) or the
// /debug/pprof/goroutine?debug=2 text (-dump debug2) on stdout.
//
//	stacksyscall -tailers 25 -wait 2s -dump sigquit
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"time"
)

type tailer struct {
	name string
	fd   int
	buf  []byte
}

// readChunk blocks in read(2) until the source has data.
func (t *tailer) readChunk() (int, error) {
	return syscall.Read(t.fd, t.buf)
}

func (t *tailer) run(out chan<- []byte) {
	for {
		n, err := t.readChunk()
		if err != nil || n == 0 {
			return
		}
		out <- append([]byte(nil), t.buf[:n]...)
	}
}

func worker(jobs <-chan []byte) {
	for range jobs {
	}
}

func main() {
	tailers := flag.Int("tailers", 25, "tailers blocked in read(2)")
	workers := flag.Int("workers", 4, "idle workers")
	wait := flag.Duration("wait", 2*time.Second, "time before the dump")
	dump := flag.String("dump", "sigquit", "sigquit or debug2")
	flag.Parse()

	jobs := make(chan []byte)
	for i := 0; i < *workers; i++ {
		go worker(jobs)
	}
	var keep []int // the write ends stay open: the reads never see EOF
	for i := 0; i < *tailers; i++ {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			fmt.Fprintln(os.Stderr, "pipe:", err)
			os.Exit(1)
		}
		keep = append(keep, p[1])
		t := &tailer{name: fmt.Sprintf("source-%d", i), fd: p[0], buf: make([]byte, 4096)}
		go t.run(jobs)
	}
	go func() {
		tick := time.NewTicker(time.Hour)
		for range tick.C {
		}
	}()
	time.Sleep(*wait)
	switch *dump {
	case "debug2":
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
	default:
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Second)
	}
	_ = keep
}
