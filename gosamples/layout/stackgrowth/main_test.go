package main

import (
	"sync"
	"testing"
)

// main is not called: under go test os.Args has flags, which would start the overflow.
func TestDownReturnsWhenReleased(t *testing.T) {
	var bottom sync.WaitGroup
	bottom.Add(1)
	wait := make(chan struct{})
	close(wait)
	if got := down(32, &bottom, wait); got != 0 {
		t.Fatalf("down(32) = %d, want 0", got)
	}
	bottom.Wait()
}
