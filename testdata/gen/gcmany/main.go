// gcmany runs many short GC cycles over a small heap that grows and shrinks in waves, so that a
// GODEBUG=gctrace=1 log with as many cycles as asked for (100,000 for the HTML report's load
// test) comes out in seconds. Usage: gcmany CYCLES.
package main

import (
	"os"
	"runtime"
	"strconv"
)

var keep [][]byte

func main() {
	n := 1000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	for i := 0; i < n; i++ {
		// A live heap between 0 and ~2 MB, in a wave with a period of 500 cycles.
		want := (i % 500) * 4
		if want > 1000 {
			want = 2000 - want
		}
		for len(keep) < want {
			keep = append(keep, make([]byte, 2048))
		}
		keep = keep[:want]
		runtime.GC()
	}
}
