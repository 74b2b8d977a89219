package agent

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log destination shared by the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type lookup struct{ byID map[string]*string }

func (l *lookup) name(id string) string { return *l.byID[id] } // godx:site handler

// newRecoverServer serves h wrapped in Recover; the middleware and net/http itself log to the same
// buffer, so a test sees whether a panic was logged twice.
func newRecoverServer(t *testing.T, h http.HandlerFunc, opts RecoverOptions) (*httptest.Server, *syncBuffer, chan PanicReport) {
	t.Helper()
	logs := &syncBuffer{}
	reports := make(chan PanicReport, 4)
	opts.Logger = log.New(logs, "", log.LstdFlags)
	opts.OnPanic = func(p PanicReport) { reports <- p }
	srv := httptest.NewUnstartedServer(Recover(h, opts))
	srv.Config.ErrorLog = log.New(logs, "", log.LstdFlags)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, logs, reports
}

func waitReport(t *testing.T, reports chan PanicReport) PanicReport {
	t.Helper()
	select {
	case p := <-reports:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no panic report")
	}
	return PanicReport{}
}

func TestRecoverAnswers500AndLogsOnceInTheNetHTTPForm(t *testing.T) {
	srv, logs, reports := newRecoverServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, (&lookup{}).name(r.URL.Query().Get("id")))
	}, RecoverOptions{})
	req, _ := http.NewRequest("GET", srv.URL+"/users/42?id=7", nil)
	req.Header.Set("X-Request-Id", "req-7f3a")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || resp.Header.Get("X-Request-Id") != "req-7f3a" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("response %d %v %q, want 500 text/plain with the request ID", resp.StatusCode, resp.Header, body)
	}
	p := waitReport(t, reports)
	if p.Method != "GET" || p.Path != "/users/42" || p.RequestID != "req-7f3a" || p.Started || p.Hijacked {
		t.Errorf("report %+v", p)
	}
	out := logs.String()
	if n := strings.Count(out, "http: panic serving"); n != 1 {
		t.Fatalf("logged %d times, want once:\n%s", n, out)
	}
	wantLine := fmt.Sprintf("http: panic serving %s (GET /users/42, request req-7f3a): runtime error: invalid memory address or nil pointer dereference\ngoroutine ", p.RemoteAddr)
	if !strings.Contains(out, wantLine) {
		t.Errorf("log lacks %q:\n%s", wantLine, out)
	}
	// The stack starts at the panic, not in the middleware.
	if i := strings.Index(out, "[running]:\n"); i < 0 || !strings.HasPrefix(out[i+len("[running]:\n"):], "panic(") {
		t.Errorf("stack does not start at panic(:\n%s", out)
	}

	// godx groups the logged panic and names the handler's line.
	path := filepath.Join(t.TempDir(), "service.log")
	os.WriteFile(path, []byte(out), 0o644)
	file, line := siteLine(t, "handler")
	st := runGodx(t, "stacks", path)
	fs := findings(st)
	if len(fs) == 0 || fs[0]["id"] != "http-handler-panic" || !strings.Contains(findingText(fs[0]), fmt.Sprintf("%s:%d", file, line)) ||
		!strings.Contains(findingText(fs[0]), "request req-7f3a") {
		t.Errorf("godx stacks: %v, want http-handler-panic at %s:%d with the request ID", fs, file, line)
	}
}

func TestRecoverMakesUpARequestIDWhenThereIsNone(t *testing.T) {
	srv, logs, reports := newRecoverServer(t, func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}, RecoverOptions{})
	resp, err := srv.Client().Post(srv.URL+"/x", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	p := waitReport(t, reports)
	id := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != 500 || len(id) != 16 || id != p.RequestID {
		t.Errorf("status %d, id %q, report id %q", resp.StatusCode, id, p.RequestID)
	}
	if !strings.Contains(logs.String(), "(POST /x, request "+id+"): boom\n") {
		t.Errorf("log: %s", logs.String())
	}
}

func TestRecoverLetsErrAbortHandlerThrough(t *testing.T) {
	srv, logs, reports := newRecoverServer(t, func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	}, RecoverOptions{})
	_, err := srv.Client().Get(srv.URL)
	if err == nil {
		t.Fatal("the client got a response; ErrAbortHandler must cut the connection")
	}
	time.Sleep(50 * time.Millisecond)
	if len(reports) != 0 || strings.Contains(logs.String(), "panic") {
		t.Errorf("ErrAbortHandler was handled as a panic: %s", logs.String())
	}
}

func TestRecoverCutsAStartedStreamInsteadOfEndingIt(t *testing.T) {
	srv, logs, reports := newRecoverServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
		}
		var events []string
		_ = events[3] // index out of range mid-stream
	}, RecoverOptions{})
	resp, err := srv.Client().Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "data: 0\n\ndata: 1\n\ndata: 2\n\n") {
		t.Errorf("status %d body %q", resp.StatusCode, body)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the stream: %v, want io.ErrUnexpectedEOF (a cut, not a complete response)", err)
	}
	p := waitReport(t, reports)
	if !p.Started || p.Hijacked {
		t.Errorf("report %+v, want Started", p)
	}
	time.Sleep(50 * time.Millisecond)
	if n := strings.Count(logs.String(), "http: panic serving"); n != 1 || strings.Contains(logs.String(), "abort Handler") {
		t.Errorf("logged %d times, want once (net/http must not log the abort):\n%s", n, logs.String())
	}
}

func TestRecoverClosesAHijackedConnection(t *testing.T) {
	srv, logs, reports := newRecoverServer(t, func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		_ = conn
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		var session *struct{ id int }
		fmt.Fprint(brw, session.id) // nil dereference after the hijack
	}, RecoverOptions{})
	req, _ := http.NewRequest("GET", srv.URL+"/ws", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "echo")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d", resp.StatusCode)
	}
	rw, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		t.Fatalf("101 body is %T", resp.Body)
	}
	done := make(chan error, 1)
	go func() {
		_, err := bufio.NewReader(rw).ReadByte()
		done <- err
	}()
	select {
	case err := <-done:
		if err != io.EOF {
			t.Errorf("read after the panic: %v, want EOF (the connection closed)", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the hijacked connection was left open after the panic")
	}
	rw.Close()
	p := waitReport(t, reports)
	if !p.Hijacked || !strings.Contains(logs.String(), "(GET /ws, request ") {
		t.Errorf("report %+v log %s", p, logs.String())
	}
}

func TestRecoverSnapshotsOnPanicAndSlowRequests(t *testing.T) {
	dir := t.TempDir()
	f, err := StartFlightRecorder(FlightOptions{Dir: dir, Window: time.Second, MinInterval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	srv, _, reports := newRecoverServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(60 * time.Millisecond)
			return
		}
		if r.URL.Path == "/panic" {
			panic("boom")
		}
	}, RecoverOptions{Flight: f, Slow: 40 * time.Millisecond})
	for _, p := range []string{"/fast", "/slow", "/panic"} {
		resp, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	p := waitReport(t, reports)
	if p.Snapshot == "" || !strings.HasSuffix(p.Snapshot, "-http-panic.trace") {
		t.Errorf("panic snapshot %q", p.Snapshot)
	}
	slow, _ := filepath.Glob(filepath.Join(dir, "*-slow-request.trace"))
	all, _ := filepath.Glob(filepath.Join(dir, "*.trace"))
	if len(slow) != 1 || len(all) != 2 || f.Snapshots() != 2 {
		t.Errorf("snapshots %v (counted %d), want one slow-request and one http-panic", all, f.Snapshots())
	}
}

func TestFlightSnapshotsAreRateLimited(t *testing.T) {
	dir := t.TempDir()
	f, err := StartFlightRecorder(FlightOptions{Dir: dir, MinInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); f.Snapshot("burst") }()
	}
	wg.Wait()
	if n := f.Snapshots(); n != 1 {
		t.Errorf("a burst of 20 triggers wrote %d snapshots, want 1", n)
	}
	if _, err := f.SnapshotNow("demand"); err != nil || f.Snapshots() != 2 {
		t.Errorf("on demand: %v, %d snapshots", err, f.Snapshots())
	}
}
