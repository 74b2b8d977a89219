package main

import "syscall"

// callExternal passes address 1 to msvcrt's strlen: an access violation in code the Go runtime
// did not write, reported as "Exception 0xc0000005 ..." with the calling goroutine's stack.
func callExternal() {
	strlen := syscall.NewLazyDLL("msvcrt.dll").NewProc("strlen")
	strlen.Call(1) // godx:paste-site external
}

func selfQuit() { panic("sigquit: not on windows") }
