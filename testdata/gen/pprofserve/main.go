// pprofserve serves net/http/pprof on a free loopback port and prints "listening on PORT" once
// ready; godx's tests fetch live profiles from it. /slow never answers within a test's timeout,
// /chunked answers with a chunked body. It exits when stdin closes.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	http.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Second)
	})
	http.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "part %d\n", i)
			w.(http.Flusher).Flush()
		}
	})
	go func() {
		// Some work so the CPU profile has samples.
		x := 0
		for {
			for i := 0; i < 1e6; i++ {
				x += i * i
			}
			time.Sleep(time.Millisecond)
		}
	}()
	fmt.Printf("listening on %d\n", ln.Addr().(*net.TCPAddr).Port)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	http.Serve(ln, nil)
}
