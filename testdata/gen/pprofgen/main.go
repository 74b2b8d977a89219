// pprofgen runs a small labelled workload (hashing, allocation, a contended mutex, parked
// goroutines) and writes every runtime/pprof profile into -out: cpu.pb.gz, and heap, allocs,
// goroutine, block, mutex and threadcreate both as debug=0 (profile.proto, gzipped) and debug=1
// text. Where the release has the goroutineleak profile (Go 1.26 built with
// GOEXPERIMENT=goroutineleakprofile, Go 1.27 by default) it also leaks goroutines on channels
// nothing else can reach and writes that profile at debug=0, 1 and 2. The fixtures under
// testdata/pprof/ come from it (scripts/gen-pprof-fixtures).
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	sink [][]byte
	mu   sync.Mutex
)

//go:noinline
func hashLoop(d time.Duration) {
	buf := make([]byte, 4096)
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		sum := sha256.Sum256(buf)
		buf[0] = sum[0]
	}
}

//go:noinline
func allocate(n, size int) {
	for i := 0; i < n; i++ {
		b := make([]byte, size)
		if i%8 == 0 {
			sink = append(sink, b) // kept: shows up as in-use
		}
	}
}

//go:noinline
func contend(iter int) {
	for i := 0; i < iter; i++ {
		mu.Lock()
		time.Sleep(50 * time.Microsecond)
		mu.Unlock()
	}
}

// leak parks n goroutines on a channel that only they reference: after the function returns no
// one can ever send on it, which the goroutineleak profile's GC proves.
//
//go:noinline
func leak(n int) {
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func() { <-ch }()
	}
}

func write(dir, name string, debug int) {
	ext := ".pb.gz"
	if debug > 0 {
		ext = fmt.Sprintf(".debug%d.txt", debug)
	}
	f, err := os.Create(filepath.Join(dir, name+ext))
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
		panic(err)
	}
}

func main() {
	out := flag.String("out", ".", "output directory")
	cpuFor := flag.Duration("cpu", 1500*time.Millisecond, "CPU profile duration")
	flag.Parse()
	runtime.MemProfileRate = 4096
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)

	cf, err := os.Create(filepath.Join(*out, "cpu.pb.gz"))
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(cf); err != nil {
		panic(err)
	}
	var wg sync.WaitGroup
	for _, ep := range []string{"/checkout", "/search"} {
		ep := ep
		wg.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("endpoint", ep), func(context.Context) {
			defer wg.Done()
			hashLoop(*cpuFor)
			allocate(20000, 512)
		})
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			contend(40)
		}()
	}
	wg.Wait()
	pprof.StopCPUProfile()
	cf.Close()

	// Parked goroutines with labels, for the goroutine profile.
	block := make(chan struct{})
	for i := 0; i < 3; i++ {
		go pprof.Do(context.Background(), pprof.Labels("worker", fmt.Sprint(i)), func(context.Context) {
			<-block
		})
	}
	leak(5)
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	for _, name := range []string{"heap", "allocs", "goroutine", "block", "mutex", "threadcreate"} {
		write(*out, name, 0)
		write(*out, name, 1)
	}
	if pprof.Lookup("goroutineleak") != nil {
		for _, debug := range []int{0, 1, 2} {
			write(*out, "goroutineleak", debug)
		}
	}
	close(block)
}
