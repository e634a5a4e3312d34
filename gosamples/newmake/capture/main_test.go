package main

import "testing"

func TestCaptureCosts(t *testing.T) {
	// fits allocates only its closure (which holds the copy); tooBig also moves arr to the heap.
	if got := testing.AllocsPerRun(100, fits); got != 1 {
		t.Errorf("fits: %v allocs/call, want 1 (the closure)", got)
	}
	if got := testing.AllocsPerRun(100, tooBig); got != 2 {
		t.Errorf("tooBig: %v allocs/call, want 2 (the closure and arr)", got)
	}
}
