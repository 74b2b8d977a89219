// stackcrash crashes in the way its first argument names, so that the Go runtime prints the
// traceback godx stacks reads: panics (plain, nested, nil dereference), fatal errors (deadlock,
// concurrent map writes, stack overflow), a SIGQUIT dump, a data race (build with -race) and
// net/http's "http: panic serving" log line. A few worker goroutines wait in different ways
// first, so the dumps hold more than one stack; some carry pprof labels.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

type Server struct {
	mu    sync.Mutex
	cache map[string]*Entry
}

type Entry struct{ Value string }

func (s *Server) Lookup(key string) string {
	e := s.cache[key] // nil when missing
	return e.Value    // nil dereference
}

func startWorkers(n int) (chan int, *sync.Mutex) {
	ch := make(chan int)
	var mu sync.Mutex
	mu.Lock()
	for i := 0; i < n; i++ {
		go receiver(ch)
		// Labelled like a request handler: Go 1.27 prints the labels in the traceback header.
		go pprof.Do(context.Background(), pprof.Labels("role", "locker", "worker", fmt.Sprint(i)),
			func(context.Context) { locker(&mu) })
	}
	go sleeper()
	time.Sleep(50 * time.Millisecond)
	return ch, &mu
}

func receiver(ch chan int) { <-ch }
func locker(mu *sync.Mutex) { mu.Lock() }
func sleeper()             { time.Sleep(time.Hour) }

func recurse(n int) int { return recurse(n+1) + 1 }

func writeMap(m map[int]int, start int) {
	for i := start; ; i++ {
		m[i%100] = i
	}
}

func handlerPanic() {
	http.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		var s *Server
		s.Lookup("x")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, nil)
	resp, err := http.Get("http://" + ln.Addr().String() + "/boom")
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	fmt.Fprintln(os.Stderr, "request finished:", err != nil)
}

var shared int

func race() {
	done := make(chan bool)
	go func() { shared = 1; done <- true }()
	go func() { shared = 2; done <- true }()
	<-done
	<-done
	fmt.Println(shared)
}

func nested() {
	defer func() {
		r := recover()
		panic(fmt.Sprintf("while handling %v: %v", r, errors.New("cleanup failed")))
	}()
	panic("first failure")
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stackcrash panic|nil|nested|deadlock|mapwrite|overflow|sigquit|race|http")
		os.Exit(1)
	}
	fmt.Println("stackcrash: starting", os.Args[1]) // ordinary output before the crash
	switch os.Args[1] {
	case "panic":
		startWorkers(3)
		panic(fmt.Errorf("config %q not found", "prod.yaml"))
	case "nil":
		startWorkers(2)
		s := &Server{cache: map[string]*Entry{}}
		fmt.Println(s.Lookup("missing"))
	case "nested":
		nested()
	case "deadlock":
		ch := make(chan int)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); ch <- 1; ch <- 2 }()
		<-ch
		wg.Wait()
	case "mapwrite":
		startWorkers(1)
		m := map[int]int{}
		go writeMap(m, 0)
		writeMap(m, 1)
	case "overflow":
		recurse(0)
	case "sigquit":
		startWorkers(4)
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Second)
	case "race":
		race()
	case "http":
		handlerPanic()
	}
}
