// tracestw traces a program whose stop-the-world pauses are long for a known reason: a goroutine
// spins in a loop without function calls while the GC (runtime.GC) and runtime.ReadMemStats stop
// the world. Run with GODEBUG=asyncpreemptoff=1 the loop cannot be preempted, so each stop waits
// for it: the pauses last about as long as the loop (-spin, 40 ms by default).
//
//	GODEBUG=asyncpreemptoff=1 tracestw -out F
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"time"
)

var result uint64

// spin runs for about d without a call inside its loop (no preemption point).
//
//go:noinline
func spin(iters int) uint64 {
	x := uint64(1)
	for i := 0; i < iters; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// itersFor measures how many loop iterations take d.
func itersFor(d time.Duration) int {
	n := 1 << 20
	for {
		start := time.Now()
		result += spin(n)
		if el := time.Since(start); el > 5*time.Millisecond {
			return int(float64(n) * float64(d) / float64(el))
		}
		n *= 2
	}
}

func main() {
	out := flag.String("out", "stw.trace", "where the trace goes")
	spinFor := flag.Duration("spin", 40*time.Millisecond, "how long each unpreemptible loop runs")
	rounds := flag.Int("rounds", 3, "GC and ReadMemStats stops, each during a loop")
	flag.Parse()
	runtime.GOMAXPROCS(2)
	iters := itersFor(*spinFor)
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var ms runtime.MemStats
	for i := 0; i < *rounds; i++ {
		for _, stop := range []func(){runtime.GC, func() { runtime.ReadMemStats(&ms) }} {
			done := make(chan struct{})
			go func() {
				result += spin(iters)
				close(done)
			}()
			time.Sleep(5 * time.Millisecond) // the loop is running on the other P
			stop()
			<-done
		}
	}
	trace.Stop()
	f.Close()
}
