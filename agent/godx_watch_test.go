package agent

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// nonLoopbackListener listens on an address of this machine that is not loopback, so godx cannot
// find the process behind it in /proc and must take threads and RSS from the agent; nil when the
// machine has none.
func nonLoopbackListener(t *testing.T) net.Listener {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.To4() == nil {
			continue
		}
		if ln, err := net.Listen("tcp", net.JoinHostPort(ipn.IP.String(), "0")); err == nil {
			return ln
		}
	}
	return nil
}

func TestGodxWatchSamplesAndCapturesThroughTheAgent(t *testing.T) {
	bin := godxBin(t)
	a, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	ln := nonLoopbackListener(t)
	remote := ln != nil
	if !remote {
		t.Log("no non-loopback IPv4 address: godx reads this process's /proc itself; only the goroutine count and the bundle are checked")
	}
	srv := agentOnlyServer(t, a, ln)
	plantLeak(t)
	bundles := t.TempDir()
	cmd := exec.Command(bin, "watch", srv.URL, "--duration", "4s", "--interval", "0.4s", "--on-leak",
		"--bundles", bundles, "--cpu", "1s", "--trace", "0", "--json", "--no-color")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("godx watch: %v\n%s", err, stderr.String())
	}
	var samples []map[string]any
	var report map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if v["kind"] == "watch" {
			report = v
		} else {
			samples = append(samples, v)
		}
	}
	if report == nil || len(samples) < 5 {
		t.Fatalf("%d samples, report %v:\n%s", len(samples), report, out)
	}
	for _, s := range samples {
		if s["goroutines"] == nil || (remote && (s["threads"] == nil || s["rss_bytes"] == nil)) {
			t.Fatalf("sample without the agent's counts: %v", s)
		}
	}
	var leak map[string]any
	for _, f := range findings(report) {
		if f["id"] == "goroutine-leak" {
			leak = f
		}
	}
	if leak == nil {
		t.Fatalf("no goroutine-leak finding: %v", findings(report))
	}
	dirs, _ := filepath.Glob(filepath.Join(bundles, "godx-leak-*"))
	if len(dirs) != 1 {
		t.Fatalf("--on-leak bundles %v, want one", dirs)
	}
	m := readManifest(t, dirs[0])
	if agent, _ := m.Facts["agent"].(string); !strings.Contains(agent, "/debug/godx/") || !m.Complete {
		t.Errorf("the --on-leak bundle did not come from the agent: facts %v, complete %v", m.Facts, m.Complete)
	}
}
