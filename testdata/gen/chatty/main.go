// chatty writes a structured log line per simulated request, as a busy service does, while
// allocating per request. Run with GODEBUG=gctrace=1 and stdout and stderr in one file to get a
// realistic service log in which gctrace lines are a small minority (used by scripts/bench).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

type entry struct {
	Level    string  `json:"level"`
	TS       string  `json:"ts"`
	Msg      string  `json:"msg"`
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	Status   int     `json:"status"`
	Bytes    int     `json:"bytes"`
	Duration float64 `json:"dur_ms"`
}

func main() {
	dur := flag.Duration("d", 2*time.Second, "how long to run")
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
	start := time.Now()
	for i := 0; time.Since(start) < *dur; i++ {
		body := make([]byte, 4096+i%8192) // the request's garbage
		e := entry{"info", time.Now().UTC().Format(time.RFC3339Nano), "request served", "GET",
			fmt.Sprintf("/api/v1/items/%d", i%10000), 200, len(body), float64(i%50) / 7}
		if err := enc.Encode(&e); err != nil {
			os.Exit(1)
		}
	}
}
