package main

import (
	"testing"
	"unsafe"
)

func TestFirstAppendHolds32Bytes(t *testing.T) {
	var s []int
	s = append(s, 1)
	if bytes := uintptr(cap(s)) * unsafe.Sizeof(0); bytes != 32 {
		t.Fatalf("first append gave cap %d (%d bytes), want 32 bytes", cap(s), bytes)
	}
}
