// cpuburn is an image-thumbnail worker pool: every job resamples a synthetic image with a naive
// per-pixel filter written in plain Go. The pool is sized at four workers per CPU and the backlog
// never drains, so every CPU is busy and runnable workers queue for one (CPU saturation), all in
// one hot loop. With -cpu FILE it writes a CPU profile of the whole run; run it with
// GODEBUG=schedtrace=200 for the scheduler's view. The planted hot loop is marked
// godx:scenario-site.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type image struct {
	w, h int
	pix  []uint32
}

func newImage(w, h, seed int) *image {
	img := &image{w: w, h: h, pix: make([]uint32, w*h)}
	for i := range img.pix {
		img.pix[i] = uint32(i*2654435761 + seed)
	}
	return img
}

// blur applies a 5x5 box filter, pixel by pixel: the hot loop.
func blur(src *image) *image {
	dst := &image{w: src.w, h: src.h, pix: make([]uint32, len(src.pix))}
	for y := 2; y < src.h-2; y++ {
		for x := 2; x < src.w-2; x++ {
			var acc uint32
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					acc += src.pix[(y+dy)*src.w+x+dx] >> 4 // godx:scenario-site
				}
			}
			dst.pix[y*src.w+x] = acc / 25
		}
	}
	return dst
}

func worker(jobs <-chan int, results chan<- uint32, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		img := blur(newImage(256, 256, j))
		results <- img.pix[len(img.pix)/2]
	}
}

func main() {
	d := flag.Duration("d", 2*time.Second, "run this long")
	cpu := flag.String("cpu", "", "write a CPU profile of the run here")
	flag.Parse()
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	jobs := make(chan int, 64)
	results := make(chan uint32, 64)
	var wg sync.WaitGroup
	for i := 0; i < 4*runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go worker(jobs, results, &wg)
	}
	go func() {
		deadline := time.Now().Add(*d)
		for j := 0; time.Now().Before(deadline); j++ {
			jobs <- j
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var sum uint32
	n := 0
	for r := range results {
		sum += r
		n++
	}
	fmt.Printf("%d thumbnails, checksum %08x\n", n, sum)
}
