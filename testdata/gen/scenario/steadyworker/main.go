// steadyworker is the healthy twin of the workers in this battery: a job queue drained by a
// fixed pool that reuses its buffers (sync.Pool), takes a lock only to add a counter, and hands
// results over a channel with room to spare, at a rate well below what the machine can do. Run it
// with GODEBUG=gctrace=1 and/or schedtrace; with -out DIR it writes cpu.pb.gz, heap.pb.gz,
// block.pb.gz and mutex.pb.gz there. godx should find nothing to warn about in any of them.
package main

import (
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var bufs = sync.Pool{New: func() any { b := make([]byte, 16<<10); return &b }}

type stats struct {
	mu   sync.Mutex
	jobs int
	sum  uint32
}

func (s *stats) add(sum uint32) {
	s.mu.Lock()
	s.jobs++
	s.sum += sum
	s.mu.Unlock()
}

func process(job int) uint32 {
	bp := bufs.Get().(*[]byte)
	b := *bp
	for i := range b {
		b[i] = byte(job + i)
	}
	sum := crc32.ChecksumIEEE(b)
	bufs.Put(bp)
	return sum
}

func write(dir, name string, fn func(f *os.File) error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err == nil {
		err = fn(f)
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	d := flag.Duration("d", 2*time.Second, "run this long")
	out := flag.String("out", "", "write cpu, heap, block and mutex profiles into this directory")
	rate := flag.Int("rate", 500, "jobs per second")
	flag.Parse()
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	if *out != "" {
		f, _ := os.Create(filepath.Join(*out, "cpu.pb.gz"))
		pprof.StartCPUProfile(f)
		defer f.Close()
	}
	jobs := make(chan int, 256)
	results := make(chan uint32, 256)
	s := &stats{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- process(j)
			}
		}()
	}
	go func() {
		for r := range results {
			s.add(r)
		}
	}()
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	deadline := time.Now().Add(*d)
	for j := 0; time.Now().Before(deadline); j++ {
		<-tick.C
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	if *out != "" {
		pprof.StopCPUProfile()
		runtime.GC()
		for _, p := range []string{"heap", "block", "mutex"} {
			write(*out, p+".pb.gz", func(f *os.File) error { return pprof.Lookup(p).WriteTo(f, 0) })
		}
	}
	fmt.Printf("%d jobs\n", s.jobs)
}
