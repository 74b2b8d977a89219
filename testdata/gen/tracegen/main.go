// tracegen runs a small worker service under runtime/trace so that godx has real execution traces
// of every release: goroutines blocking on channels, a mutex, the network and syscalls, garbage
// collections, CPU profile samples, and user tasks, regions and logs.
//
//	tracegen -mode full -out F     trace.Start ... trace.Stop around the workload
//	tracegen -mode panic -out F    trace.Start, then a panic before trace.Stop (a trace cut short)
//	tracegen -mode flight -out F   a runtime/trace.FlightRecorder snapshot (Go 1.25+ only)
//	tracegen -mode latency -out F  scheduler latency planted: GOMAXPROCS=1, CPU-bound goroutines,
//	                               and a ticker whose wakeups wait behind them
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

var sink [][]byte

// burn spends a few hundred microseconds of CPU, so that the CPU profiler running beside the
// tracer records samples into the trace.
func burn(seed int) uint64 {
	x := uint64(seed)
	for i := 0; i < 300000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// work runs the service for n jobs: a producer feeds jobs to workers over a channel, the workers share
// a mutex-guarded map, allocate enough to trigger collections, call into the kernel, and talk to a
// loopback echo server; each job is a user task with regions and a log.
func work(n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()

	jobs := make(chan int)
	var mu sync.Mutex
	seen := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			defer conn.Close()
			buf := make([]byte, 64)
			for j := range jobs {
				ctx, task := trace.NewTask(context.Background(), "job")
				trace.Log(ctx, "worker", fmt.Sprint(w))
				burn(j)
				trace.WithRegion(ctx, "alloc", func() {
					b := make([]byte, 16<<10)
					mu.Lock()
					sink = append(sink, b)
					if len(sink) > 64 {
						sink = sink[:0]
					}
					seen[j%16]++
					mu.Unlock()
				})
				trace.WithRegion(ctx, "echo", func() {
					conn.Write(buf)
					io.ReadFull(conn, buf)
				})
				trace.WithRegion(ctx, "syscall", func() {
					if f, err := os.Open("/proc/self/stat"); err == nil {
						f.Read(buf)
						f.Close()
					}
				})
				task.End()
			}
		}(w)
	}
	for j := 0; j < n; j++ {
		jobs <- j
		if j%10 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	close(jobs)
	wg.Wait()
	runtime.GC()
}

func main() {
	mode := flag.String("mode", "full", "full, panic, flight or latency")
	out := flag.String("out", "trace.out", "where the trace goes")
	jobs := flag.Int("n", 200, "how many jobs the workload runs (a fixed count keeps traces small)")
	flag.Parse()
	runtime.GOMAXPROCS(4)
	// Fewer collections: each one leaves the background sweeper yielding (GoStop "Gosched") up to
	// tens of thousands of times on Go 1.26, which would make the fixtures large. The workload
	// still collects, and runtime.GC() ends it.
	debug.SetGCPercent(400)
	f, err := os.Create(*out)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	// 500 Hz rather than pprof's 100 Hz: the workload is short. (StartCPUProfile then warns that
	// the rate is already set; that is expected.)
	runtime.SetCPUProfileRate(500)
	pprof.StartCPUProfile(io.Discard)
	defer pprof.StopCPUProfile()
	switch *mode {
	case "full":
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		work(*jobs)
		trace.Stop()
	case "panic":
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		panic("tracegen: panicking before trace.Stop")
	case "latency":
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		latency()
		trace.Stop()
	case "flight":
		if err := flightSnapshot(f, *jobs); err != nil {
			fmt.Fprintln(os.Stderr, "tracegen:", err)
			os.Exit(3)
		}
	default:
		fmt.Fprintln(os.Stderr, "tracegen: unknown mode", *mode)
		os.Exit(2)
	}
}

// latency plants scheduler latency: with one P, three goroutines burn CPU without blocking, and
// a ticker that wakes every millisecond must wait for the scheduler to preempt them (about 10 ms
// time slices) before it runs.
func latency() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 120; j++ {
				burn(i*1000 + j)
			}
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 40; i++ {
			time.Sleep(time.Millisecond)
			burn(i)
		}
	}()
	wg.Wait()
}
