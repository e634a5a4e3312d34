package main

import "testing"

func TestFrames(t *testing.T) {
	if callee() != 7 || *outlives() != 7 || otherGoroutine() != 7 {
		t.Fatal("each function should give 7")
	}
}
