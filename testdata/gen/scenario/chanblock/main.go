// chanblock is an event pipeline: eight ingest goroutines decode events and hand them to one
// indexer over a small buffered channel. The indexer does slow work per event, so the channel is
// full nearly all the time and the ingesters spend their lives blocked on the send (a slow
// consumer). The program enables the block profile (runtime.SetBlockProfileRate(1)) and, with
// -block FILE, writes it after -d. The planted send is marked godx:scenario-site.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type event struct {
	source  int
	seq     int
	payload []byte
}

// ingest decodes events from one source and queues them for indexing.
func ingest(source int, out chan<- event, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for seq := 0; ; seq++ {
		ev := event{source: source, seq: seq, payload: []byte(fmt.Sprintf("src=%d seq=%d", source, seq))}
		select {
		case <-stop:
			return
		default:
		}
		out <- ev // godx:scenario-site
	}
}

// index is the only consumer; each event costs about a millisecond.
func index(in <-chan event, done chan<- int) {
	n := 0
	for ev := range in {
		sum := sha256.Sum256(ev.payload)
		for i := 0; i < 200; i++ {
			sum = sha256.Sum256(sum[:])
		}
		time.Sleep(time.Millisecond)
		n++
	}
	done <- n
}

func main() {
	d := flag.Duration("d", 2*time.Second, "run this long")
	sources := flag.Int("sources", 8, "ingest goroutines")
	block := flag.String("block", "", "write the block profile here at the end")
	flag.Parse()
	runtime.SetBlockProfileRate(1)

	events := make(chan event, 16)
	done := make(chan int)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for s := 0; s < *sources; s++ {
		wg.Add(1)
		go ingest(s, events, stop, &wg)
	}
	go index(events, done)
	time.Sleep(*d)

	if *block != "" {
		f, err := os.Create(*block)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.Lookup("block").WriteTo(f, 0)
		f.Close()
	}
	close(stop)
	go func() {
		for range events {
		}
	}()
	wg.Wait()
	fmt.Println("stopped")
}
