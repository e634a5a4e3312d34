// Command releases prints the allocations per call of buffers at and just over the stack
// limits of several Go releases (128 KiB, 10 MB) and of make([]byte, n) with n = 32.
package main

import (
	"fmt"
	"testing"
)

//go:noinline
func at128K() byte { var buf [128 << 10]byte; return buf[len(buf)-1] }

//go:noinline
func over128K() byte { var buf [128<<10 + 1]byte; return buf[len(buf)-1] }

//go:noinline
func at10M() byte { var buf [10 << 20]byte; return buf[len(buf)-1] }

//go:noinline
func over10M() byte { var buf [10<<20 + 1]byte; return buf[len(buf)-1] }

//go:noinline
func makeN(n int) int { buf := make([]byte, n); return len(buf) }

func main() {
	fmt.Println(testing.AllocsPerRun(3, func() { at128K() }),
		testing.AllocsPerRun(3, func() { over128K() }), testing.AllocsPerRun(3, func() { at10M() }),
		testing.AllocsPerRun(3, func() { over10M() }), testing.AllocsPerRun(3, func() { makeN(32) }))
}
