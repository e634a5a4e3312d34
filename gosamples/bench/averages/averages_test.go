// Package averages has two benchmarks whose B/op and allocs/op are averages over b.N that
// change with b.N (notebook 04).
package averages

import "testing"

var (
	sinkInts  []int
	sinkBytes []byte
)

// One int appended per operation: the slice is reallocated, larger, now and then.
func BenchmarkAppendGrow(b *testing.B) {
	var s []int
	for b.Loop() {
		s = append(s, 1)
	}
	sinkInts = s
}

// 4 KiB allocated once every 1,000 operations.
func BenchmarkEvery1000(b *testing.B) {
	i := 0
	for b.Loop() {
		if i%1000 == 0 {
			sinkBytes = make([]byte, 4096)
		}
		i++
	}
}
