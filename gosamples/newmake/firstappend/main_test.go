package main

import (
	"testing"
	"unsafe"
)

func TestFirstAppendUsesThe32ByteFrameBuffer(t *testing.T) {
	if bytes := uintptr(firstAppend()) * unsafe.Sizeof(0); bytes != 32 {
		t.Errorf("first append gave cap %d (%d bytes), want 32 bytes", firstAppend(), bytes)
	}
	if allocs := testing.AllocsPerRun(100, func() { firstAppend() }); allocs != 0 {
		t.Errorf("first append: %v allocs/call, want 0 (the frame's buffer)", allocs)
	}
}
