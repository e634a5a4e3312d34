// Command varmake makes slices whose length is known only at run time, one that fits the
// frame's 32-byte buffer and one that does not, and prints their allocations per call.
package main

import (
	"fmt"
	"testing"
)

type big [40]byte

//go:noinline
func makeBytes(n int) int { b := make([]byte, n); return len(b) }

//go:noinline
func makeBig(n int) int { b := make([]big, n); return len(b) }

func main() {
	fmt.Println(testing.AllocsPerRun(100, func() { makeBytes(32) }),
		testing.AllocsPerRun(100, func() { makeBig(1) }))
}
