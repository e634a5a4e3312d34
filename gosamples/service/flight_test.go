package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestASpikeIsARecordFarAboveTheMedian(t *testing.T) {
	f := &flight{factor: 20, least: 10 * time.Millisecond}
	if spike, _ := f.spike(time.Second); spike {
		t.Fatal("a spike before 100 requests were seen")
	}
	f.slowest = 0
	for i := range recentRequests {
		f.spike(time.Duration(1+i%5) * time.Millisecond) // median 3 ms
	}
	for _, c := range []struct {
		took  time.Duration
		spike bool
	}{
		{50 * time.Millisecond, false}, // a record, but under 20 times the median (3 ms)
		{70 * time.Millisecond, true},  // a record, 23 times the median
		{65 * time.Millisecond, false}, // far above the median, but not a record
		{80 * time.Millisecond, true},
	} {
		if spike, median := f.spike(c.took); spike != c.spike || median != 3*time.Millisecond {
			t.Errorf("%v: spike %v (median %v), want %v (median 3ms)", c.took, spike, median, c.spike)
		}
	}
	if f.record != 80*time.Millisecond {
		t.Errorf("record %v, want the slowest spike, 80ms", f.record)
	}
	quick := &flight{factor: 20, least: time.Second}
	for range 100 {
		quick.spike(time.Microsecond)
	}
	if spike, _ := quick.spike(100 * time.Millisecond); spike {
		t.Error("a record shorter than -spike-least counted as a spike")
	}
}

func TestASpikeWritesTheWindowWhole(t *testing.T) {
	file := filepath.Join(t.TempDir(), "window.trace")
	f, err := startFlight(file, 20, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer f.recorder.Stop()
	for range 100 {
		f.spike(time.Microsecond)
	}
	spike, median := f.spike(50 * time.Millisecond)
	if !spike {
		t.Fatal("no spike")
	}
	f.save(50*time.Millisecond, describe("/report", 50*time.Millisecond, median))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) || len(data) < 100 {
		t.Errorf("the window is not a trace: %d bytes starting %q", len(data), data[:min(len(data), 16)])
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".flight-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// an older spike's window never replaces a slower one's
	before, _ := os.Stat(file)
	f.save(20*time.Millisecond, "older")
	if after, _ := os.Stat(file); !after.ModTime().Equal(before.ModTime()) {
		t.Error("a faster spike's window replaced the slowest one's")
	}
	if got := describe("/user", 30*time.Millisecond, 3*time.Millisecond); got != "/user took 30ms, 10x the median 3ms" {
		t.Errorf("describe: %q", got)
	}
}
