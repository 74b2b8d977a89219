// tracebusy writes a large execution trace from a busy program, for benchmarks: goroutines that
// ping-pong over channels, contend on a mutex, allocate enough to keep the GC cycling, and carry
// user tasks and regions. It stops tracing once the trace reaches -mb megabytes.
//
//	tracebusy -out F -mb 100
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// countingFile counts what the tracer has written.
type countingFile struct {
	f *os.File
	n atomic.Int64
}

func (c *countingFile) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return c.f.Write(p)
}

var sink atomic.Value

func main() {
	out := flag.String("out", "busy.trace", "where the trace goes")
	mb := flag.Int64("mb", 100, "stop once the trace holds this many megabytes")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cf := &countingFile{f: f}
	if err := trace.Start(cf); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var mu sync.Mutex
	shared := 0
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ping, pong := make(chan int), make(chan int)
			go func() {
				for v := range ping {
					pong <- v + 1
				}
				close(pong)
			}()
			for i := 0; !stop.Load(); i++ {
				ctx, task := trace.NewTask(context.Background(), "request")
				trace.WithRegion(ctx, "pingpong", func() {
					for j := 0; j < 50; j++ {
						ping <- j
						<-pong
					}
				})
				trace.WithRegion(ctx, "alloc", func() {
					buf := make([][]byte, 64)
					for j := range buf {
						buf[j] = make([]byte, 1024)
					}
					sink.Store(buf)
				})
				mu.Lock()
				shared++
				mu.Unlock()
				if i%100 == 0 {
					trace.Log(ctx, "progress", fmt.Sprint(i))
				}
				task.End()
			}
			close(ping)
			for range pong {
			}
		}(w)
	}
	for cf.n.Load() < *mb<<20 {
		time.Sleep(10 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	trace.Stop()
	f.Close()
	fmt.Fprintf(os.Stderr, "tracebusy: %d bytes, %d lock rounds\n", cf.n.Load(), shared)
}
