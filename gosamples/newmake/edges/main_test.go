package main

import "testing"

func TestEdgesAllocate(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
		want float64
	}{
		{"newAtLimit", func() { newAtLimit() }, 0},
		{"newOverLimit", func() { newOverLimit() }, 1},
		{"varAtLimit", func() { varAtLimit() }, 0},
		{"varOverLimit", func() { varOverLimit() }, 1},
		{"localInterface", func() { localInterface() }, 0},
	} {
		if got := testing.AllocsPerRun(20, c.f); got != c.want {
			t.Errorf("%s: %v allocs/call, want %v", c.name, got, c.want)
		}
	}
}
