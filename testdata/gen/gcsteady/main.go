// gcsteady allocates short-lived garbage at a steady rate with a constant live set: the GC trace
// of a healthy program, on which godx must raise no alarm.
package main

import (
	"flag"
	"time"
)

var sink []byte

func main() {
	dur := flag.Duration("d", 3*time.Second, "how long to run")
	flag.Parse()
	live := make([][]byte, 256)
	for i := range live {
		live[i] = make([]byte, 64<<10)
	}
	tick := time.NewTicker(200 * time.Microsecond)
	defer tick.Stop()
	start := time.Now()
	for time.Since(start) < *dur {
		<-tick.C
		for j := 0; j < 1; j++ {
			sink = make([]byte, 16<<10)
		}
	}
	_ = live
}
