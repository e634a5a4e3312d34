package main

import "testing"

func TestInterfaceArgumentCosts(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
		want float64
	}{
		{"passToTypeSwitch(1000)", func() { passToTypeSwitch(1000) }, 0},
		{"passToKeep(1000)", func() { passToKeep(1000) }, 1},
		{"passToKeep(7)", func() { passToKeep(7) }, 0}, // 7 is in the runtime's staticuint64s
	} {
		if got := testing.AllocsPerRun(100, c.f); got != c.want {
			t.Errorf("%s: %v allocs/call, want %v", c.name, got, c.want)
		}
	}
}
