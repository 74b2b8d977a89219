//go:build go1.25

package main

import (
	"io"
	"runtime/trace"
	"time"
)

// flightSnapshot runs the workload under a flight recorder that keeps only the last moments and
// writes the snapshot, as a service would when it notices a slow request.
func flightSnapshot(w io.Writer, n int) error {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 10 * time.Millisecond, MaxBytes: 64 << 10})
	if err := fr.Start(); err != nil {
		return err
	}
	defer fr.Stop()
	// Jobs, a quiet spell longer than the tracer's one-second generations, then the jobs the
	// snapshot is about: the recorder drops the first generations, as it does in a long-running
	// service.
	work(n)
	time.Sleep(1500 * time.Millisecond)
	work(n)
	_, err := fr.WriteTo(w)
	return err
}
