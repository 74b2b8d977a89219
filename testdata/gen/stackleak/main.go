// stackleak is a server that leaks goroutines: every "request" starts a worker that waits on a
// channel nobody sends to, plus a few that contend for one mutex, sit in a select, or sleep.
// It writes /debug/pprof/goroutine at debug=1 and debug=2 to files, twice (the leak grows in
// between), for `godx stacks` and `godx stacks diff`. With -n 63500 it produces the large
// dumps the benchmarks use; with -sigquit it then kills itself with SIGQUIT, so the runtime
// prints every goroutine on stderr (a dump that, unlike debug=2, is never truncated).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

type request struct {
	id    int
	reply chan string
}

var mu sync.Mutex

// handle leaks: it waits for a reply that never comes.
func handle(r request) {
	select {
	case s := <-r.reply:
		fmt.Println(s)
	}
}

// serve starts n leaking workers; with variety > 1 their stacks differ in depth (depth,
// depth+1, ..., depth+variety-1), giving `variety` distinct stacks.
func serve(n, depth, variety int) {
	for i := 0; i < n; i++ {
		r := request{id: i, reply: make(chan string)}
		go nest(depth+i%variety, func() { handle(r) })
	}
}

// nest deepens the stack so the dump looks like a real service's.
func nest(depth int, f func()) {
	if depth == 0 {
		f()
		return
	}
	nest(depth-1, f)
}

func contend(n int) {
	mu.Lock()
	for i := 0; i < n; i++ {
		go func() { mu.Lock(); mu.Unlock() }()
	}
}

func ticker(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func write(path string, debug int) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	pprof.Lookup("goroutine").WriteTo(f, debug)
}

func main() {
	n := flag.Int("n", 200, "leaked goroutines before the first dump (doubled for the second)")
	depth := flag.Int("depth", 3, "extra frames in each leaked goroutine")
	variety := flag.Int("variety", 1, "distinct stack depths among the leaked goroutines")
	out := flag.String("o", ".", "output directory")
	sigquit := flag.Bool("sigquit", false, "after starting the goroutines, die by SIGQUIT instead of writing profiles")
	flag.Parse()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		go ticker(ctx)
	}
	contend(12)
	serve(*n, *depth, *variety)
	time.Sleep(200 * time.Millisecond)
	if *sigquit {
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Hour)
	}
	write(*out+"/leak-1.debug2.txt", 2)
	write(*out+"/leak-1.debug1.txt", 1)
	serve(*n, *depth, *variety)
	time.Sleep(200 * time.Millisecond)
	write(*out+"/leak-2.debug2.txt", 2)
	write(*out+"/leak-2.debug1.txt", 1)
}
