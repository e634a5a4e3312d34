// Allocsperrun shows what testing.AllocsPerRun returns: a warm-up call not counted, a whole
// number (the average rounded down), measured with GOMAXPROCS 1 (notebook 04).
package main

import (
	"fmt"
	"runtime"
	"testing"
)

var (
	sink  *[64]byte
	cache *[64]byte
	calls int
	procs int
)

func main() {
	firstOnly := func() { // allocates on its first call only
		if cache == nil {
			cache = new([64]byte)
		}
	}
	oneAndAHalf := func() { // one allocation per call, and one more on every other call
		calls++
		sink = new([64]byte)
		if calls%2 == 0 {
			sink = new([64]byte)
		}
	}
	seeProcs := func() { procs = runtime.GOMAXPROCS(0) }
	before := runtime.GOMAXPROCS(0)
	fmt.Println(testing.AllocsPerRun(100, firstOnly), testing.AllocsPerRun(10, oneAndAHalf))
	testing.AllocsPerRun(1, seeProcs)
	fmt.Println(procs, before, runtime.GOMAXPROCS(0))
}
