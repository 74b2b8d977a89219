// mutexwait is a rate-limiter service's core: eight request goroutines check and update per-client
// counters in one table guarded by a single mutex, and the update recomputes a client's window
// (sorting its timestamps) while holding the lock. The lock is contended nearly all the time
// (mutex contention). The program enables the mutex profile
// (runtime.SetMutexProfileFraction(1)) and, with -mutex FILE, writes it after -d. The planted
// unlock, where the runtime charges the waiters' delay, is marked godx:scenario-site.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"
)

type window struct {
	hits []int64
}

type limiter struct {
	mu      sync.Mutex
	clients map[int]*window
	limit   int
}

// allow records a hit for client and says whether it is under the limit of the last second.
func (l *limiter) allow(client int, now int64) bool {
	l.mu.Lock()
	w := l.clients[client]
	if w == nil {
		w = &window{}
		l.clients[client] = w
	}
	w.hits = append(w.hits, now)
	sort.Slice(w.hits, func(i, j int) bool { return w.hits[i] < w.hits[j] })
	cut := 0
	for cut < len(w.hits) && w.hits[cut] < now-int64(time.Second) {
		cut++
	}
	w.hits = w.hits[cut:]
	ok := len(w.hits) <= l.limit
	l.mu.Unlock() // godx:scenario-site
	return ok
}

func serve(l *limiter, id int, stop <-chan struct{}, wg *sync.WaitGroup, allowed *int64) {
	defer wg.Done()
	var n int64
	for i := 0; ; i++ {
		select {
		case <-stop:
			*allowed = n
			return
		default:
		}
		if l.allow((id*7+i)%20, time.Now().UnixNano()) {
			n++
		}
	}
}

func main() {
	d := flag.Duration("d", 2*time.Second, "run this long")
	workers := flag.Int("workers", 8, "request goroutines")
	mutex := flag.String("mutex", "", "write the mutex profile here at the end")
	flag.Parse()
	runtime.SetMutexProfileFraction(1)

	l := &limiter{clients: map[int]*window{}, limit: 5000}
	stop := make(chan struct{})
	allowed := make([]int64, *workers)
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go serve(l, i, stop, &wg, &allowed[i])
	}
	time.Sleep(*d)
	if *mutex != "" {
		f, err := os.Create(*mutex)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.Lookup("mutex").WriteTo(f, 0)
		f.Close()
	}
	close(stop)
	wg.Wait()
	var total int64
	for _, n := range allowed {
		total += n
	}
	fmt.Printf("allowed %d requests\n", total)
}
