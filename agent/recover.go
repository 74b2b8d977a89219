package agent

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// RecoverOptions configures [Recover].
type RecoverOptions struct {
	// Logger receives the panic line and stack; nil means the log package's standard logger,
	// where net/http itself logs a handler's panic when the server has no ErrorLog.
	Logger *log.Logger
	// RequestIDHeader names the request header carrying the request ID; "" means X-Request-Id.
	// A request without one gets an ID made up when it panics, sent back in the 500's header.
	RequestIDHeader string
	// Flight, when set, writes a flight-recorder snapshot on a panic and on a slow request.
	Flight *FlightRecorder
	// Slow is the latency over which a request triggers a snapshot (needs Flight); 0 is off.
	Slow time.Duration
	// OnPanic, when set, is called once per recovered panic, after logging.
	OnPanic func(PanicReport)
}

// PanicReport describes one recovered handler panic.
type PanicReport struct {
	Value      any
	Method     string
	Path       string
	RemoteAddr string
	RequestID  string
	Stack      []byte // from the goroutine header and the panic frame on, as the runtime prints it
	Started    bool   // the response had started: the client got a cut connection, not a 500
	Hijacked   bool   // the handler had hijacked the connection; it was closed
	Snapshot   string // the flight-recorder file, when one was written
}

// Recover wraps h so that a panic in one request is recovered in that request's goroutine (a
// recover() in any other goroutine never sees it), logged once with its full stack in the form
// net/http uses,
//
//	2026/12/02 10:46:32 http: panic serving 127.0.0.1:39122 (GET /boom, request 7f3a2c01): VALUE
//	goroutine 17 [running]:
//	panic(...)
//	...
//
// which `godx stacks` groups, with the request's method, path and ID in the place of the address
// that godx and people read (godx takes the value after the first ": "). Then:
//
//   - nothing written yet: the client gets a 500 carrying the request ID;
//   - the response had started (headers sent, a stream flushed): the handler is aborted with
//     http.ErrAbortHandler, so net/http cuts the connection instead of ending the response as if it
//     were complete, and logs nothing more;
//   - the connection was hijacked: it is closed, so the peer sees the end instead of hanging;
//   - a panic with http.ErrAbortHandler itself passes through untouched, as net/http expects.
func Recover(h http.Handler, opts RecoverOptions) http.Handler {
	if opts.RequestIDHeader == "" {
		opts.RequestIDHeader = "X-Request-Id"
	}
	return &recoverer{h: h, opts: opts}
}

type recoverer struct {
	h    http.Handler
	opts RecoverOptions
}

func (rc *recoverer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackingWriter{rw: w}
	var start time.Time
	timed := rc.opts.Slow > 0 && rc.opts.Flight != nil
	if timed {
		start = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			rc.recovered(v, tw, r)
		}
	}()
	rc.h.ServeHTTP(tw, r)
	if timed && time.Since(start) > rc.opts.Slow {
		rc.opts.Flight.Snapshot("slow-request")
	}
}

func (rc *recoverer) recovered(v any, tw *trackingWriter, r *http.Request) {
	if v == http.ErrAbortHandler {
		panic(v)
	}
	p := PanicReport{
		Value:      v,
		Method:     r.Method,
		Path:       r.URL.EscapedPath(),
		RemoteAddr: r.RemoteAddr,
		RequestID:  r.Header.Get(rc.opts.RequestIDHeader),
		Stack:      fromPanicFrame(debug.Stack()),
		Started:    tw.started,
		Hijacked:   tw.conn != nil,
	}
	if p.RequestID == "" {
		var id [8]byte
		for i := range id {
			id[i] = byte(rand.Uint32())
		}
		p.RequestID = hex.EncodeToString(id[:])
	}
	logf := log.Printf
	if rc.opts.Logger != nil {
		logf = rc.opts.Logger.Printf
	}
	// One call, so the line and the stack stay together in a log shared by many goroutines.
	path := p.Path
	if len(path) > 256 {
		path = path[:256] + "..."
	}
	logf("http: panic serving %s (%s %s, request %s): %v\n%s", p.RemoteAddr, oneWord(p.Method), path,
		oneWord(p.RequestID), v, p.Stack)
	if rc.opts.Flight != nil {
		p.Snapshot, _ = rc.opts.Flight.Snapshot("http-panic")
	}
	if rc.opts.OnPanic != nil {
		rc.opts.OnPanic(p)
	}
	switch {
	case p.Hijacked:
		tw.conn.Close()
	case p.Started:
		panic(http.ErrAbortHandler)
	default:
		tw.Header().Set(rc.opts.RequestIDHeader, p.RequestID)
		http.Error(tw.rw, http.StatusText(http.StatusInternalServerError)+" (request "+p.RequestID+")",
			http.StatusInternalServerError)
	}
}

// oneWord keeps a client-chosen ID from breaking the log line's "ADDR: VALUE" shape.
func oneWord(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == ':' || r == ')' || r == 0x7f {
			return '_'
		}
		return r
	}, s)
}

// fromPanicFrame drops the frames of the recovering code (debug.Stack, this package's deferred
// function) so the stack reads like the runtime's own crash traceback: the goroutine header, then
// panic(...), then the code that panicked. godx names the first frame after panic as the culprit.
func fromPanicFrame(stack []byte) []byte {
	nl := bytes.IndexByte(stack, '\n')
	if nl < 0 {
		return stack
	}
	at := bytes.Index(stack, []byte("\npanic("))
	if at < 0 {
		return stack
	}
	out := make([]byte, 0, len(stack))
	out = append(out, stack[:nl]...)
	return append(out, stack[at:]...)
}

// trackingWriter records whether the response started and whether the connection was hijacked.
// It implements Flusher and Hijacker itself (handlers type-assert them) and Unwrap for
// http.ResponseController.
type trackingWriter struct {
	rw      http.ResponseWriter
	started bool
	conn    net.Conn
}

func (t *trackingWriter) Header() http.Header { return t.rw.Header() }

func (t *trackingWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		t.started = true
	}
	t.rw.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.started = true
	return t.rw.Write(b)
}

func (t *trackingWriter) ReadFrom(r io.Reader) (int64, error) {
	t.started = true
	if rf, ok := t.rw.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(t.rw, r)
}

func (t *trackingWriter) Flush() {
	t.started = true
	http.NewResponseController(t.rw).Flush()
}

func (t *trackingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(t.rw).Hijack()
	if err == nil {
		t.conn = c
		t.started = true
	}
	return c, brw, err
}

func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.rw }
