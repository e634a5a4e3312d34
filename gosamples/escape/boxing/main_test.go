package main

import "testing"

// copied are the values the runtime cannot share: converting them to any copies them to the heap.
var copied = map[string]bool{
	"int 1000": true, "int -1": true, "file{1000}": true, "float64 1.5": true,
	"string hello": true, "[2]int": true, "[]int": true,
}

func TestBoxingCosts(t *testing.T) {
	for _, c := range conversions() {
		want := 0.0
		if copied[c.name] {
			want = 1
		}
		if got := testing.AllocsPerRun(100, c.box); got != want {
			t.Errorf("%s: %v allocs/conversion, want %v", c.name, got, want)
		}
	}
}
