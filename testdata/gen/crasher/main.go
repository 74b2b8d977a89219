// crasher allocates for -d (so GODEBUG=gctrace=1 and schedtrace print a few lines), writes
// ordinary output on stdout and stderr, then panics from a goroutine created by startJob: the
// traceback `godx run` must keep and analyse. With -ok it exits 0 instead, with -exit N it exits N.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

var sink []byte

type job struct{ table map[string]int }

func (j *job) record(key string) { j.table[key]++ } // j.table is nil: panics

func startJob(done chan struct{}) {
	go func() {
		var j job
		j.record("requests")
		close(done)
	}()
}

func main() {
	dur := flag.Duration("d", 1500*time.Millisecond, "allocate for this long first")
	ok := flag.Bool("ok", false, "exit normally instead of crashing")
	code := flag.Int("exit", 0, "exit with this status instead of crashing")
	flag.Parse()
	start := time.Now()
	for i := 0; time.Since(start) < *dur; i++ {
		sink = make([]byte, 64<<10)
		if i%20000 == 0 {
			fmt.Printf("stdout line %d\n", i)
			fmt.Fprintf(os.Stderr, "stderr line %d\n", i)
		}
	}
	if *ok {
		fmt.Println("done")
		return
	}
	if *code != 0 {
		os.Exit(*code)
	}
	done := make(chan struct{})
	startJob(done)
	<-done
}
