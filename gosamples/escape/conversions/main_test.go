package main

import "testing"

// allocating are the cases that cost one allocation per call; all others cost none.
var allocating = map[string]bool{
	"string(b) used locally, 33 B": true, "[]byte(s) used locally, 33 B": true,
	"a + b used locally, 33 B": true, "string(b) kept, 32 B": true, "a + b kept, 32 B": true,
	"method value kept": true,
}

func TestConversionCosts(t *testing.T) {
	for _, r := range cases() {
		want := 0.0
		if allocating[r.name] {
			want = 1
		}
		if got := testing.AllocsPerRun(100, r.f); got != want {
			t.Errorf("%s: %v allocs/call, want %v", r.name, got, want)
		}
	}
}
