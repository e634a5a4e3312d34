package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"sync"
	"time"
)

// recentRequests is how many of the latest latencies a spike is measured against.
const recentRequests = 1000

// flight keeps a runtime/trace.FlightRecorder window (Go 1.25) and writes it to a file when
// a request is a spike: slower than every request before it, at least factor times the median
// of the last recentRequests latencies, and at least least. A spike is noticed
// only once it is over, when its request ends; the recorder still holds it. The file is
// replaced whole (written beside it, then renamed) at each new record: it keeps the window of
// the slowest spike so far.
type flight struct {
	recorder *trace.FlightRecorder
	file     string
	factor   float64
	least    time.Duration

	mu      sync.Mutex
	recent  []time.Duration // a ring of the last recentRequests latencies
	next    int
	seen    int
	slowest time.Duration // the slowest request so far
	record  time.Duration // the slowest spike so far

	writing sync.Mutex // one WriteTo at a time (the recorder refuses a second)
}

func startFlight(file string, factor float64, least time.Duration) (*flight, error) {
	// Keep at least the last 15 s (up to 64 MiB of trace): a loaded machine stretched a
	// long report to 8 s, and its start must still be in the window when it ends.
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 15 * time.Second, MaxBytes: 64 << 20})
	if err := fr.Start(); err != nil {
		return nil, err
	}
	return &flight{recorder: fr, file: file, factor: factor, least: least}, nil
}

// spike records a request's latency and says whether it is a spike, with the median it was
// measured against.
func (f *flight) spike(took time.Duration) (bool, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var median time.Duration
	spike := false
	if f.seen >= 100 {
		sorted := slices.Sorted(slices.Values(f.recent))
		median = sorted[len(sorted)/2]
		spike = took > f.slowest && took >= f.least && float64(took) >= f.factor*float64(median)
	}
	if len(f.recent) < recentRequests {
		f.recent = append(f.recent, took)
	} else {
		f.recent[f.next] = took
		f.next = (f.next + 1) % recentRequests
	}
	f.seen++
	f.slowest = max(f.slowest, took)
	if spike {
		f.record = took
	}
	return spike, median
}

// describe says what a spike was, for the trace's log and the service's output.
func describe(path string, took, median time.Duration) string {
	return fmt.Sprintf("%s took %v, %.0fx the median %v", path, took, float64(took)/float64(median), median)
}

// save writes the window of the spike that took `took`, unless a slower spike came since
// (its window is the one to keep), and says so on the service's output.
func (f *flight) save(took time.Duration, what string) {
	f.writing.Lock()
	defer f.writing.Unlock()
	f.mu.Lock()
	later := f.record > took
	f.mu.Unlock()
	if later {
		return
	}
	if err := f.write(); err != nil {
		fmt.Fprintln(os.Stderr, "service: flight recorder:", err)
		return
	}
	fmt.Printf("spike: %s; took_ns=%d; window written\n", what, took)
}

func (f *flight) write() error {
	tmp, err := os.CreateTemp(filepath.Dir(f.file), ".flight-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // nothing left once renamed
	if _, err := f.recorder.WriteTo(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.file)
}
