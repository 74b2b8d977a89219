package agent

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run godx itself against a service that serves the agent and nothing else (no
// net/http/pprof): whatever godx reports, it can only have had from /debug/godx/.

// plantLeak starts 15 goroutines parked in waitForOrder every 100ms until the test ends.
func plantLeak(t *testing.T) {
	stop := make(chan struct{})
	orders := make(chan int)
	var wg sync.WaitGroup
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
	t.Cleanup(func() { close(stop); wg.Wait(); close(orders) })
}

func agentOnlyServer(t *testing.T, a *Agent, ln net.Listener) *httptest.Server {
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewUnstartedServer(mux)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func readManifest(t *testing.T, dir string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return m
}

func TestGodxDoctorFetchesTheAgentsBundle(t *testing.T) {
	godxBin(t)
	a, err := Start(Options{Dir: t.TempDir(), Flight: &FlightOptions{Window: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	srv := agentOnlyServer(t, a, nil)
	plantLeak(t)
	out := filepath.Join(t.TempDir(), "bundle")
	rep := runGodx(t, "doctor", srv.URL, "--cpu", "1s", "--trace", "1s", "--out", out)

	m := readManifest(t, out)
	if m.URL != srv.URL+"/debug/godx/" || !strings.Contains(m.Facts["agent"].(string), "godx-agent "+Version) || !m.Complete {
		t.Errorf("manifest: url %q, facts %v, complete %v", m.URL, m.Facts, m.Complete)
	}
	if len(m.Entries) == 0 || m.Entries[0].File != "trace.out" || !strings.Contains(m.Entries[0].What, "flight recorder") {
		t.Errorf("first entry %+v, want the flight recorder's window", m.Entries[0])
	}
	summary, _ := rep["summary"].(map[string]any)
	if summary["captured"] != float64(len(m.Entries)) || summary["failed"] != float64(0) {
		t.Errorf("captured %v failed %v of %d entries", summary["captured"], summary["failed"], len(m.Entries))
	}
	file, _ := siteLine(t, "leak")
	var growth map[string]any
	for _, f := range findings(rep) {
		if f["id"] == "goroutine-growth" {
			growth = f
		}
	}
	if growth == nil || !strings.Contains(findingText(growth), "godx.dev/agent.waitForOrder at "+file) {
		t.Errorf("no goroutine-growth at waitForOrder in %v", findings(rep))
	}
}
