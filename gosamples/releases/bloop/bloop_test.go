package bloop

import "testing"

// BenchmarkSquare uses b.Loop (Go 1.24+): older releases reject this file.
func BenchmarkSquare(b *testing.B) {
	for b.Loop() {
		Square(7)
	}
}

func TestSquare(t *testing.T) {
	if Square(7) != 49 {
		t.Fatal("Square(7) != 49")
	}
}
