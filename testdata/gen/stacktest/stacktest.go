// Package stacktest holds tests that fail by panicking, so `go test` prints a traceback in the
// middle of ordinary test output (the streaming case of godx stacks).
package stacktest

// Parse returns the first byte of s, and panics on an empty string.
func Parse(s string) byte { return s[0] }
