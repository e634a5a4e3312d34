package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Sinks: storing a result in a package variable keeps the compiler from deleting its computation.
var (
	sinkU uint64
	sinkS string
	sinkI []int
)

func TestJoinsAgree(t *testing.T) {
	for _, n := range []int{0, 1, 8, 64} {
		parts := Words(n)
		want := strings.Join(parts, "")
		if got := JoinPlus(parts); got != want {
			t.Errorf("JoinPlus(%d words) = %q, want %q", n, got, want)
		}
		if got := JoinBuilder(parts); got != want {
			t.Errorf("JoinBuilder(%d words) = %q, want %q", n, got, want)
		}
	}
}

func TestFillsAgree(t *testing.T) {
	for _, n := range []int{0, 1, 100, 4096} {
		a, p := FillAppend(n), FillPrealloc(n)
		if !slices.Equal(a, p) || len(a) != n || (n > 0 && a[n-1] != n-1) {
			t.Errorf("FillAppend(%d) and FillPrealloc(%d) disagree", n, n)
		}
		if cap(p) != n {
			t.Errorf("FillPrealloc(%d) has capacity %d", n, cap(p))
		}
	}
}

func TestHashMixes(t *testing.T) {
	if Hash(1) == Hash(2) || Hash(0) != 0 {
		t.Errorf("Hash(1)=%x Hash(2)=%x Hash(0)=%x", Hash(1), Hash(2), Hash(0))
	}
}

func TestMainRuns(t *testing.T) {
	main()
}

// The dead-code trap: the result of Hash is dropped, Hash is inlined, and the compiler deletes it.
func BenchmarkHashDead(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Hash(uint64(i))
	}
}

// The classic fix: use the result (here: accumulate it and store it in a package variable).
func BenchmarkHashSink(b *testing.B) {
	var acc uint64
	for i := 0; i < b.N; i++ {
		acc += Hash(uint64(i))
	}
	sinkU = acc
}

// Go 1.24+: b.Loop keeps the arguments and results of calls in its body alive.
func BenchmarkHashLoop(b *testing.B) {
	x := uint64(42)
	for b.Loop() {
		Hash(x)
		x++
	}
}

// b.Loop keeps the result alive, but Hash of a constant is still folded at compile time.
func BenchmarkHashLoopConst(b *testing.B) {
	for b.Loop() {
		Hash(42)
	}
}

// setup allocates a 1 MiB table, standing in for expensive preparation of a benchmark's input.
func setup() []byte {
	table := make([]byte, 1<<20)
	for i := range table {
		table[i] = byte(i)
	}
	return table
}

// Without ResetTimer, the setup's time and allocation are charged to the loop.
func BenchmarkSetupNoReset(b *testing.B) {
	table := setup()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkU += uint64(table[i%len(table)])
	}
}

// b.ResetTimer zeroes the clock and the allocation counters after the setup.
func BenchmarkSetupReset(b *testing.B) {
	table := setup()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkU += uint64(table[i%len(table)])
	}
}

// b.Loop resets the timer itself when the loop starts.
func BenchmarkSetupLoop(b *testing.B) {
	table := setup()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkU += uint64(table[i%len(table)])
		i++
	}
}

// Calls of each benchmark function in the current -count repetition. The testing package
// starts every repetition with one call at b.N = 1 (run1); a b.N style function is then called
// again with growing b.N, while a b.Loop function ramps up inside its loop. Both benchmarks
// count the same way, so the numbers say how often each function really ran.
var calls = map[string]int{}

// countCall records one call of the benchmark function b and returns the calls so far in
// this repetition.
func countCall(b *testing.B) int {
	if b.N == 1 { // the first call of a repetition (b.Loop sets b.N only when its loop ends)
		calls[b.Name()] = 0
	}
	calls[b.Name()]++
	return calls[b.Name()]
}

func BenchmarkCallsN(b *testing.B) {
	n := countCall(b)
	for i := 0; i < b.N; i++ {
		sinkU += Hash(uint64(i))
	}
	b.ReportMetric(float64(n), "calls")
}

func BenchmarkCallsLoop(b *testing.B) {
	n := countCall(b)
	var x uint64
	for b.Loop() {
		sinkU += Hash(x)
		x++
	}
	b.ReportMetric(float64(n), "calls")
}

// Two implementations as sub-benchmarks impl=..., swept over the number of parts.
func BenchmarkJoin(b *testing.B) {
	impls := []struct {
		name string
		join func([]string) string
	}{{"plus", JoinPlus}, {"builder", JoinBuilder}}
	for _, impl := range impls {
		for _, n := range []int{8, 64} {
			b.Run(fmt.Sprintf("impl=%s/parts=%d", impl.name, n), func(b *testing.B) {
				parts := Words(n)
				b.SetBytes(int64(len(strings.Join(parts, ""))))
				for b.Loop() {
					sinkS = impl.join(parts)
				}
			})
		}
	}
}

// A size sweep: how do time and allocations grow with n?
func BenchmarkFill(b *testing.B) {
	impls := []struct {
		name string
		fill func(int) []int
	}{{"append", FillAppend}, {"prealloc", FillPrealloc}}
	for _, impl := range impls {
		for _, n := range []int{16, 256, 4096, 65536} {
			b.Run(fmt.Sprintf("impl=%s/size=%d", impl.name, n), func(b *testing.B) {
				for b.Loop() {
					sinkI = impl.fill(n)
				}
			})
		}
	}
}

// Parallel work: -cpu 1,2 runs it with GOMAXPROCS 1 and 2 (names get no suffix and -2).
func BenchmarkJoinParallel(b *testing.B) {
	parts := Words(32)
	b.RunParallel(func(pb *testing.PB) {
		var local string
		for pb.Next() {
			local = JoinBuilder(parts)
		}
		_ = local
	})
}
