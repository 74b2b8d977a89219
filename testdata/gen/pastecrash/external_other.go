//go:build !windows

package main

import (
	"os"
	"syscall"
)

func callExternal() { panic("external: windows only") }

func selfQuit() { syscall.Kill(os.Getpid(), syscall.SIGQUIT) }
