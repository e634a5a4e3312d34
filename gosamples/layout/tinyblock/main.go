package main

import (
	"fmt"
	"runtime"
	"unsafe"
	"weak"
)

var keep, shift *[8]byte

// neighbours allocates two 8-byte pointer-free objects until both share one 16-byte block.
func neighbours() (a, b *[8]byte) {
	for range 100 {
		a, b = new([8]byte), new([8]byte)
		pa, pb := uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b))
		if pa%16 == 0 && pb == pa+8 {
			return a, b
		}
		shift = new([8]byte) // move the next pair by 8 bytes
	}
	panic("no two tiny objects shared a block")
}

// survives reports whether b outlives two collections, with its neighbour a kept or not.
func survives(keepNeighbour bool) bool {
	a, b := neighbours()
	if keepNeighbour {
		keep = a
	}
	wb := weak.Make(b)
	b = nil
	runtime.GC()
	runtime.GC()
	return wb.Value() != nil
}

func main() {
	fmt.Println(survives(false), survives(true))
}
