//go:build !go1.25

package main

import (
	"errors"
	"io"
)

func flightSnapshot(io.Writer, int) error {
	return errors.New("runtime/trace.FlightRecorder needs Go 1.25 or later")
}
