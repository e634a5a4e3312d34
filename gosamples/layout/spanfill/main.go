package main

import (
	"fmt"
	"unsafe"
)

type withPointer struct {
	P       *int
	A, B, C int
}

type pointerFree struct{ A, B, C, D int }

// perSpan is the most objects of one slice found in a single 8 KiB page (one span of the
// 32-byte class is one page).
func perSpan[T any](objects []*T) int {
	counts := map[uintptr]int{}
	most := 0
	for _, p := range objects {
		page := uintptr(unsafe.Pointer(p)) / 8192
		counts[page]++
		most = max(most, counts[page])
	}
	return most
}

var keepP []*withPointer
var keepF []*pointerFree

func main() {
	keepP = make([]*withPointer, 20000)
	for i := range keepP {
		keepP[i] = new(withPointer)
	}
	keepF = make([]*pointerFree, 20000)
	for i := range keepF {
		keepF[i] = new(pointerFree)
	}
	fmt.Println(unsafe.Sizeof(withPointer{}), perSpan(keepP), perSpan(keepF))
}
