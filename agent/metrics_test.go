package agent

import (
	"bufio"
	"expvar"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestReadProcStatus(t *testing.T) {
	// A real /proc/PID/status, captured by godx from the leakyserver scenario with Go 1.26.
	b, err := os.ReadFile("../testdata/live/go1.26/leaky-bundle/proc_status.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := readProcStatus(b)
	if s.Threads != 5 || s.VmRSS != 7768<<10 || s.VmHWM != 7768<<10 || s.RssAnon != 1136<<10 ||
		s.RssFile != 6632<<10 || s.VmSwap != 0 {
		t.Errorf("%+v", s)
	}
	if s := readProcStatus([]byte("Name:\tx\n")); s.Threads != -1 || s.RssAnon != -1 {
		t.Errorf("missing keys: %+v, want -1", s)
	}
}

// Threads locked by goroutines that block show on both sides of the cross-check: the runtime's
// thread count and the kernel's.
func TestCrossCheckCountsThreadsOnBothSides(t *testing.T) {
	before := ReadCrossCheck()
	if before.OSThreads <= 0 || before.GoThreads <= 0 || before.Goroutines <= 0 {
		t.Fatalf("%+v", before)
	}
	const n = 20
	release := make(chan struct{})
	var started, ended sync.WaitGroup
	started.Add(n)
	ended.Add(n)
	for range n {
		go func() {
			defer ended.Done()
			runtime.LockOSThread()
			started.Done()
			<-release // a locked goroutine that blocks keeps its thread
			// Ending without UnlockOSThread ends the thread too.
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond)
	after := ReadCrossCheck()
	close(release)
	ended.Wait()
	// Each locked goroutine holds a thread of its own (idle threads may be reused for them).
	if after.OSThreads <= n || after.GoThreads <= n {
		t.Errorf("threads %d→%d (OS), %d→%d (Go); want both above %d", before.OSThreads,
			after.OSThreads, before.GoThreads, after.GoThreads, n)
	}
	var end CrossCheck
	for range 100 { // the runtime ends the threads asynchronously
		if end = ReadCrossCheck(); after.OSThreads-end.OSThreads >= n/4 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after.OSThreads-end.OSThreads < n/4 || after.GoThreads-end.GoThreads < n/4 {
		t.Errorf("threads after the locked goroutines ended: %d→%d (OS), %d→%d (Go); want both down by %d or more (threads that ended locked exit)",
			after.OSThreads, end.OSThreads, after.GoThreads, end.GoThreads, n/4)
	}
	if d := after.ThreadsOutsideGo; d < -2 || d > 2 {
		t.Errorf("threads outside Go: %d, want about 0 when every thread is Go's", d)
	}
}

// Anonymous memory mapped outside the Go runtime raises OffGo by about its size.
func TestCrossCheckSeesMemoryOutsideGo(t *testing.T) {
	before := ReadCrossCheck()
	const size = 64 << 20
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	for i := 0; i < size; i += 4096 {
		mem[i] = 1
	}
	after := ReadCrossCheck()
	grew := after.OffGo - before.OffGo
	if grew < size*9/10 || grew > size*11/10 {
		t.Errorf("off-Go memory grew by %d bytes, want about %d (before %+v, after %+v)", grew, size, before, after)
	}
	if after.GoMapped-before.GoMapped > 8<<20 {
		t.Errorf("Go-mapped memory grew by %d: the mmap is not Go's", after.GoMapped-before.GoMapped)
	}
}

func TestOpenMetricsAndExpvarAgree(t *testing.T) {
	PublishExpvar()
	var b strings.Builder
	if err := WriteOpenMetrics(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.HasSuffix(text, "# EOF\n") {
		t.Fatalf("no # EOF:\n%s", text)
	}
	values := map[string]int64{}
	typed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 4 && f[1] == "TYPE" {
			typed[f[2]] = true
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || !typed[f[0]] {
			t.Fatalf("line %q: not \"name value\" after its # TYPE", line)
		}
		v, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		values[f[0]] = v
	}
	for _, name := range []string{"go_goroutines", "go_threads", "process_threads", "go_mapped_bytes", "process_resident_memory_bytes", "process_off_go_memory_bytes"} {
		if _, ok := values[name]; !ok {
			t.Errorf("no %s in\n%s", name, text)
		}
	}
	if values["process_threads_outside_go"] != values["process_threads"]-values["go_threads"] {
		t.Errorf("threads outside Go %d != %d - %d", values["process_threads_outside_go"], values["process_threads"], values["go_threads"])
	}
	v := expvar.Get("godx")
	if v == nil || !strings.Contains(v.String(), `"os_threads":`) {
		t.Errorf("expvar godx: %v", v)
	}
}
