package main

import "testing"

func BenchmarkHint8(b *testing.B) {
	for b.Loop() {
		distinct8()
	}
}

func BenchmarkHint16(b *testing.B) {
	for b.Loop() {
		distinct16()
	}
}

func BenchmarkHintAtRunTime8(b *testing.B) {
	for b.Loop() {
		distinctN(8)
	}
}

func BenchmarkHintAtRunTime16(b *testing.B) {
	for b.Loop() {
		distinctN(16)
	}
}

func TestEveryMapHoldsTheEightWords(t *testing.T) {
	for hint, got := range map[string]int{"8": distinct8(), "16": distinct16(), "n=8": distinctN(8)} {
		if got != len(words) {
			t.Errorf("hint %s: %d distinct words, want %d", hint, got, len(words))
		}
	}
}
