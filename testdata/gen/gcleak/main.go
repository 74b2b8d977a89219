// gcleak allocates garbage quickly while keeping a slowly growing set of buffers alive (a leak),
// and calls runtime.GC() now and then. Run with GODEBUG=gctrace=1 to produce a GC trace whose
// live heap climbs steadily and whose cycles include forced ones.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"time"
)

var sink []byte

func main() {
	dur := flag.Duration("d", 4*time.Second, "how long to run")
	flag.Parse()
	var kept [][]byte
	start := time.Now()
	for i := 0; time.Since(start) < *dur; i++ {
		sink = make([]byte, 32<<10) // garbage
		if i%128 == 0 {
			kept = append(kept, make([]byte, 64<<10)) // the leak: never released
		}
		if i%20 == 0 {
			time.Sleep(time.Millisecond) // a service's pace, not a tight loop
		}
		if i%20000 == 0 && i > 0 {
			runtime.GC()
		}
		if i%5000 == 0 {
			fmt.Printf("request %d served\n", i) // ordinary program output, interleaved
		}
	}
	fmt.Println("kept", len(kept))
}
