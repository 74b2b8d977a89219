// syscallhold is a log shipper whose readers block in read(2) on pipes that a slow producer
// rarely writes to: each reader sits in a blocking system call, which holds an OS thread for as
// long as it waits, so the thread count grows with the readers. Run with
// GODEBUG=schedtrace=200,scheddetail=1: the G lines show the readers in status 3 (syscall) and
// the M lines the threads they hold.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// reader drains one pipe with blocking reads (raw file descriptors, so the runtime's network
// poller is not involved and each read parks its thread in the kernel).
func reader(fd int, lines *atomic.Int64) {
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(fd, buf)
		if err != nil || n == 0 {
			return
		}
		lines.Add(1)
	}
}

func main() {
	dur := flag.Duration("d", 2*time.Second, "how long to run")
	readers := flag.Int("readers", 50, "pipes, each drained by one blocking reader")
	every := flag.Duration("every", 15*time.Millisecond, "time between new readers")
	flag.Parse()
	var lines atomic.Int64
	var writers []int
	start := time.Now()
	// Readers start one by one (a shipper picking up new log files), then the service runs on.
	for i := 0; i < *readers; i++ {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			fmt.Fprintln(os.Stderr, "pipe:", err)
			os.Exit(1)
		}
		writers = append(writers, p[1])
		go reader(p[0], &lines)
		time.Sleep(*every)
	}
	// The producer writes a line to one pipe now and then: readers wake briefly and block again.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; time.Since(start) < *dur; i++ {
		<-tick.C
		syscall.Write(writers[i%len(writers)], []byte("log line\n"))
	}
	fmt.Printf("shipped %d lines with %d blocking readers\n", lines.Load(), *readers)
}
