// gcscav makes a heap that grows and shrinks in waves: each wave builds about 48 MiB of live
// buffers, drops them and idles, so the background scavenger returns the freed pages to the OS
// (GODEBUG=scavtrace=1 lines). Halfway through it changes GOMAXPROCS at run time (2 → 1 → 2), as
// a container's CPU limit change or an operator would, which gctrace shows as the P count.
// Written for Go 1.19 and later: standard library only, no newer language features.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"time"
)

var live [][]byte

func wave(mib int) {
	for i := 0; i < mib*16; i++ {
		live = append(live, make([]byte, 64<<10))
	}
	live = nil
}

func main() {
	dur := flag.Duration("d", 3*time.Second, "how long to run")
	flag.Parse()
	start := time.Now()
	changed := false
	for n := 0; time.Since(start) < *dur; n++ {
		wave(48)
		if !changed && time.Since(start) > *dur/3 {
			fmt.Println("gcscav: GOMAXPROCS", runtime.GOMAXPROCS(1), "-> 1")
			changed = true
		}
		if changed && runtime.GOMAXPROCS(0) == 1 && time.Since(start) > 2**dur/3 {
			fmt.Println("gcscav: GOMAXPROCS 1 -> 2")
			runtime.GOMAXPROCS(2)
		}
		time.Sleep(150 * time.Millisecond)
	}
	fmt.Println("gcscav: done")
}
