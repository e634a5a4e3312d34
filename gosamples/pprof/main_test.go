package main

import "testing"

func TestBothCountsAgree(t *testing.T) {
	text := corpus(500)
	wasteful, frugal := countWasteful(text), countFrugal(text)
	if len(wasteful) != len(frugal) {
		t.Fatalf("different vocabularies: %d vs %d words", len(wasteful), len(frugal))
	}
	for word, n := range frugal {
		if wasteful[word] != n {
			t.Fatalf("%q: wasteful %d, frugal %d", word, wasteful[word], n)
		}
	}
}

func TestFrugalAllocatesLess(t *testing.T) {
	text := corpus(200)
	wasteful := testing.AllocsPerRun(5, func() { countWasteful(text) })
	frugal := testing.AllocsPerRun(5, func() { countFrugal(text) })
	if frugal*10 > wasteful {
		t.Fatalf("allocs per run: frugal %v, wasteful %v; want frugal at least 10x fewer", frugal, wasteful)
	}
}

func TestTopIsOrdered(t *testing.T) {
	got := top(map[string]int{"a": 1, "b": 3, "c": 3}, 2)
	if len(got) != 2 || got[0] != "b" || got[1] != "c" {
		t.Fatalf("top = %v, want [b c]", got)
	}
}

func BenchmarkCountWasteful(b *testing.B) {
	text := corpus(1000)
	for b.Loop() {
		countWasteful(text)
	}
}

func BenchmarkCountFrugal(b *testing.B) {
	text := corpus(1000)
	for b.Loop() {
		countFrugal(text)
	}
}
