package main

import (
	"strings"
	"testing"
)

// TestFields_nonempty has "none" in its name: `go test -run none` runs it.
func TestFields_nonempty(t *testing.T) {
	if got := strings.Fields(" go  memory "); len(got) != 2 {
		t.Fatalf("strings.Fields gave %q, want two fields", got)
	}
	t.Log("TestFields_nonempty ran")
}

func BenchmarkNothing(b *testing.B) {
	for b.Loop() {
	}
}
