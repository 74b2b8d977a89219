// escapehot is a request router's access logger: for every request it builds an entry and hands
// it to a formatter through an interface (fmt.Stringer) and a closure, so the compiler cannot keep
// the entry on the stack: every request moves one entry to the heap on the hottest path of the
// service. Build it with -gcflags=-m=2 to see why. The planted escape is marked
// godx:scenario-site.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type entry struct {
	method  string
	path    string
	status  int
	latency time.Duration
	bytes   int
}

func (e *entry) String() string {
	var b strings.Builder
	b.WriteString(e.method)
	b.WriteByte(' ')
	b.WriteString(e.path)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(e.status))
	b.WriteByte(' ')
	b.WriteString(e.latency.String())
	return b.String()
}

type sink struct {
	lines   int
	bytes   int
	pending []fmt.Stringer
	flushes []func() int
}

func (s *sink) add(v fmt.Stringer) {
	s.pending = append(s.pending, v)
	if len(s.pending) == 64 {
		for _, p := range s.pending {
			s.bytes += len(p.String())
		}
		s.lines += len(s.pending)
		s.pending = s.pending[:0]
	}
}

// logRequest runs once per request: the hot path.
func logRequest(s *sink, method, path string, status int, start time.Time, n int) {
	e := entry{method: method, path: path, status: status, latency: time.Since(start), bytes: n} // godx:scenario-site
	s.add(&e)
	s.flushes = append(s.flushes, func() int { return e.bytes })
}

func route(path string) int {
	switch {
	case strings.HasPrefix(path, "/api/"):
		return 200
	case path == "/healthz":
		return 204
	default:
		return 404
	}
}

func main() {
	n := flag.Int("n", 200000, "requests to simulate")
	flag.Parse()
	s := &sink{}
	paths := []string{"/api/v1/orders", "/api/v1/users/7", "/healthz", "/favicon.ico"}
	for i := 0; i < *n; i++ {
		start := time.Now()
		p := paths[i%len(paths)]
		logRequest(s, "GET", p, route(p), start, 100+i%900)
		if len(s.flushes) > 1024 {
			s.flushes = s.flushes[:0]
		}
	}
	fmt.Fprintf(os.Stdout, "%d lines, %d bytes\n", s.lines, s.bytes)
}
