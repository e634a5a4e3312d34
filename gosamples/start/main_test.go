package main

import (
	"testing"
	"unsafe"
)

func TestAllocationsCountOnePerKeptPoint(t *testing.T) {
	baseline := allocations(0)
	got := allocations(1000)
	if got < 1000+baseline || got > 1010+baseline {
		t.Fatalf("allocations(1000) = %d with a baseline of %d; want one per point", got, baseline)
	}
	if len(kept) != 1000 {
		t.Fatalf("kept holds %d points, want 1000", len(kept))
	}
}

func TestBlocksOfKeptPoints(t *testing.T) {
	allocations(1000)
	got := blocks(1000)
	// A 16-byte point has a block of its own; an 8-byte one (32-bit) shares one with another.
	if size := unsafe.Sizeof(point{}); (size == 16 && got != 1000) || (size == 8 && got > 550) {
		t.Fatalf("1000 points of %d bytes lie in %d blocks", size, got)
	}
}

func TestCrashPanicsOnTheNilMap(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("writing to a nil map did not panic")
		}
	}()
	crash()
}
