// tightloop spins in a loop with no function calls on one goroutine. Run with
// GODEBUG=asyncpreemptoff=1 (as on Go before 1.14, where such loops could not be preempted) and
// schedtrace/scheddetail: the P running it never reaches a scheduling point, so its schedtick
// stops advancing while it stays busy.
package main

import (
	"flag"
	"os"
	"time"
)

var counter uint64

func spin() {
	for {
		counter++ // no calls: no preemption point without asynchronous preemption
	}
}

func main() {
	dur := flag.Duration("d", 2*time.Second, "how long to run")
	flag.Parse()
	go spin()
	deadline := time.Now().Add(*dur)
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the other P keeps scheduling
	}
	os.Exit(0)
}
