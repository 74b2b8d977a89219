// churn is a metrics-export worker: for every batch of samples it renders each sample as a line of
// text with fmt.Sprintf and strings.Join, builds a throwaway map of labels per sample, and keeps
// only a checksum. Nothing lives long, but the allocation rate is so high that the collector runs
// many times a second (GC churn). Run it with GODEBUG=gctrace=1; with -allocs FILE it also writes
// an allocs profile at the end. The planted allocation is marked godx:scenario-site.
package main

import (
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"
)

type sample struct {
	name   string
	value  float64
	labels [][2]string
}

// renderSample formats one sample as an exposition line; every call allocates its pieces afresh.
func renderSample(s sample) string {
	labels := make(map[string]string, len(s.labels))
	for _, kv := range s.labels {
		labels[kv[0]] = kv[1]
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%q", k, labels[k])) // godx:scenario-site
	}
	return fmt.Sprintf("%s{%s} %g", s.name, strings.Join(parts, ","), s.value)
}

func exportBatch(batch []sample) uint32 {
	var sum uint32
	for _, s := range batch {
		sum ^= crc32.ChecksumIEEE([]byte(renderSample(s)))
	}
	return sum
}

func makeBatch(n, seq int) []sample {
	batch := make([]sample, n)
	for i := range batch {
		batch[i] = sample{
			name:  "http_requests_total",
			value: float64(seq*n + i),
			labels: [][2]string{{"method", "GET"}, {"code", "200"}, {"route", "/api/v1/orders"},
				{"instance", "10.0.0.7:8080"}, {"shard", fmt.Sprint(i % 16)}},
		}
	}
	return batch
}

func main() {
	d := flag.Duration("d", 2*time.Second, "run this long")
	workers := flag.Int("workers", 2, "export workers")
	allocs := flag.String("allocs", "", "write an allocs profile here at the end")
	flag.Parse()
	runtime.MemProfileRate = 64 << 10
	deadline := time.Now().Add(*d)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total uint32
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for seq := 0; time.Now().Before(deadline); seq++ {
				sum := exportBatch(makeBatch(500, seq))
				mu.Lock()
				total += sum
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if *allocs != "" {
		f, err := os.Create(*allocs)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	fmt.Printf("exported, checksum %08x\n", total)
}
