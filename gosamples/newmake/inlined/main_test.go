package main

import "testing"

var kept *int

func TestInliningDecides(t *testing.T) {
	if got := testing.AllocsPerRun(100, func() { readFresh() }); got != 0 {
		t.Errorf("readFresh: %v allocs/call, want 0 (fresh inlined, its new(int) in the frame)", got)
	}
	if got := testing.AllocsPerRun(100, func() { kept = fresh() }); got != 1 {
		t.Errorf("kept = fresh(): %v allocs/call, want 1", got)
	}
}
