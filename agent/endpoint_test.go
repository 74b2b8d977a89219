package agent

import (
	"archive/tar"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// untar writes a bundle tar into dir, refusing names that are not plain file names.
func untar(t *testing.T, r io.Reader, dir string) []string {
	t.Helper()
	tr := tar.NewReader(r)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatalf("tar: %v", err)
		}
		if strings.ContainsRune(h.Name, '/') {
			t.Fatalf("tar entry %q is not a plain name", h.Name)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, h.Name), b, 0o644)
		names = append(names, h.Name)
	}
}

// waitForOrder parks forever: the goroutine leak the bundle test plants.
func waitForOrder(orders chan int) { <-orders } // godx:site leak

func TestEndpointServesABundleGodxDoctorReads(t *testing.T) {
	a, err := Start(Options{Dir: t.TempDir(), Flight: &FlightOptions{Window: time.Second}, Expvar: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/debug/godx/")
	if err != nil {
		t.Fatal(err)
	}
	var idx map[string]any
	json.NewDecoder(resp.Body).Decode(&idx)
	resp.Body.Close()
	if idx["format"] != AgentFormat || idx["flight_recorder"] != true {
		t.Fatalf("index %v", idx)
	}

	// A leak that grows while the bundle is captured: 15 goroutines every 100ms.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	orders := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				for range 15 {
					go waitForOrder(orders)
				}
			}
		}
	}()
	defer func() { close(stop); wg.Wait(); close(orders) }()

	resp, err = http.Get(srv.URL + "/debug/godx/bundle?cpu=800ms")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-tar" {
		t.Fatalf("bundle: %d %v", resp.StatusCode, resp.Header)
	}
	dir := t.TempDir()
	names := untar(t, resp.Body, dir)
	if names[len(names)-1] != "manifest.json" {
		t.Errorf("tar ends with %q, want manifest.json last", names[len(names)-1])
	}
	mb, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	var m manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Complete || m.Format != manifestFormat || m.URL != srv.URL+"/debug/godx/" {
		t.Errorf("manifest %s", mb)
	}
	want := []string{"proc_status.txt", "goroutine.debug1.txt", "vars.json", "goroutine.debug2.txt",
		"heap.pb.gz", "cpu.pb.gz", "trace.out", "goroutine.debug1.end.txt"}
	files := map[string]bool{}
	for _, e := range m.Entries {
		if e.Error != "" {
			t.Errorf("entry %s: %s", e.File, e.Error)
		}
		files[e.File] = true
		if st, err := os.Stat(filepath.Join(dir, e.File)); err != nil || st.Size() != e.Bytes {
			t.Errorf("%s: manifest says %d bytes, file %v %v", e.File, e.Bytes, st, err)
		}
	}
	for _, f := range want {
		if !files[f] {
			t.Errorf("bundle lacks %s", f)
		}
	}
	var vars map[string]json.RawMessage
	vb, _ := os.ReadFile(filepath.Join(dir, "vars.json"))
	if err := json.Unmarshal(vb, &vars); err != nil || vars["memstats"] == nil || vars["godx"] == nil {
		t.Errorf("vars.json: %v, keys %d", err, len(vars))
	}

	rep := runGodx(t, "doctor", dir)
	summary, _ := rep["summary"].(map[string]any)
	if summary["captured"] != float64(len(m.Entries)) || summary["failed"] != float64(0) {
		t.Errorf("godx doctor: captured %v failed %v, want %d and 0", summary["captured"], summary["failed"], len(m.Entries))
	}
	file, line := siteLine(t, "leak")
	site := "godx.dev/agent.waitForOrder at " + file
	var growth map[string]any
	for _, f := range findings(rep) {
		if f["id"] == "goroutine-growth" {
			growth = f
		}
	}
	if growth == nil || !strings.Contains(findingText(growth), site) {
		t.Errorf("godx doctor: no goroutine-growth at %s:%d in %v", site, line, findings(rep))
	}
}

func TestEndpointRefusesASecondBundleAtOnce(t *testing.T) {
	a, _ := Start(Options{})
	defer a.Stop()
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	first, err := http.Get(srv.URL + "/debug/godx/bundle?cpu=500ms&trace=0")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Body.Close()
	second, err := http.Get(srv.URL + "/debug/godx/bundle?cpu=0")
	if err != nil {
		t.Fatal(err)
	}
	second.Body.Close()
	if second.StatusCode != http.StatusTooManyRequests {
		t.Errorf("second bundle: %d, want 429 while the first runs", second.StatusCode)
	}
	io.Copy(io.Discard, first.Body)
	bad, _ := http.Get(srv.URL + "/debug/godx/bundle?cpu=forever")
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("cpu=forever: %d, want 400", bad.StatusCode)
	}
	tr, _ := http.Get(srv.URL + "/debug/godx/trace")
	tr.Body.Close()
	if tr.StatusCode != http.StatusNotFound {
		t.Errorf("trace with the flight recorder off: %d, want 404", tr.StatusCode)
	}
}

func TestListenLoopbackRefusesOtherAddresses(t *testing.T) {
	a, _ := Start(Options{})
	defer a.Stop()
	if _, _, err := a.ListenLoopback("0.0.0.0:0"); err == nil {
		t.Error("0.0.0.0 accepted")
	}
	addr, closeFn, err := a.ListenLoopback("")
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	resp, err := http.Get("http://" + addr.String() + "/debug/godx/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasSuffix(string(b), "# EOF\n") || !strings.Contains(string(b), "\nprocess_threads ") {
		t.Errorf("metrics: %s", b)
	}
}
