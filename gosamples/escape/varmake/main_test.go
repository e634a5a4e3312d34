package main

import "testing"

func TestVariableMakeUsesTheFrameBuffer(t *testing.T) {
	if got := testing.AllocsPerRun(100, func() { makeBytes(32) }); got != 0 {
		t.Errorf("make([]byte, 32): %v allocs/call, want 0 (fits the 32-byte buffer)", got)
	}
	if got := testing.AllocsPerRun(100, func() { makeBig(1) }); got != 1 {
		t.Errorf("make([]big, 1): %v allocs/call, want 1 (40 bytes)", got)
	}
}
