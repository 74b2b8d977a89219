// heapcache is a session service's worker: every request loads a session and caches the rendered
// page in a map keyed by request ID, which is unique, so no entry is ever hit again or evicted —
// the live heap grows for as long as the process runs (a heap leak). Run it with
// GODEBUG=gctrace=1; with -heap PREFIX it writes a heap profile after -first and another at the
// end (PREFIX-1.pb.gz, PREFIX-2.pb.gz) for a diff. The planted allocation is marked
// godx:scenario-site.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type page struct {
	session string
	body    []byte
	created time.Time
}

type pageCache struct {
	mu    sync.Mutex
	pages map[string]*page
}

func (c *pageCache) put(key string, p *page) {
	c.mu.Lock()
	c.pages[key] = p
	c.mu.Unlock()
}

// render builds the page for a request and caches it under the request's ID.
func render(c *pageCache, reqID int, session string) int {
	body := make([]byte, 4<<10) // godx:scenario-site
	n := copy(body, fmt.Sprintf("<html><body>session %s request %d</body></html>", session, reqID))
	c.put(fmt.Sprintf("req-%d", reqID), &page{session: session, body: body, created: time.Now()})
	return n
}

func writeHeap(path string) {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	d := flag.Duration("d", 3*time.Second, "run this long")
	first := flag.Duration("first", time.Second, "write the first heap profile after this long")
	heap := flag.String("heap", "", "write heap profiles PREFIX-1.pb.gz and PREFIX-2.pb.gz")
	rate := flag.Int("rate", 4000, "requests per second")
	flag.Parse()
	c := &pageCache{pages: map[string]*page{}}
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	reqID, wrote := 0, false
	for now := range tick.C {
		if now.Sub(start) > *d {
			break
		}
		if *heap != "" && !wrote && now.Sub(start) > *first {
			writeHeap(*heap + "-1.pb.gz")
			wrote = true
		}
		for i := 0; i < *rate/1000; i++ {
			reqID++
			// Short-lived garbage beside the leak, as a real handler makes.
			scratch := make([]byte, 128<<10)
			scratch[0] = byte(reqID)
			render(c, reqID, fmt.Sprintf("s-%d", reqID%500))
		}
	}
	if *heap != "" {
		writeHeap(*heap + "-2.pb.gz")
	}
	fmt.Printf("cached %d pages\n", len(c.pages))
}
