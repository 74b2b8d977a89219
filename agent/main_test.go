package agent

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The crash tests run this test binary again as a child that crashes (GODX_AGENT_CHILD names what
// it does), because a crash ends the process.
func TestMain(m *testing.M) {
	if child := os.Getenv("GODX_AGENT_CHILD"); child != "" {
		runChild(child, os.Getenv("GODX_AGENT_DIR"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// godxBin is the godx binary the tests check the agent's output with. CTest sets GODX_BIN; run by
// hand without it, the checks that need godx skip and say so.
func godxBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("GODX_BIN")
	if bin == "" {
		t.Skip("GODX_BIN is not set: skipping the check with godx itself (CTest sets it)")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("GODX_BIN=%s: %v", bin, err)
	}
	return bin
}

// runGodx runs godx with args and decodes its --json output. godx exits 1 when a finding is at or
// above --fail-on; the tests do not ask for that, so any non-zero exit is a failure.
func runGodx(t *testing.T, args ...string) map[string]any {
	t.Helper()
	bin := godxBin(t)
	cmd := exec.Command(bin, append(args, "--json", "--no-color")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("godx %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("godx %s: not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
	// Some commands print one object, some an array of reports.
	if arr, ok := v.([]any); ok {
		if len(arr) != 1 {
			t.Fatalf("godx %s: %d reports, want 1", strings.Join(args, " "), len(arr))
		}
		v = arr[0]
	}
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("godx %s: JSON is not an object: %s", strings.Join(args, " "), out)
	}
	return obj
}

// siteLine returns the line of this package's test sources marked with `// godx:site NAME`, so a
// test never hard-codes where a planted bug sits.
func siteLine(t *testing.T, name string) (file string, line int) {
	t.Helper()
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(b), "\n") {
			if strings.HasSuffix(strings.TrimSpace(l), "// godx:site "+name) {
				return f, i + 1
			}
		}
	}
	t.Fatalf("no line marked godx:site %s", name)
	return "", 0
}

func findings(report map[string]any) []map[string]any {
	var out []map[string]any
	fs, _ := report["findings"].([]any)
	for _, f := range fs {
		if m, ok := f.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func findingText(f map[string]any) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func thisGoVersion() string { return runtime.Version() }
