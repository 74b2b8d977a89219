// nilmap is a billing worker: a pool of goroutines reads usage events from a queue and adds them
// up per tenant in shards. A shard created for a tenant that arrives after startup never gets its
// map (newShard forgets it), so the first event for it crashes the worker with "assignment to
// entry in nil map". The program sets debug.SetTraceback("all"), as many services do, so the
// crash prints every goroutine. The planted write is marked godx:scenario-site.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

type usage struct {
	tenant string
	units  int
}

type shard struct {
	mu       sync.Mutex
	byTenant map[string]int
	events   int
}

// newShard builds a shard for a tenant seen after startup; the map is never made (the bug).
func newShard() *shard { return &shard{} }

type ledger struct {
	mu     sync.Mutex
	shards map[string]*shard
}

func (l *ledger) shardFor(tenant string) *shard {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.shards[tenant]
	if !ok {
		s = newShard()
		l.shards[tenant] = s
	}
	return s
}

func (s *shard) record(u usage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events++
	s.byTenant[u.tenant] += u.units // godx:scenario-site
}

func worker(id int, l *ledger, queue <-chan usage, wg *sync.WaitGroup) {
	defer wg.Done()
	for u := range queue {
		l.shardFor(u.tenant).record(u)
	}
}

func main() {
	workers := flag.Int("workers", 4, "billing workers")
	delay := flag.Duration("delay", 300*time.Millisecond, "run this long before the new tenant arrives")
	flag.Parse()
	debug.SetTraceback("all")

	l := &ledger{shards: map[string]*shard{}}
	for _, t := range []string{"acme", "globex", "initech"} {
		l.shards[t] = &shard{byTenant: map[string]int{}}
	}
	queue := make(chan usage, 64)
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go worker(i, l, queue, &wg)
	}
	start := time.Now()
	tenants := []string{"acme", "globex", "initech"}
	for n := 0; ; n++ {
		t := tenants[n%len(tenants)]
		if time.Since(start) > *delay {
			t = "umbrella" // a tenant that signed up while the worker was running
		}
		queue <- usage{tenant: t, units: n % 7}
		if n%100 == 0 {
			time.Sleep(time.Millisecond)
		}
		if n > 10_000_000 {
			break
		}
	}
	close(queue)
	wg.Wait()
	fmt.Fprintln(os.Stdout, "done")
}
