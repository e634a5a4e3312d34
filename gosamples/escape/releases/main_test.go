package main

import "testing"

func TestLimitsOfThisRelease(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
		want float64
	}{
		{"128 KiB", func() { at128K() }, 0},
		{"128 KiB + 1", func() { over128K() }, 1},
		{"10 MB", func() { at10M() }, 1},
		{"10 MB + 1", func() { over10M() }, 1},
		{"make(n=32)", func() { makeN(32) }, 0},
	} {
		if got := testing.AllocsPerRun(3, c.f); got != c.want {
			t.Errorf("%s: %v allocs/call, want %v", c.name, got, c.want)
		}
	}
}
