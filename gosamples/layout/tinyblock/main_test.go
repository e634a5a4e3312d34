package main

import (
	"testing"
	"unsafe"
)

func TestNeighboursShareOneBlock(t *testing.T) {
	a, b := neighbours()
	pa, pb := uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b))
	if pa%16 != 0 || pb != pa+8 {
		t.Fatalf("a at %#x, b at %#x: not the two halves of one 16-byte block", pa, pb)
	}
}
