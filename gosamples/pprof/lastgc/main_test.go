package main

import "testing"

func TestHoldKeepsOneMiB(t *testing.T) {
	keep = nil
	hold()
	if len(keep) != 1<<20 {
		t.Fatalf("hold kept %d bytes, want 1 MiB", len(keep))
	}
}
