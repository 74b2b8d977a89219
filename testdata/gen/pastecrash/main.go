// pastecrash crashes in the way its first argument names, for the pastes corpus
// (scripts/gen-paste-fixtures): tracebacks as users paste them from CI logs, containers and
// issues, built for linux and windows, amd64 and 386, with and without -trimpath. A few workers
// wait first, so every dump holds more than the crashing goroutine. Lines a reader must name as
// the culprit carry a "godx:paste-site MODE" comment; the generator reads them from here.
//
//	pastecrash nil        nil pointer dereference in the program's own package (store)
//	pastecrash repeat     a panic raised inside the standard library (strings.Repeat)
//	pastecrash multiline  a panic whose value spans lines, blank ones included
//	pastecrash external   an access violation inside a DLL call (windows only)
//	pastecrash sigquit    the process sends itself SIGQUIT (not on windows)
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"godx.test/gen/pastecrash/store"
)

const workers = 3

func worker(ch chan int) { <-ch }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pastecrash nil|repeat|multiline|external|sigquit")
		os.Exit(2)
	}
	ch := make(chan int)
	for i := 0; i < workers; i++ {
		go worker(ch)
	}
	time.Sleep(20 * time.Millisecond)
	fmt.Println("pastecrash: starting", os.Args[1])
	var s *store.Store
	switch os.Args[1] {
	case "nil":
		fmt.Println(s.Get("user:1"))
	case "repeat":
		fmt.Println(store.Pad("id", -4))
	case "multiline":
		panic(errors.New("migration failed:\n\n  step 3: column \"email\" missing\n  step 4: skipped")) // godx:paste-site multiline
	case "external":
		callExternal()
	case "sigquit":
		selfQuit()
		time.Sleep(time.Second)
	}
}
