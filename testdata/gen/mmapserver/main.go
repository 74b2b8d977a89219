// mmapserver is an HTTP service with net/http/pprof and expvar that holds -mb MiB of anonymous
// memory it mapped itself with syscall.Mmap (and touched, so it is resident): memory the Go
// runtime does not manage, as cgo or a memory-mapped cache would hold. It listens on -addr
// (127.0.0.1:0 picks a free loopback port) and prints "listening on HOST:PORT" once ready.
//
// With -grow-mb it keeps mapping more, of the kind -grow-kind names: "anon" (MAP_ANON regions, as
// a leaking C library or an off-heap cache holds) or "file" (a file extended and mapped
// MAP_SHARED piece by piece, as a memory-mapped store grows; the file is unlinked at once, so
// nothing is left behind, and shows as "(deleted)" in /proc/PID/smaps).
package main

import (
	_ "expvar"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"syscall"
	"time"
)

var offHeap []byte

// grown holds what -grow-mb mapped, so nothing unmaps it.
var grown [][]byte

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	mb := flag.Int("mb", 128, "MiB of anonymous memory to map and touch")
	life := flag.Duration("life", 5*time.Minute, "exit after this long (a safety net for tests)")
	growMB := flag.Int("grow-mb", 0, "map and touch this many MiB more every -grow-every (0: never)")
	growEvery := flag.Duration("grow-every", time.Second, "how often -grow-mb more is mapped")
	growKind := flag.String("grow-kind", "anon", "what -grow-mb maps: anon or file")
	flag.Parse()
	var err error
	offHeap, err = syscall.Mmap(-1, 0, *mb<<20, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; i < len(offHeap); i += 4096 {
		offHeap[i] = 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *growMB > 0 {
		// Memory that keeps growing outside the Go heap, as a leaking C library would hold.
		grow := growAnon
		if *growKind == "file" {
			f, err := os.CreateTemp("", "mmapserver-*.dat")
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			os.Remove(f.Name())
			grow = growFile(f)
		} else if *growKind != "anon" {
			fmt.Fprintf(os.Stderr, "-grow-kind %q: want anon or file\n", *growKind)
			os.Exit(2)
		}
		go func() {
			for range time.Tick(*growEvery) {
				m, err := grow(*growMB << 20)
				if err != nil {
					continue
				}
				for i := 0; i < len(m); i += 4096 {
					m[i] = 1
				}
				grown = append(grown, m)
			}
		}()
	}
	go func() {
		time.Sleep(*life)
		os.Exit(0)
	}()
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, nil)
}

func growAnon(n int) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

// growFile maps the next n bytes of f, extending it first: each call adds one file-backed
// mapping whose pages, once touched, are resident page cache counted in RssFile.
func growFile(f *os.File) func(n int) ([]byte, error) {
	var size int64
	return func(n int) ([]byte, error) {
		if err := f.Truncate(size + int64(n)); err != nil {
			return nil, err
		}
		m, err := syscall.Mmap(int(f.Fd()), size, n, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_SHARED)
		if err != nil {
			return nil, err
		}
		size += int64(n)
		return m, nil
	}
}
