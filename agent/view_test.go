package agent

import (
	"encoding/binary"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// These run under -race, which turns on checkptr: every unsafe conversion here is checked
// against the allocation it points into.

func TestStringAndBytesShareMemory(t *testing.T) {
	b := []byte("goroutine 1 [running]:")
	s := String(b)
	if s != "goroutine 1 [running]:" || unsafe.StringData(s) != &b[0] {
		t.Fatalf("String copied or changed the bytes: %q", s)
	}
	back := Bytes(s)
	if &back[0] != &b[0] || len(back) != len(b) || cap(back) != len(b) {
		t.Fatalf("Bytes: len %d cap %d", len(back), cap(back))
	}
	if String(nil) != "" || Bytes("") != nil || String(b[:0]) != "" {
		t.Error("empty inputs")
	}
	if n := testing.AllocsPerRun(100, func() { _ = Bytes(String(b)) }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
	// The string keeps the bytes alive: nothing else refers to them after this.
	s = String([]byte(strings.Repeat("x", 1<<16)))
	runtime.GC()
	if strings.Count(s, "x") != 1<<16 {
		t.Error("the string's bytes were collected")
	}
}

func TestSliceOfChecksLengthAlignmentAndPointers(t *testing.T) {
	// Eight little-endian uint32 values as a file would hold them, in a buffer aligned for uint64.
	backing := make([]uint64, 5)
	buf := unsafe.Slice((*byte)(unsafe.Pointer(&backing[0])), 40)
	for i := range 8 {
		binary.NativeEndian.PutUint32(buf[4*i:], uint32(i*10))
	}
	u, err := SliceOf[uint32](buf[:32])
	if err != nil || len(u) != 8 || u[7] != 70 || &u[0] != (*uint32)(unsafe.Pointer(&buf[0])) {
		t.Fatalf("SliceOf[uint32]: %v %v", u, err)
	}
	if _, err := SliceOf[uint32](buf[1:33]); err == nil || !strings.Contains(err.Error(), "not aligned to 4") {
		t.Errorf("misaligned: %v", err)
	}
	if _, err := SliceOf[uint32](buf[:30]); err == nil || !strings.Contains(err.Error(), "30 bytes is not a multiple of the 4-byte element") {
		t.Errorf("short: %v", err)
	}
	if _, err := SliceOf[*int](buf[:32]); err == nil || !strings.Contains(err.Error(), "holds pointers") {
		t.Errorf("pointers: %v", err)
	}
	type rec struct {
		ID   uint32
		Pad  [4]byte
		Size int64
	}
	rs, err := SliceOf[rec](buf[:32])
	if err != nil || len(rs) != 2 || rs[1].ID != 40 {
		t.Errorf("SliceOf[rec]: %v %v", rs, err)
	}
	if _, err := SliceOf[struct{ s string }](buf[:32]); err == nil {
		t.Error("a struct with a string accepted")
	}
	back, err := BytesOf(u)
	if err != nil || len(back) != 32 || &back[0] != &buf[0] {
		t.Errorf("BytesOf: %d %v", len(back), err)
	}
	if _, err := BytesOf([]*int{nil}); err == nil {
		t.Error("BytesOf of pointers accepted")
	}
	if e, err := SliceOf[uint64](nil); err != nil || len(e) != 0 {
		t.Errorf("empty: %v %v", e, err)
	}
}
