package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestFlagsRejectNonsense(t *testing.T) {
	for _, args := range [][]string{
		{"-live", "-1"},
		{"-survive", "2"},
		{"-alloc", "0"},
		{"-every", "0s"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) accepted bad flags", args)
		}
	}
}

func TestRunAllocatesBudgetAndCollects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.jsonl")
	c, err := parseFlags([]string{"-live", "4", "-alloc", "64", "-forced", "1", "-metrics", path})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(c, &out); err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out.String())
	}
	if want := uint64(64 << 20); s.Allocated != want {
		t.Errorf("allocated %d bytes, want %d", s.Allocated, want)
	}
	if s.LiveObjects != 4<<20/nodeSize {
		t.Errorf("live objects %d, want %d", s.LiveObjects, 4<<20/nodeSize)
	}
	if s.GCCycles < 2 {
		t.Errorf("64 MiB of garbage over a 4 MiB live heap ran only %d GC cycles", s.GCCycles)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var last Sample
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
	}
	if lines < 2 || !last.Final {
		t.Fatalf("want at least a first and a final sample, got %d lines (final=%v)", lines, last.Final)
	}
	if got := last.Values["/gc/cycles/forced:gc-cycles"]; got < 1 {
		t.Errorf("forced cycles = %v, want >= 1", got)
	}
	var pauses uint64
	for _, b := range last.Pauses {
		pauses += b.N
	}
	// Every cycle stops the world at least twice (sweep termination and mark termination).
	if cycles := uint64(last.Values["/gc/cycles/total:gc-cycles"]); pauses < 2*cycles {
		t.Errorf("%d pauses for %d cycles, want at least two per cycle", pauses, cycles)
	}
}

func TestSurvivorsReplaceLiveObjects(t *testing.T) {
	for _, p := range []float64{0, 1} {
		w := newWorkload(1)
		old := make(map[*node]bool, len(w.live))
		for _, x := range w.live {
			old[x] = true
		}
		w.burst(1<<14, p)
		replaced := 0
		for _, x := range w.live {
			if !old[x] {
				replaced++
			}
		}
		if p == 0 && replaced != 0 {
			t.Errorf("-survive 0: %d live objects replaced, want none", replaced)
		}
		if p == 1 && replaced == 0 {
			t.Errorf("-survive 1: no live object was replaced by a new one")
		}
	}
}

func BenchmarkBurst(b *testing.B) {
	w := newWorkload(1)
	for b.Loop() {
		w.burst(1024, 0)
	}
}
