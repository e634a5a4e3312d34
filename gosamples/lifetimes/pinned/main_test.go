package main

import "testing"

func TestCleanedAfterCountsCollections(t *testing.T) {
	done := make(chan struct{}, 1)
	done <- struct{}{}
	if got := cleanedAfter(done, 3); got != 1 {
		t.Fatalf("cleanedAfter = %d, want 1 (the signal was already there)", got)
	}
	if got := cleanedAfter(done, 1); got != -1 {
		t.Fatalf("cleanedAfter = %d, want -1 (no signal)", got)
	}
}
