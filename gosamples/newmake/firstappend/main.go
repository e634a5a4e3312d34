// Command firstappend prints the capacity the first append gives a nil slice that never
// escapes, and the size of an int, on whichever Go release builds it.
package main

import (
	"fmt"
	"unsafe"
)

func main() {
	var s []int // never escapes
	s = append(s, 1)
	fmt.Println(cap(s), unsafe.Sizeof(0))
}
