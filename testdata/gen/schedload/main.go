// schedload keeps more runnable goroutines than there are Ps, and starts goroutines that lock
// themselves to OS threads and block, so the thread count grows. Run with
// GODEBUG=schedtrace=100 (and scheddetail=1) to produce scheduler traces with a run-queue backlog
// and thread growth.
package main

import (
	"flag"
	"runtime"
	"sync"
	"time"
)

func spin(stop <-chan struct{}) {
	x := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 100000; i++ {
			x += i
		}
	}
}

func main() {
	dur := flag.Duration("d", 2*time.Second, "how long to run")
	workers := flag.Int("workers", 16, "CPU-bound goroutines")
	flag.Parse()
	stop := make(chan struct{})
	var mu sync.Mutex
	mu.Lock()
	for i := 0; i < *workers; i++ {
		go spin(stop)
	}
	// Waiters on a mutex that is never released: a leak that scheddetail shows as semacquire.
	for i := 0; i < 50; i++ {
		go func() { mu.Lock() }()
	}
	// Goroutines that take a thread each and block: the thread count climbs.
	start := time.Now()
	for time.Since(start) < *dur {
		go func() {
			runtime.LockOSThread()
			time.Sleep(time.Hour)
		}()
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
}
