package main

import "testing"

func TestDeep(t *testing.T) {
	if got := deep(8); got != 0 {
		t.Fatalf("deep(8) = %d, want 0 (frame[0] is only set at n = 0, to 0)", got)
	}
}
