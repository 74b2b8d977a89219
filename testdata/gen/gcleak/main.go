// gcleak allocates garbage quickly while keeping a slowly growing set of buffers alive (a leak),
// and calls runtime.GC() now and then. Run with GODEBUG=gctrace=1 to produce a GC trace whose
// live heap climbs steadily and whose cycles include forced ones. With -heap DIR it also writes
// two heap profiles of the growing heap, DIR/heap-1.pb.gz a third of the way through and
// DIR/heap-2.pb.gz at the end (for heap diffs).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

func writeHeap(dir, name string) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	runtime.GC() // the profile shows the heap as of the last GC
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var sink []byte

// cache keeps every buffer it is given and is never trimmed: the leak.
var cache [][]byte

//go:noinline
func remember() {
	cache = append(cache, make([]byte, 64<<10))
}

func main() {
	dur := flag.Duration("d", 4*time.Second, "how long to run")
	heapDir := flag.String("heap", "", "write two heap profiles into this directory")
	flag.Parse()
	first := *heapDir != ""
	start := time.Now()
	for i := 0; time.Since(start) < *dur; i++ {
		sink = make([]byte, 32<<10) // garbage
		if i%128 == 0 {
			remember() // the leak: never released
		}
		if i%20 == 0 {
			time.Sleep(time.Millisecond) // a service's pace, not a tight loop
		}
		if i%20000 == 0 && i > 0 {
			runtime.GC()
		}
		if first && time.Since(start) >= *dur/3 {
			writeHeap(*heapDir, "heap-1.pb.gz")
			first = false
		}
		if i%5000 == 0 {
			fmt.Printf("request %d served\n", i) // ordinary program output, interleaved
		}
	}
	if *heapDir != "" {
		writeHeap(*heapDir, "heap-2.pb.gz")
	}
	fmt.Println("kept", len(cache))
}
