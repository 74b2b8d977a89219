package agent

import (
	"fmt"
	"reflect"
	"unsafe"
)

// String returns a string that shares b's bytes, without copying: the modern form of the
// reflect.StringHeader trick, built on unsafe.String, which keeps b's backing array alive for the
// garbage collector (a uintptr in a hand-made header does not).
//
// The caller must not modify b while the string is in use: Go strings are immutable, and the
// compiler and runtime rely on it (map keys, interning). Use it for bytes that are never written
// again, e.g. a read-only mmap or a buffer handed off for good.
func String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Bytes returns the bytes of s without copying. The slice must never be written to: a string's
// bytes may live in read-only memory, and a write there faults (or silently changes every copy of
// the string). Its capacity equals its length, so an append copies instead of writing past s.
func Bytes(s string) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// SliceOf views b as a []T without copying, e.g. a []uint32 over bytes read from a file. It fails
// when T holds pointers (the garbage collector would read arbitrary bytes as pointers), when b's
// length is not a multiple of T's size, or when b's start is not aligned for T (a misaligned load
// is slow or faults on some CPUs, and checkptr rejects it). Byte order is the machine's.
func SliceOf[T any](b []byte) ([]T, error) {
	var zero T
	size, align := unsafe.Sizeof(zero), unsafe.Alignof(zero)
	t := reflect.TypeFor[T]()
	if hasPointers(t) {
		return nil, fmt.Errorf("godx agent: SliceOf[%v]: the type holds pointers; only pointer-free types can be viewed over bytes", t)
	}
	if size == 0 {
		return nil, fmt.Errorf("godx agent: SliceOf[%v]: zero-size type", t)
	}
	if len(b) == 0 {
		return []T{}, nil
	}
	if uintptr(len(b))%size != 0 {
		return nil, fmt.Errorf("godx agent: SliceOf[%v]: %d bytes is not a multiple of the %d-byte element", t, len(b), size)
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	if uintptr(p)%align != 0 {
		return nil, fmt.Errorf("godx agent: SliceOf[%v]: the bytes start at %#x, not aligned to %d", t, uintptr(p), align)
	}
	return unsafe.Slice((*T)(p), uintptr(len(b))/size), nil
}

// BytesOf views s's elements as bytes without copying (for writing them out). T must be
// pointer-free: the bytes of a pointer are an address, meaningless outside this process.
func BytesOf[T any](s []T) ([]byte, error) {
	t := reflect.TypeFor[T]()
	if hasPointers(t) {
		return nil, fmt.Errorf("godx agent: BytesOf[%v]: the type holds pointers", t)
	}
	if len(s) == 0 {
		return []byte{}, nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), uintptr(len(s))*unsafe.Sizeof(zero)), nil
}

// hasPointers reports whether values of t hold anything the garbage collector traces.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true // pointers, slices, strings, maps, channels, funcs, interfaces, unsafe.Pointer
}
