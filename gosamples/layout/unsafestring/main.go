package main

import (
	"fmt"
	"unsafe"
)

func main() {
	b := []byte("hello")
	s := unsafe.String(unsafe.SliceData(b), len(b))    // shares b's bytes
	b[0] = 'j'                                         // ... so this rewrites the string
	back := unsafe.Slice(unsafe.StringData(s), len(s)) // and back: a []byte over the same bytes
	fmt.Println(s, len(back), cap(back), &back[0] == &b[0])

	const maps = 12800 // each map gets its own random hash seed
	hello, jello, ranged := 0, 0, 0
	for range maps {
		b := []byte("hello")
		s := unsafe.String(unsafe.SliceData(b), len(b))
		seen := map[string]bool{s: true}
		b[0] = 'j' // the key changes under the map
		if seen["hello"] {
			hello++
		}
		if seen["jello"] {
			jello++
		}
		for k := range seen {
			if k == "jello" {
				ranged++
			}
		}
	}
	fmt.Println(maps, hello, jello, ranged)
}
