// stackmap is a small session cache whose writers forgot the lock: an ingest loop and a
// refresher both use one map, so the runtime stops the program with "concurrent map writes"
// (or "concurrent map read and map write", "concurrent map iteration and map write"). The map
// sits behind a *Cache whose methods are not inlined, so every frame that touches it prints the
// receiver pointer: the word that ties the crashing goroutine to the other one (the cache lives in a
// package whose path ends in "sessions.v1": its names print escaped, as "sessions%2ev1"). Run it with
// GOTRACEBACK=all so that every goroutine's stack is printed.
//
//	stackmap writes|read|iter
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	sessions "godx.test/gen/stackmap/sessions.v1"
)

type Cache = sessions.Cache
type Session = sessions.Session

// ingest stores the sessions a login stream produces.
func ingest(c *Cache, from int) {
	for i := from; ; i++ {
		c.Put("s"+strconv.Itoa(i%512), Session{User: "u" + strconv.Itoa(i), Expires: int64(i)})
	}
}

// refresh extends sessions: it writes too.
func refresh(c *Cache) {
	for i := 0; ; i++ {
		c.Put("s"+strconv.Itoa(i%512), Session{User: "r", Expires: int64(i) + 3600})
	}
}

// lookup serves reads.
func lookup(c *Cache) {
	hits := 0
	for i := 0; ; i++ {
		if _, ok := c.Get("s" + strconv.Itoa(i%512)); ok {
			hits++
		}
	}
}

// sweep counts expired sessions, ranging over the map.
func sweep(c *Cache) {
	for i := 0; ; i++ {
		_ = c.Expired(int64(i))
	}
}

// idle goroutines a real service would have: a ticker and a request queue.
func background() {
	q := make(chan int)
	go func() {
		for range q {
		}
	}()
	go func() {
		t := time.NewTicker(time.Hour)
		for range t.C {
		}
	}()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: stackmap writes|read|iter")
		os.Exit(2)
	}
	background()
	c := sessions.New()
	for i := 0; i < 512; i++ {
		c.Put("s"+strconv.Itoa(i), Session{User: "seed", Expires: int64(i)})
	}
	switch os.Args[1] {
	case "writes":
		go ingest(c, 0)
		refresh(c)
	case "read":
		go ingest(c, 0)
		lookup(c)
	case "iter":
		go ingest(c, 0)
		sweep(c)
	}
}
