// Command bench holds the functions that notebook 04-benchmarks measures: two ways to join
// strings, two ways to fill a slice, and a small hash whose result a careless benchmark throws
// away. Run it to see how many heap allocations one call of each makes.
package main

import (
	"fmt"
	"strings"
	"testing"
)

// Hash mixes the bits of x: five rounds of xor-shift and multiply (the splitmix64 finaliser's
// two, then three more with other constants), then a last xor-shift. It is pure and small
// enough to be inlined, so a benchmark that drops its result lets the compiler delete the call.
func Hash(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	x *= 0x9e3779b97f4a7c15
	x ^= x >> 29
	return x
}

// JoinPlus concatenates parts with +=: every step copies the text so far into a new string.
func JoinPlus(parts []string) string {
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}

// JoinBuilder concatenates parts into a strings.Builder sized up front: one allocation.
func JoinBuilder(parts []string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, p := range parts {
		sb.WriteString(p)
	}
	return sb.String()
}

// FillAppend returns 0..n-1, growing the slice with append from nothing.
func FillAppend(n int) []int {
	var s []int
	for i := range n {
		s = append(s, i)
	}
	return s
}

// FillPrealloc returns 0..n-1 in a slice made with its final capacity.
func FillPrealloc(n int) []int {
	s := make([]int, 0, n)
	for i := range n {
		s = append(s, i)
	}
	return s
}

// Words returns n short strings to join.
func Words(n int) []string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("w%03d ", i)
	}
	return parts
}

// Package variables that results are stored in, so that the compiler keeps every call.
var (
	keepS string
	keepI []int
	keepU uint64
)

func main() {
	parts := Words(16)
	fmt.Printf("%-22s %12s\n", "call", "allocs/call")
	report := func(name string, f func()) {
		fmt.Printf("%-22s %12.0f\n", name, testing.AllocsPerRun(100, f))
	}
	report("JoinPlus(16 words)", func() { keepS = JoinPlus(parts) })
	report("JoinBuilder(16 words)", func() { keepS = JoinBuilder(parts) })
	report("FillAppend(1000)", func() { keepI = FillAppend(1000) })
	report("FillPrealloc(1000)", func() { keepI = FillPrealloc(1000) })
	report("Hash(42)", func() { keepU = Hash(keepU + 42) })
}
