// Command firstappend prints the capacity the first append gives a nil slice that never
// escapes, the size of an int, and the heap allocations that append costs, on whichever Go
// release builds it.
package main

import (
	"fmt"
	"testing"
	"unsafe"
)

//go:noinline
func firstAppend() int {
	var s []int // never escapes
	s = append(s, 1)
	return cap(s)
}

func main() {
	allocs := testing.AllocsPerRun(100, func() { firstAppend() })
	fmt.Println(firstAppend(), unsafe.Sizeof(0), allocs)
}
